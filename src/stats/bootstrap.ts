/**
 * Percentile bootstrap interval of a mean (Efron 1979), for values that are bounded or skewed —
 * judge and similarity scores in [0, 1] — where a t interval can cross the bounds or misplace its
 * mass. Resampling is seeded, so the interval is the same on every run.
 */
import { quantile } from './quantile.js';
import type { Random } from './rng.js';

export function bootstrapMeanInterval(
  values: readonly number[],
  random: Random,
  coverage = 0.95,
  resamples = 2000,
): [number, number] | null {
  const n = values.length;
  if (n < 2) return null;
  const means = new Array<number>(resamples);
  for (let r = 0; r < resamples; r++) {
    let s = 0;
    for (let i = 0; i < n; i++) s += values[Math.floor(random() * n)] as number;
    means[r] = s / n;
  }
  const tail = (1 - coverage) / 2;
  return [quantile(means, tail), quantile(means, 1 - tail)];
}

/** Percentile bootstrap interval of any statistic of a sample of units (resampled whole). */
export function bootstrapStatistic<T>(
  units: readonly T[],
  statistic: (sample: readonly T[]) => number,
  random: Random,
  coverage = 0.95,
  resamples = 1000,
): [number, number] | null {
  const n = units.length;
  if (n < 2) return null;
  const values: number[] = [];
  for (let r = 0; r < resamples; r++) {
    const sample = Array.from({ length: n }, () => units[Math.floor(random() * n)] as T);
    const v = statistic(sample);
    if (Number.isFinite(v)) values.push(v);
  }
  if (values.length < 2) return null;
  const tail = (1 - coverage) / 2;
  return [quantile(values, tail), quantile(values, 1 - tail)];
}
