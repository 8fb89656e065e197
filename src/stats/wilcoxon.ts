/**
 * Wilcoxon signed-rank test, one-sided, normal approximation — driftgate's secondary check for
 * ordinal judge scores. Zero differences are dropped (Wilcoxon's convention, R's default); ties
 * among |d| get mid-ranks, and the variance is corrected for them:
 *   V = Σ ranks of positive differences, E[V] = n(n+1)/4,
 *   Var[V] = n(n+1)(2n+1)/24 − Σ(t³ − t)/48 over groups of t tied |d|,
 *   z = (V − E[V] ∓ ½) / √Var[V] with a continuity correction toward the mean.
 */
import normalCdf from '@stdlib/stats-base-dists-normal-cdf';
import { averageRanks } from './agreement.js';
import type { Direction } from './paired.js';

export interface WilcoxonResult {
  /** Non-zero differences used. */
  readonly n: number;
  readonly v: number;
  readonly z: number;
  /** One-sided p-value for "differences tend to be greater (or less) than 0". */
  readonly p: number;
}

export function wilcoxonSignedRank(d: readonly number[], direction: Direction): WilcoxonResult {
  const nonZero = d.filter((x) => x !== 0);
  const n = nonZero.length;
  if (n === 0) return { n, v: 0, z: 0, p: 1 };
  const ranks = averageRanks(nonZero.map(Math.abs));
  let v = 0;
  nonZero.forEach((x, i) => {
    if (x > 0) v += ranks[i] as number;
  });
  const counts = new Map<number, number>();
  for (const x of nonZero) counts.set(Math.abs(x), (counts.get(Math.abs(x)) ?? 0) + 1);
  let tieTerm = 0;
  for (const t of counts.values()) tieTerm += t ** 3 - t;
  const expected = (n * (n + 1)) / 4;
  const variance = (n * (n + 1) * (2 * n + 1)) / 24 - tieTerm / 48;
  if (variance <= 0) return { n, v, z: 0, p: 1 };
  const diff = v - expected;
  const correction = direction === 'greater' ? 0.5 : -0.5;
  const z = (diff - correction) / Math.sqrt(variance);
  const p = direction === 'greater' ? 1 - normalCdf(z, 0, 1) : normalCdf(z, 0, 1);
  return { n, v, z, p };
}
