/** driftgate's statistics, as a documented public module (`driftgate/stats`). */
export { meanInterval, clusterMeans, type MeanInterval } from './mean-interval.js';
export { quantile } from './quantile.js';
