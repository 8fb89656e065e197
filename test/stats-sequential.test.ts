/**
 * Early stopping of the permutation tests (Besag & Clifford 1991) checked by simulation with known
 * ground truth: under the null the sequential p-value stays valid (P(p ≤ α) ≈ α, never clearly
 * above), clear non-significant cases cost a small fraction of the permutations, and a real shift
 * is still found.
 */
import { describe, expect, it } from 'vitest';
import { mulberry32 } from '../src/stats/rng.js';
import * as paired from '../src/stats/paired.js';
import { quantile } from '../src/stats/quantile.js';

const normal = (rng: () => number) => Math.sqrt(-2 * Math.log(1 - rng())) * Math.cos(2 * Math.PI * rng());

describe('sequential permutation p-values', () => {
  it('sign flip: under the null P(p ≤ 0.05) is within simulation error of 0.05 (4,000 simulated tests of n = 60)', () => {
    const rng = mulberry32(11);
    let rejections = 0;
    let permutations = 0;
    const sims = 4000;
    for (let s = 0; s < sims; s++) {
      const d = Array.from({ length: 60 }, () => normal(rng));
      if (paired.signFlipPValue(d, 'greater', rng, 9999) <= 0.05) rejections++;
      permutations += paired.lastPermutationCount;
    }
    // Binomial(4000, 0.05): sd 0.0034; ±3 sd.
    expect(rejections / sims).toBeGreaterThan(0.05 - 0.0103);
    expect(rejections / sims).toBeLessThan(0.05 + 0.0103);
    // Most null cases are far from significance: on average far fewer than 9,999 permutations.
    expect(permutations / sims).toBeLessThan(9999 / 5);
  });

  it('a clearly null case stops after about stopAfter / p permutations, and a shifted one runs them all and is found', () => {
    const rng = mulberry32(5);
    const d = Array.from({ length: 200 }, () => normal(rng));
    const p = paired.signFlipPValue(d, 'greater', rng, 9999);
    expect(paired.lastPermutationCount).toBeLessThan(9999 / 5);
    expect(p).toBeCloseTo(20 / paired.lastPermutationCount, 12);
    const shifted = d.map((x) => x + 0.5);
    expect(paired.signFlipPValue(shifted, 'greater', rng, 9999)).toBe(1 / 10000);
    expect(paired.lastPermutationCount).toBe(9999);
    // Off: the classic (1 + #≥)/(B + 1).
    paired.signFlipPValue(d, 'greater', rng, 999, Number.POSITIVE_INFINITY);
    expect(paired.lastPermutationCount).toBe(999);
  });

  it('swap permutation on p95: valid under the null (2,000 simulated tests of n = 80)', () => {
    const rng = mulberry32(3);
    const scratch = new Float64Array(80);
    const p95 = (xs: readonly number[]) => quantile(xs, 0.95, scratch);
    let rejections = 0;
    let permutations = 0;
    const sims = 2000;
    for (let s = 0; s < sims; s++) {
      const base = Array.from({ length: 80 }, () => Math.exp(normal(rng)));
      const cur = Array.from({ length: 80 }, () => Math.exp(normal(rng)));
      if (paired.swapPermutationPValue(base, cur, (b, c) => p95(c) - p95(b), 'greater', rng, 1999) <= 0.05) rejections++;
      permutations += paired.lastPermutationCount;
    }
    // Binomial(2000, 0.05): sd 0.0049; ±3 sd.
    expect(rejections / sims).toBeGreaterThan(0.05 - 0.0146);
    expect(rejections / sims).toBeLessThan(0.05 + 0.0146);
    expect(permutations / sims).toBeLessThan(1999 / 5);
  });
});

