import { describe, expect, it } from 'vitest';
import {
  chiSquareTest,
  fisherExact2x2,
  kolmogorovQ,
  ksTwoSample,
  normalisedWasserstein,
} from '../src/stats/two-sample.js';
import { mmdPermutationTest } from '../src/stats/kernel-two-sample.js';
import { ewmaCheck } from '../src/stats/ewma.js';
import { mulberry32 } from '../src/stats/rng.js';

describe('Kolmogorov–Smirnov', () => {
  it('the Kolmogorov tail gives the tabulated critical values: 1.224 → 0.10, 1.358 → 0.05, 1.628 → 0.01', () => {
    expect(kolmogorovQ(1.2239)).toBeCloseTo(0.1, 3);
    expect(kolmogorovQ(1.3581)).toBeCloseTo(0.05, 3);
    expect(kolmogorovQ(1.6276)).toBeCloseTo(0.01, 3);
  });
  it('D is the largest gap between the empirical CDFs (hand-derived)', () => {
    // F₁ jumps at 1..4, F₂ at 3..6: the gap is ½ at 2, 3 and 4.
    expect(ksTwoSample([1, 2, 3, 4], [3, 4, 5, 6]).d).toBe(0.5);
    expect(ksTwoSample([1, 2, 3], [1, 2, 3])).toMatchObject({ d: 0, p: 1 });
  });
  it('finds a shift of half a standard deviation at n = 300 and not a mere reshuffle', () => {
    const rng = mulberry32(3);
    const normal = () => Math.sqrt(-2 * Math.log(1 - rng())) * Math.cos(2 * Math.PI * rng());
    const a = Array.from({ length: 300 }, normal);
    expect(
      ksTwoSample(
        a,
        Array.from({ length: 300 }, () => normal() + 0.5),
      ).p,
    ).toBeLessThan(0.001);
    expect(ksTwoSample(a.slice(0, 150), a.slice(150)).p).toBeGreaterThan(0.05);
  });
  it('normalised Wasserstein: {0,0} vs {1,1} moves mass 1 over a pooled sd of √(1/3)', () => {
    expect(normalisedWasserstein([0, 0], [1, 1])).toBeCloseTo(1 / Math.sqrt(1 / 3), 12);
  });
});

describe('categorical tests', () => {
  it('χ² on [[20, 30], [30, 20]]: every expected count is 25, χ² = 4, df 1, p = 0.0455', () => {
    const r = chiSquareTest([
      [20, 30],
      [30, 20],
    ]);
    expect(r.statistic).toBeCloseTo(4, 12);
    expect(r.df).toBe(1);
    expect(r.p).toBeCloseTo(0.0455, 4);
    expect(r.minExpected).toBe(25);
  });
  it('χ² with an all-zero row: no NaN — the empty row carries no information (df 0, p 1), and Holm/BH stay numbers', async () => {
    const r = chiSquareTest([
      [0, 0, 0],
      [5, 3, 2],
    ]);
    expect(r.statistic).toBe(0);
    expect(r.df).toBe(0);
    expect(r.p).toBe(1);
    // With a third row the two non-empty rows are still compared: [[20, 30], [30, 20]] as above.
    const three = chiSquareTest([
      [20, 30],
      [0, 0],
      [30, 20],
    ]);
    expect(three.statistic).toBeCloseTo(4, 12);
    expect(three.df).toBe(1);
    const { holm, benjaminiHochberg } = await import('../src/stats/multiplicity.js');
    // R: p.adjust(c(0.01, 0.04, 1), "holm") = 0.03 0.08 1; a NaN is taken as 1, never spread.
    expect(holm([0.01, 0.04, Number.NaN])).toEqual([0.03, 0.08, 1]);
    expect(benjaminiHochberg([0.01, 0.04, Number.NaN]).map((x) => Number(x.toFixed(10)))).toEqual([0.03, 0.06, 1]);
  });
  it("Fisher's tea-tasting table [[3, 1], [1, 3]]: two-sided p = 34/70", () => {
    expect(fisherExact2x2(3, 1, 1, 3)).toBeCloseTo(34 / 70, 10);
    expect(fisherExact2x2(4, 0, 0, 4)).toBeCloseTo(2 / 70, 10);
  });
});

describe('MMD² with a pooled permutation test', () => {
  it('matches the hand-computed value on a tiny sample: 2 − 2/e', () => {
    // x = {0, 0}, y = {1, 1}: median pairwise squared distance 1 → σ² = ½; k(across) = e⁻¹, k(within) = 1.
    const r = mmdPermutationTest(
      [Float32Array.of(0), Float32Array.of(0)],
      [Float32Array.of(1), Float32Array.of(1)],
      mulberry32(1),
      10,
    );
    expect(r.mmd2).toBeCloseTo(2 - 2 / Math.E, 6);
  });
  it('is calibrated under no change and finds a shift (simulation with known truth)', () => {
    const rng = mulberry32(11);
    const point = (shift: number) =>
      Float32Array.from(
        { length: 8 },
        (_, k) => Math.sqrt(-2 * Math.log(1 - rng())) * Math.cos(2 * Math.PI * rng()) + (k === 0 ? shift : 0),
      );
    let falseAlarms = 0;
    const trials = 40;
    for (let t = 0; t < trials; t++) {
      const r = mmdPermutationTest(
        Array.from({ length: 40 }, () => point(0)),
        Array.from({ length: 40 }, () => point(0)),
        rng,
        199,
      );
      if (r.p < 0.05) falseAlarms++;
    }
    expect(falseAlarms).toBeLessThanOrEqual(6); // Binomial(40, 0.05): P(X > 6) ≈ 0.005
    const shifted = mmdPermutationTest(
      Array.from({ length: 60 }, () => point(0)),
      Array.from({ length: 60 }, () => point(1.5)),
      rng,
      499,
    );
    expect(shifted.p).toBeLessThan(0.01);
    expect(shifted.p).toBeGreaterThan(0); // (1 + #≥)/(B + 1) is never 0
  });
});

describe('EWMA control chart', () => {
  it('steps the smoothed value by hand and flags a jump outside ±3σ√(λ/(2−λ))', () => {
    // centre 11.5; between-week variance 5/3; z: 11.2, 11.36, 11.288, 11.6304, 13.30432
    const r = ewmaCheck([10, 12, 11, 13], 20, 0)!;
    expect(r.z).toBeCloseTo(13.30432, 10);
    expect(r.upper).toBeCloseTo(11.5 + 3 * Math.sqrt(5 / 3) * Math.sqrt(0.2 / 1.8), 10);
    expect(r.outOfControl).toBe(true);
    expect(ewmaCheck([10, 12, 11, 13], 12, 0)!.outOfControl).toBe(false);
    expect(ewmaCheck([10], 12, 0)).toBeUndefined();
  });
});
