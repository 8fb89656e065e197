import { describe, expect, it } from 'vitest';
import { mcnemarRegression } from '../src/stats/mcnemar.js';
import { benjaminiHochberg, holm } from '../src/stats/multiplicity.js';
import { mean, pairedBootstrap, signFlipPValue, swapPermutationPValue } from '../src/stats/paired.js';
import { wilcoxonSignedRank } from '../src/stats/wilcoxon.js';
import { casesNeeded, minimumDetectableEffect } from '../src/stats/power.js';
import { mulberry32 } from '../src/stats/rng.js';

describe('McNemar, exact one-sided, and mid-p', () => {
  it('b = 10 regressions, c = 2 improvements: hand-summed binomial tails', () => {
    // X ~ Bin(12, ½): P(X=10)=66/4096, P(X=11)=12/4096, P(X=12)=1/4096
    const r = mcnemarRegression(10, 2);
    expect(r.pExact).toBeCloseTo(79 / 4096, 12); // P(X ≥ 10)
    expect(r.pMid).toBeCloseTo((13 + 33) / 4096, 12); // P(X > 10) + ½·P(X = 10)
  });
  it('more improvements than regressions is no evidence of regression', () => {
    expect(mcnemarRegression(2, 10).pExact).toBeCloseTo(4083 / 4096, 12); // 1 − P(X ≤ 1) = 1 − 13/4096
    expect(mcnemarRegression(0, 0)).toMatchObject({ pExact: 1, pMid: 1 });
  });
  it('mid-p is never above the exact p', () => {
    for (let b = 0; b <= 12; b++)
      for (let c = 0; c <= 12; c++) {
        const r = mcnemarRegression(b, c);
        expect(r.pMid).toBeLessThanOrEqual(r.pExact + 1e-15);
      }
  });
});

describe('multiplicity adjustments (as R p.adjust)', () => {
  it('Holm, hand-derived: m·p₍₁₎, (m−1)·p₍₂₎, … made monotone', () => {
    const adjusted = holm([0.01, 0.02, 0.03, 0.04, 0.05]);
    [0.05, 0.08, 0.09, 0.09, 0.09].forEach((v, i) => expect(adjusted[i]).toBeCloseTo(v, 12));
    const unsorted = holm([0.04, 0.01, 0.03]);
    [0.06, 0.03, 0.06].forEach((v, i) => expect(unsorted[i]).toBeCloseTo(v, 12));
  });
  it('Benjamini–Hochberg, hand-derived: min over k ≥ rank of m·p₍k₎/k', () => {
    expect(benjaminiHochberg([0.01, 0.02, 0.03, 0.04, 0.05]).map((p) => Number(p.toFixed(12)))).toEqual([
      0.05, 0.05, 0.05, 0.05, 0.05,
    ]);
    const unsorted = benjaminiHochberg([0.04, 0.01, 0.03]);
    [0.04, 0.03, 0.04].forEach((v, i) => expect(unsorted[i]).toBeCloseTo(v, 12));
    expect(holm([0.9, 0.8])).toEqual([1, 1]);
  });
});

describe('sign-flip permutation test', () => {
  it('is exact for small n: d = [1, 2, 3] has 1 of 8 sign patterns with sum ≥ 6', () => {
    expect(signFlipPValue([1, 2, 3], 'greater', mulberry32(1))).toBe(1 / 8);
    // d = [1, −2, 3], sum 2: patterns with sum ≥ 2 are {6, 4, 2} → 3/8
    expect(signFlipPValue([1, -2, 3], 'greater', mulberry32(1))).toBe(3 / 8);
    expect(signFlipPValue([1, 2, 3], 'less', mulberry32(1))).toBe(1);
  });
  it('Monte Carlo p agrees with full enumeration at n = 20 (computed independently here)', () => {
    const rng = mulberry32(42);
    const d = Array.from({ length: 20 }, () => rng() - 0.4);
    const observed = d.reduce((a, b) => a + b, 0);
    let atLeast = 0;
    for (let mask = 0; mask < 2 ** 20; mask++) {
      let s = 0;
      for (let i = 0; i < 20; i++) s += mask & (1 << i) ? Math.abs(d[i]!) : -Math.abs(d[i]!);
      if (s >= observed - 1e-12) atLeast++;
    }
    const exact = atLeast / 2 ** 20;
    expect(signFlipPValue(d, 'greater', mulberry32(7), 20_000)).toBeCloseTo(exact, 2);
  });
  it('never returns 0 from Monte Carlo: (1 + #≥)/(B + 1)', () => {
    const d = Array.from({ length: 40 }, () => 1);
    expect(signFlipPValue(d, 'greater', mulberry32(3), 999)).toBe(1 / 1000);
  });
  it('the swap test of a mean difference matches the sign-flip test', () => {
    const rng = mulberry32(5);
    const base = Array.from({ length: 30 }, () => rng());
    const cur = base.map((x) => x + 0.1 * (rng() - 0.3));
    const diffMean = (b: readonly number[], c: readonly number[]) => mean(c) - mean(b);
    const swap = swapPermutationPValue(base, cur, diffMean, 'greater', mulberry32(9), 9999);
    const flip = signFlipPValue(
      cur.map((c, i) => c - base[i]!),
      'greater',
      mulberry32(9),
      9999,
    );
    expect(Math.abs(swap - flip)).toBeLessThan(0.02);
  });
});