describe('quantile by selection', () => {
  it('equals the sorted type-7 quantile on random inputs with ties', () => {
    const rng = mulberry32(9);
    const sorted = (v: number[], p: number) => {
      const s = [...v].sort((a, b) => a - b);
      const h = (s.length - 1) * p;
      const lo = Math.floor(h);
      const hi = Math.min(lo + 1, s.length - 1);
      return (s[lo] as number) + (h - lo) * ((s[hi] as number) - (s[lo] as number));
    };
    for (let t = 0; t < 3000; t++) {
      const v = Array.from({ length: 1 + Math.floor(rng() * 40) }, () => (rng() < 0.3 ? Math.floor(rng() * 4) : rng() * 10));
      for (const p of [0, 0.25, 0.5, 0.95, 1]) expect(quantile(v, p)).toBe(sorted(v, p));
    }
    // R: quantile(c(1, 2, 3, 4, 10), 0.95, type = 7) = 8.8
    expect(quantile([10, 3, 1, 4, 2], 0.95)).toBeCloseTo(8.8, 12);
  });
});

describe('bootstrap of means', () => {
  it('gives exactly the interval of the general paired bootstrap (same draws, same sums)', () => {
    const rng = mulberry32(21);
    const b = Array.from({ length: 500 }, () => Math.exp(normal(rng)));
    const c = b.map((x) => x * (1 + 0.1 * normal(rng)));
    const general = paired.pairedBootstrap(b, c, (bb, cc) => paired.mean(cc) / paired.mean(bb) - 1, mulberry32(4), 0.9, 500);
    const fast = paired.pairedBootstrapOfMeans(b, c, (mb, mc) => mc / mb - 1, mulberry32(4), 0.9, 500);
    expect(fast).toEqual(general);
    const diff = paired.pairedBootstrap(b, c, (bb, cc) => paired.mean(cc) - paired.mean(bb), mulberry32(8), 0.9, 500);
    expect(paired.pairedBootstrapOfMeans(b, c, (mb, mc) => mc - mb, mulberry32(8), 0.9, 500)).toEqual(diff);
  });
});

describe('large-n intervals of the gate (beyond 5,000 cases): coverage by simulation', async () => {
  const { testMetric, LARGE_N } = await import('../src/gate/test-metric.js');
  const simulate = (shape: 'mean' | 'relative-mean' | 'relative-p95', sims: number, truth: number, draw: (rng: () => number) => [number, number]) => {
    const rng = mulberry32(77);
    const n = LARGE_N + 1000;
    let covered = 0;
    for (let s = 0; s < sims; s++) {
      const baseline: number[] = [];
      const current: number[] = [];
      for (let i = 0; i < n; i++) {
        const [b, c] = draw(rng);
        baseline.push(b);
        current.push(c);
      }
      const t = testMetric({ name: 'm', shape, higherIsBetter: false }, { caseIds: baseline.map((_, i) => `c${i}`), baseline, current, binarySingle: false }, 0.05, s + 1);
      if (t && t.deltaInterval[0] <= truth && truth <= t.deltaInterval[1]) covered++;
    }
    return covered / sims;
  };
  // The gate's intervals are two-sided 90% (1 − 2α at α = 0.05). 300 simulations: sd ≈ 0.017.
  it('mean difference: true difference 0', () => {
    const coverage = simulate('mean', 300, 0, (rng) => {
      const b = rng();
      return [b, b + 0.2 * normal(rng)];
    });
    expect(coverage).toBeGreaterThan(0.85);
    expect(coverage).toBeLessThan(0.95);
  });
  it('ratio of means (cost, latency): true relative change 0', () => {
    const coverage = simulate('relative-mean', 300, 0, (rng) => {
      const b = Math.exp(normal(rng));
      return [b, b * Math.exp(0.3 * normal(rng) - 0.045)]; // E[exp(0.3 Z − 0.045)] = 1
    });
    expect(coverage).toBeGreaterThan(0.85);
    expect(coverage).toBeLessThan(0.95);
  });
  it('ratio of 95th percentiles: true relative change 0 (same distribution on both sides)', () => {
    const coverage = simulate('relative-p95', 120, 0, (rng) => [Math.exp(normal(rng)), Math.exp(normal(rng))]);
    // 120 simulations: sd ≈ 0.027.
    expect(coverage).toBeGreaterThan(0.82);
    expect(coverage).toBeLessThan(0.97);
  });
});
