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

/**
 * Exact one-sided sign-flip p for integer differences, by dynamic programming over the sums: the
 * number of sign assignments of |d| whose sum is ≥ the observed sum, over 2^n. Independent of the
 * code under test (no permutation is drawn).
 */
function exactSignFlipP(d: readonly number[]): number {
  const abs = d.map(Math.abs);
  const total = abs.reduce((a, b) => a + b, 0);
  let ways = new Map<number, number>([[0, 1]]);
  for (const a of abs) {
    const next = new Map<number, number>();
    for (const [sum, w] of ways) {
      next.set(sum + a, (next.get(sum + a) ?? 0) + w);
      next.set(sum - a, (next.get(sum - a) ?? 0) + w);
    }
    ways = next;
  }
  const observed = d.reduce((a, b) => a + b, 0);
  let atLeast = 0;
  for (const [sum, w] of ways) if (sum >= observed) atLeast += w;
  void total;
  return atLeast / 2 ** abs.length;
}

describe('sequential permutation p-values', () => {
  it('exact DP check: the method gives the textbook p for a small example', () => {
    // d = (1, 2, 3): sums over the 8 sign flips are −6, −4, −2, 0, 0, 2, 4, 6; P(S ≥ 6) = 1/8.
    expect(exactSignFlipP([1, 2, 3])).toBe(1 / 8);
    expect(exactSignFlipP([1, -2, 3])).toBe(3 / 8); // observed 2: sums ≥ 2 are 2, 4, 6
  });

  it('for exact p ≤ 0.1, within 10% (or 5 Monte-Carlo sd of 9,999 permutations) of the exact value — 300 data sets of n = 24 to 40', () => {
    const rng = mulberry32(2026);
    let checked = 0;
    const misses: string[] = [];
    for (let t = 0; t < 3000 && checked < 300; t++) {
      const n = 24 + Math.floor(rng() * 17);
      const shift = rng() * 1.2;
      const d = Array.from({ length: n }, () => Math.round(normal(rng) * 3 + shift));
      const exact = exactSignFlipP(d);
      if (exact > 0.1 || exact < 0.001) continue;
      checked++;
      const p = paired.signFlipPValue(d, 'greater', rng, 9999);
      const sd = Math.sqrt((exact * (1 - exact)) / 9999);
      if (Math.abs(p - exact) > Math.max(0.1 * exact, 5 * sd))
        misses.push(`exact ${exact.toFixed(4)} → ${p.toFixed(4)} after ${paired.lastPermutationCount}`);
    }
    expect(checked).toBe(300);
    expect(misses).toEqual([]);
  });

  it('the example of the issue: an exact p of about 0.036 is estimated from all 9,999 permutations, not stopped at 20 exceedances', () => {
    const rng = mulberry32(7);
    // Search a data set whose exact p is 0.0359 ± 0.001, as in the report.
    let d: number[] = [];
    let exact = 1;
    for (let t = 0; t < 20_000 && Math.abs(exact - 0.0359) > 0.001; t++) {
      d = Array.from({ length: 30 }, () => Math.round(normal(rng) * 3 + 0.55));
      exact = exactSignFlipP(d);
    }
    expect(Math.abs(exact - 0.0359)).toBeLessThanOrEqual(0.001);
    for (let run = 0; run < 20; run++) {
      const p = paired.signFlipPValue(d, 'greater', mulberry32(100 + run), 9999);
      expect(paired.lastPermutationCount).toBe(9999);
      expect(Math.abs(p - exact)).toBeLessThan(5 * Math.sqrt((exact * (1 - exact)) / 9999));
    }
  });

  it('sign flip: under the null P(p ≤ 0.05) is within simulation error of 0.05, and every p ≤ 0.1 is the all-permutations one (4,000 simulated tests of n = 60)', () => {
    const rng = mulberry32(11);
    let rejections = 0;
    let permutations = 0;
    const sims = 4000;
    for (let s = 0; s < sims; s++) {
      const d = Array.from({ length: 60 }, () => normal(rng));
      const p = paired.signFlipPValue(d, 'greater', mulberry32(s + 1), 9999);
      permutations += paired.lastPermutationCount;
      if (p <= 0.05) rejections++;
      // Early stopping never changes a decision: all 9,999 permutations decide alike.
      if (p <= 0.1) expect(paired.signFlipPValue(d, 'greater', mulberry32(s + 1), 9999, { earlyStop: false })).toBe(p);
    }
    // Binomial(4000, 0.05): sd 0.0034; ±3 sd.
    expect(rejections / sims).toBeGreaterThan(0.05 - 0.0103);
    expect(rejections / sims).toBeLessThan(0.05 + 0.0103);
    // Under the null p is uniform: the decision region and its margin (p below ~0.2) run long, the
    // rest stops early. On average still well under half of B.
    expect(permutations / sims).toBeLessThan(9999 / 2.5);
  }, 120_000);

  it('a clearly null metric (p ≈ 0.5) costs at most a fifth of B on average, and a shifted one runs them all and is found', () => {
    const rng = mulberry32(5);
    let permutations = 0;
    let near = 0;
    for (let t = 0; t < 400; t++) {
      const d = Array.from({ length: 200 }, () => normal(rng));
      const exactish = paired.signFlipPValue(d, 'greater', mulberry32(t), 9999, { earlyStop: false });
      if (exactish < 0.4 || exactish > 0.6) continue;
      near++;
      const p = paired.signFlipPValue(d, 'greater', rng, 9999);
      permutations += paired.lastPermutationCount;
      expect(p).toBeGreaterThan(0.1);
    }
    expect(near).toBeGreaterThan(50);
    expect(permutations / near).toBeLessThan(9999 / 5);
    const d = Array.from({ length: 200 }, () => normal(rng));
    const shifted = d.map((x) => x + 0.5);
    expect(paired.signFlipPValue(shifted, 'greater', rng, 9999)).toBe(1 / 10000);
    expect(paired.lastPermutationCount).toBe(9999);
    // Off: the classic (1 + #≥)/(B + 1).
    paired.signFlipPValue(d, 'greater', rng, 999, { earlyStop: false });
    expect(paired.lastPermutationCount).toBe(999);
  }, 120_000);

  it('swap permutation on p95: valid under the null (2,000 simulated tests of n = 80), and every decision at 0.05 is the one all 1,999 permutations give (the first 500)', () => {
    const rng = mulberry32(3);
    const scratch = new Float64Array(80);
    const p95 = (xs: readonly number[]) => quantile(xs, 0.95, scratch);
    let rejections = 0;
    let permutations = 0;
    let differ = 0;
    const sims = 2000;
    for (let s = 0; s < sims; s++) {
      const base = Array.from({ length: 80 }, () => Math.exp(normal(rng)));
      const cur = Array.from({ length: 80 }, () => Math.exp(normal(rng)));
      const stat = (b: readonly number[], c: readonly number[]) => p95(c) - p95(b);
      const p = paired.swapPermutationPValue(base, cur, stat, 'greater', mulberry32(s + 1), 1999);
      permutations += paired.lastPermutationCount;
      if (p <= 0.05) rejections++;
      // The all-permutations run on the first 500: enough to see any decision early stopping changed.
      if (
        s < 500 &&
        p <= 0.05 !==
          paired.swapPermutationPValue(base, cur, stat, 'greater', mulberry32(s + 1), 1999, { earlyStop: false }) <=
            0.05
      )
        differ++;
    }
    // Binomial(2000, 0.05): sd 0.0049; ±3 sd.
    expect(rejections / sims).toBeGreaterThan(0.05 - 0.0146);
    expect(rejections / sims).toBeLessThan(0.05 + 0.0146);
    expect(differ).toBe(0);
    expect(permutations / sims).toBeLessThan(1999 / 2.5);
  }, 120_000);
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
      const v = Array.from({ length: 1 + Math.floor(rng() * 40) }, () =>
        rng() < 0.3 ? Math.floor(rng() * 4) : rng() * 10,
      );
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
    const general = paired.pairedBootstrap(
      b,
      c,
      (bb, cc) => paired.mean(cc) / paired.mean(bb) - 1,
      mulberry32(4),
      0.9,
      500,
    );
    const fast = paired.pairedBootstrapOfMeans(b, c, (mb, mc) => mc / mb - 1, mulberry32(4), 0.9, 500);
    expect(fast).toEqual(general);
    const diff = paired.pairedBootstrap(b, c, (bb, cc) => paired.mean(cc) - paired.mean(bb), mulberry32(8), 0.9, 500);
    expect(paired.pairedBootstrapOfMeans(b, c, (mb, mc) => mc - mb, mulberry32(8), 0.9, 500)).toEqual(diff);
  });
});

