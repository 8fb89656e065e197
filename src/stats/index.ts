/** driftgate's statistics, as a documented public module (`driftgate/stats`). */
export { meanInterval, clusterMeans, type MeanInterval } from './mean-interval.js';
export { quantile } from './quantile.js';
export { wilson, type RateInterval } from './wilson.js';
export { weightedKappa, spearman, pearson, averageRanks } from './agreement.js';