describe('paired bootstrap interval', () => {
  it('covers the true mean difference at about its nominal rate (simulation with known truth)', () => {
    const rng = mulberry32(2026);
    const normal = () => Math.sqrt(-2 * Math.log(1 - rng())) * Math.cos(2 * Math.PI * rng());
    let covered = 0;
    const sims = 300;
    for (let s = 0; s < sims; s++) {
      const base = Array.from({ length: 60 }, () => normal());
      const cur = base.map((b) => b + 0.1 + 0.8 * normal()); // true mean difference 0.1
      const [lo, hi] = pairedBootstrap(base, cur, (b, c) => mean(c) - mean(b), rng, 0.9, 1000);
      if (lo <= 0.1 && 0.1 <= hi) covered++;
    }
    // Nominal 90%; percentile intervals run slightly narrow at n = 60. 300 sims: SE ≈ 1.7 points.
    expect(covered / sims).toBeGreaterThan(0.85);
    expect(covered / sims).toBeLessThan(0.95);
  });
});

describe('Wilcoxon signed-rank (normal approximation, ties, zeros)', () => {
  it('reproduces V = 40 of R’s wilcox.test example (Hollander & Wolfe depression data)', () => {
    const x = [1.83, 0.5, 1.62, 2.48, 1.68, 1.88, 1.55, 3.06, 1.3];
    const y = [0.878, 0.647, 0.598, 2.05, 1.06, 1.29, 1.06, 3.14, 1.29];
    const r = wilcoxonSignedRank(
      x.map((v, i) => v - y[i]!),
      'greater',
    );
    expect(r.v).toBe(40);
    // E = 22.5, Var = 9·10·19/24 = 71.25, z = (40 − 22.5 − ½)/√71.25
    expect(r.z).toBeCloseTo(17 / Math.sqrt(71.25), 12);
    expect(r.p).toBeCloseTo(0.022, 3); // 1 − Φ(2.014); R's exact p is 0.01953
  });
  it('drops zeros, gives tied |d| mid-ranks and corrects the variance (hand-derived)', () => {
    // non-zero |d| = 1.5, .5, 2, 3, 2, 1, 4 → ranks 3, 1, 4.5, 6, 4.5, 2, 7; V = 3+4.5+6+4.5+7 = 25
    // E = 14; Var = 7·8·15/24 − (2³ − 2)/48 = 34.875; z = (25 − 14 − ½)/√34.875
    const r = wilcoxonSignedRank([1.5, -0.5, 2, 3, 2, -1, 0, 4], 'greater');
    expect(r).toMatchObject({ n: 7, v: 25 });
    expect(r.z).toBeCloseTo(10.5 / Math.sqrt(34.875), 12);
    expect(r.p).toBeCloseTo(0.0377, 3); // 1 − Φ(1.778)
  });
});

describe('power', () => {
  it('MDE = (z₀.₉₅ + z₀.₈)·SE = (1.644854 + 0.841621)·SE', () => {
    expect(minimumDetectableEffect(0.1, 0.05)).toBeCloseTo(0.2486475, 6);
    expect(casesNeeded(100, 0.06, 0.03)).toBe(400);
  });
});

import { bootstrapMeanInterval } from '../src/stats/bootstrap.js';

describe('one-sample bootstrap of a bounded, skewed mean', () => {
  it('covers the known mean of U³ (= 1/4) at about 95% and stays inside [0, 1]', () => {
    const rng = mulberry32(99);
    let covered = 0;
    const sims = 300;
    for (let s = 0; s < sims; s++) {
      const values = Array.from({ length: 40 }, () => rng() ** 3);
      const [lo, hi] = bootstrapMeanInterval(values, rng, 0.95, 1000)!;
      expect(lo).toBeGreaterThanOrEqual(0);
      expect(hi).toBeLessThanOrEqual(1);
      if (lo <= 0.25 && 0.25 <= hi) covered++;
    }
    // 300 sims: SE ≈ 1.3 points around 95%; percentile intervals at n = 40 run a little narrow.
    expect(covered / sims).toBeGreaterThan(0.89);
    expect(covered / sims).toBeLessThan(0.985);
  });
});