describe('large-n intervals of the gate (beyond 5,000 cases): coverage by simulation', async () => {
  const { testMetric, LARGE_N } = await import('../src/gate/test-metric.js');
  const simulate = (
    shape: 'mean' | 'relative-mean' | 'relative-p95',
    sims: number,
    truth: number,
    draw: (rng: () => number) => [number, number],
  ) => {
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
      const t = testMetric(
        { name: 'm', shape, higherIsBetter: false },
        { caseIds: baseline.map((_, i) => `c${i}`), baseline, current, binarySingle: false },
        0.05,
        s + 1,
      );
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
  }, 120_000);
  it('ratio of means (cost, latency): true relative change 0', () => {
    const coverage = simulate('relative-mean', 300, 0, (rng) => {
      const b = Math.exp(normal(rng));
      return [b, b * Math.exp(0.3 * normal(rng) - 0.045)]; // E[exp(0.3 Z − 0.045)] = 1
    });
    expect(coverage).toBeGreaterThan(0.85);
    expect(coverage).toBeLessThan(0.95);
  }, 120_000);
  it('ratio of 95th percentiles: true relative change 0 (same distribution on both sides)', () => {
    const coverage = simulate('relative-p95', 120, 0, (rng) => [Math.exp(normal(rng)), Math.exp(normal(rng))]);
    // 120 simulations: sd ≈ 0.027.
    expect(coverage).toBeGreaterThan(0.82);
    expect(coverage).toBeLessThan(0.97);
  }, 120_000);
});
