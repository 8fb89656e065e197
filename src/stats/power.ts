/**
 * Power for an inconclusive verdict: the minimum detectable effect of a one-sided test at level α
 * with 80% power, MDE = (z₁₋α + z₀.₈)·SE, and roughly how many cases would make `minEffect`
 * detectable, n·(MDE / minEffect)², since SE shrinks as 1/√n.
 */
import normalQuantile from '@stdlib/stats-base-dists-normal-quantile';

export function minimumDetectableEffect(se: number, alpha: number, power = 0.8): number {
  return (normalQuantile(1 - alpha, 0, 1) + normalQuantile(power, 0, 1)) * se;
}

export function casesNeeded(n: number, mde: number, minEffect: number): number {
  if (!(minEffect > 0) || !Number.isFinite(mde)) return Number.NaN;
  return Math.ceil(n * (mde / minEffect) ** 2);
}
