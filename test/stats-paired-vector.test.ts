/**
 * The paired vector sign-flip test against hand-derived exact p-values, its invariance to the signs
 * (what makes it exact), and its size and power by simulation with known ground truth.
 */
import { describe, expect, it } from 'vitest';
import type { SparseRow } from '../src/stats/linear-algebra.js';
import { symmetricEigen } from '../src/stats/linear-algebra.js';
import { pairedVectorTest, singularScores, systematicShare } from '../src/stats/paired-vector-test.js';
import { mulberry32 } from '../src/stats/rng.js';

const dense = (values: readonly number[]): SparseRow => ({
  index: Int32Array.from(values.map((_, i) => i)),
  value: Float64Array.from(values),
});

function gaussian(random: () => number): number {
  return Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
}

describe('pairedVectorTest: exact values derived by hand', () => {
  it('one dimension, d = 1, 2, 3, 4: only the all-plus and all-minus signs reach |Σ| = 10, so p = 2/16', () => {
    const r = pairedVectorTest(
      [1, 2, 3, 4].map((d) => dense([d])),
      1,
      mulberry32(1),
    );
    expect(r.exact).toBe(true);
    expect(r.permutations).toBe(16);
    expect(r.p).toBeCloseTo(2 / 16, 12);
    expect(r.statistic).toBeCloseTo(100, 9);
  });

  it('six equal differences: p = 2/64', () => {
    expect(
      pairedVectorTest(
        Array.from({ length: 6 }, () => dense([0.5])),
        1,
        mulberry32(2),
      ).p,
    ).toBeCloseTo(2 / 64, 12);
  });

  it('two dimensions, d = (1,0), (0,1), (1,0): T = (s₁+s₃)² + s₂² is 5 exactly when s₁ = s₃, so p = 4/8', () => {
    const r = pairedVectorTest([dense([1, 0]), dense([0, 1]), dense([1, 0])], 2, mulberry32(3));
    expect(r.statistic).toBeCloseTo(5, 9);
    expect(r.p).toBeCloseTo(0.5, 12);
    expect(r.energyCaptured).toBeCloseTo(1, 9);
  });

  it('identical answers (all differences zero) and no pairs give p = 1 with the reason', () => {
    expect(pairedVectorTest([dense([0, 0]), dense([0, 0])], 2, mulberry32(4))).toMatchObject({
      p: 1,
      degenerate: 'every pair of answers is identical in these features',
    });
    expect(pairedVectorTest([], 2, mulberry32(4))).toMatchObject({ p: 1, degenerate: 'no pairs to compare' });
  });

  it('Jacobi eigen-decomposition of [[2,1],[1,2]]: eigenvalues 3 and 1', () => {
    const { values, vectors } = symmetricEigen(Float64Array.from([2, 1, 1, 2]), 2);
    expect(values[0]).toBeCloseTo(3, 12);
    expect(values[1]).toBeCloseTo(1, 12);
    expect(Math.abs(vectors[0] as number)).toBeCloseTo(Math.SQRT1_2, 12);
  });
});

describe('pairedVectorTest: exactness and calibration', () => {
  it('the singular directions do not depend on the signs: flipping rows flips their scores and nothing else', () => {
    const random = mulberry32(11);
    const rows = Array.from({ length: 40 }, () => dense(Array.from({ length: 25 }, () => gaussian(random))));
    const signs = rows.map(() => (random() < 0.5 ? -1 : 1));
    const flipped = rows.map((r, i) => ({ index: r.index, value: r.value.map((v) => v * (signs[i] as number)) }));
    const a = singularScores(rows, 25, 10, mulberry32(99));
    const b = singularScores(flipped, 25, 10, mulberry32(99));
    expect(b.k).toBe(a.k);
    for (let i = 0; i < 40; i++)
      for (let c = 0; c < a.k; c++)
        expect(b.scores[i * a.k + c]).toBeCloseTo((signs[i] as number) * (a.scores[i * a.k + c] as number), 8);
  });

  it('under the null (symmetric differences) p ≤ α about α of the time; with a shift it rejects nearly always', () => {
    const random = mulberry32(2024);
    const runs = 300;
    let nullRejections = 0;
    let shiftRejections = 0;
    for (let run = 0; run < runs; run++) {
      const noise = Array.from({ length: 40 }, () => Array.from({ length: 30 }, () => gaussian(random)));
      if (pairedVectorTest(noise.map(dense), 30, random, { permutations: 199 }).p <= 0.05) nullRejections++;
      const shifted = noise.map((row) => row.map((v, k) => v + (k < 3 ? 0.6 : 0)));
      if (pairedVectorTest(shifted.map(dense), 30, random, { permutations: 199 }).p <= 0.05) shiftRejections++;
    }
    // Binomial(300, 0.05): mean 15, sd 3.8; the band is ±3 sd.
    expect(nullRejections).toBeGreaterThanOrEqual(4);
    expect(nullRejections).toBeLessThanOrEqual(27);
    expect(shiftRejections / runs).toBeGreaterThan(0.9);
  });

  it('the systematic share is ~0 for noise and ~‖μ‖²/E‖d‖² for a common shift', () => {
    const random = mulberry32(5);
    const noise = Array.from({ length: 400 }, () => dense(Array.from({ length: 4 }, () => gaussian(random))));
    expect(Math.abs(systematicShare(pairedVectorTest(noise, 4, random, { permutations: 99 })))).toBeLessThan(0.02);
    // μ = (1, 0, 0, 0), noise variance 1 per axis: ‖μ‖² / E‖d‖² = 1 / 5.
    const shifted = noise.map((r) => ({ index: r.index, value: r.value.map((v, k) => v + (k === 0 ? 1 : 0)) }));
    expect(systematicShare(pairedVectorTest(shifted, 4, random, { permutations: 99 }))).toBeCloseTo(0.2, 1);
  });
});
