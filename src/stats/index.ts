/** driftgate's statistics, as a documented public module (`driftgate/stats`). */
export { meanInterval, clusterMeans, type MeanInterval } from './mean-interval.js';
export { quantile } from './quantile.js';
export { wilson, type RateInterval } from './wilson.js';
export { weightedKappa, spearman, pearson, averageRanks } from './agreement.js';
export { mcnemarRegression, type McNemarResult } from './mcnemar.js';
export { holm, benjaminiHochberg } from './multiplicity.js';
export {
  signFlipPValue,
  pairedBootstrap,
  swapPermutationPValue,
  pairedStandardError,
  mean,
  type Direction,
} from './paired.js';
export { wilcoxonSignedRank, type WilcoxonResult } from './wilcoxon.js';
export { minimumDetectableEffect, casesNeeded } from './power.js';
export { mulberry32, seedFrom, type Random } from './rng.js';
export { bootstrapMeanInterval } from './bootstrap.js';
