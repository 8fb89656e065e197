/**
 * Wilson score interval for a binomial proportion (Wilson 1927; Newcombe 1998, method 3):
 *   centre = (p̂ + z²/2n) / (1 + z²/n),
 *   half   = z / (1 + z²/n) · √(p̂(1 − p̂)/n + z²/4n²),
 * with z = Φ⁻¹(1 − α/2). Unlike p̂ ± z·SE it stays inside [0, 1] and keeps its coverage near 0 and 1,
 * where pass rates of good systems live.
 */
import normalQuantile from '@stdlib/stats-base-dists-normal-quantile';

export interface RateInterval {
  readonly successes: number;
  readonly n: number;
  readonly rate: number;
  readonly ci: readonly [number, number] | null;
}

export function wilson(successes: number, n: number, confidence = 0.95): RateInterval {
  if (!Number.isInteger(successes) || !Number.isInteger(n) || successes < 0 || successes > n) {
    throw new RangeError(`wilson: expected integers 0 ≤ successes ≤ n, got ${successes} of ${n}`);
  }
  if (n === 0) return { successes, n, rate: Number.NaN, ci: null };
  const z = normalQuantile(1 - (1 - confidence) / 2, 0, 1);
  const p = successes / n;
  const z2 = z * z;
  const denom = 1 + z2 / n;
  const centre = (p + z2 / (2 * n)) / denom;
  const half = (z / denom) * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n));
  return { successes, n, rate: p, ci: [Math.max(0, centre - half), Math.min(1, centre + half)] };
}
