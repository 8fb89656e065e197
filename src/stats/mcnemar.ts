/**
 * McNemar's test for paired pass/fail outcomes, exact and one-sided.
 *
 * Of the cases both runs share, b passed before and fail now, c failed before and pass now. Under
 * "no change", each discordant case is equally likely to go either way: b ~ Binomial(b + c, ½).
 * Evidence of a regression is a large b:
 *   exact p = P(X ≥ b),   mid-p = P(X > b) + ½·P(X = b).
 * The exact test is conservative (about 3% false alarms at α = 0.05 in A/A runs); the mid-p
 * (Lancaster 1961; Fagerland, Lydersen & Laake 2013) keeps the false alarm rate close to α, which
 * is what a gate people leave switched on needs. With no discordant case there is no evidence: p = 1.
 */
import binomialCdf from '@stdlib/stats-base-dists-binomial-cdf';
import binomialPmf from '@stdlib/stats-base-dists-binomial-pmf';

export interface McNemarResult {
  /** Regressions: passed in the baseline, fail now. */
  readonly b: number;
  /** Improvements: failed in the baseline, pass now. */
  readonly c: number;
  /** One-sided exact p-value for "more regressions than improvements". */
  readonly pExact: number;
  /** One-sided mid-p value (the one driftgate gates on). */
  readonly pMid: number;
}

export function mcnemarRegression(b: number, c: number): McNemarResult {
  if (!Number.isInteger(b) || !Number.isInteger(c) || b < 0 || c < 0)
    throw new RangeError(`mcnemar: counts must be non-negative integers, got ${b}, ${c}`);
  const n = b + c;
  if (n === 0) return { b, c, pExact: 1, pMid: 1 };
  const pAbove = 1 - binomialCdf(b, n, 0.5); // P(X > b)
  const pAt = binomialPmf(b, n, 0.5);
  return { b, c, pExact: Math.min(1, pAbove + pAt), pMid: Math.min(1, pAbove + 0.5 * pAt) };
}
