import { describe, expect, it } from 'vitest';
import { meanInterval, clusterMeans } from '../src/stats/mean-interval.js';
import { quantile } from '../src/stats/quantile.js';

describe('meanInterval (t interval)', () => {
  it('matches the hand-derived interval for 1..5: 3 ± 2.776445·0.707107', () => {
    // s = sqrt(2.5) = 1.581139, se = s/√5 = 0.707107, t(0.975, 4) = 2.776445 (standard t table)
    const m = meanInterval([1, 2, 3, 4, 5]);
    expect(m.mean).toBe(3);
    expect(m.sd).toBeCloseTo(1.581139, 6);
    expect(m.se).toBeCloseTo(0.707107, 6);
    expect(m.ci![0]).toBeCloseTo(3 - 2.776445 * 0.707107, 5);
    expect(m.ci![1]).toBeCloseTo(3 + 2.776445 * 0.707107, 5);
  });
  it('matches R t.test(sleep$extra[1:10])$conf.int: [-0.5297804, 2.0297804]', () => {
    const extra = [0.7, -1.6, -0.2, -1.2, -0.1, 3.4, 3.7, 0.8, 0.0, 2.0];
    const m = meanInterval(extra);
    expect(m.mean).toBeCloseTo(0.75, 10);
    expect(m.ci![0]).toBeCloseTo(-0.5297804, 6);
    expect(m.ci![1]).toBeCloseTo(2.0297804, 6);
  });
  it('has no interval for fewer than two values', () => {
    expect(meanInterval([4]).ci).toBeNull();
    expect(meanInterval([]).n).toBe(0);
  });
  it('averages repeats within a case before treating cases as units', () => {
    expect(clusterMeans([[1, 3], [5], []])).toEqual([2, 5]);
  });
});

describe('quantile (type 7)', () => {
  it('matches R quantile() / numpy.percentile on small samples', () => {
    expect(quantile([1, 2, 3, 4], 0.95)).toBeCloseTo(3.85, 12);
    expect(quantile([4, 1, 3, 2], 0.5)).toBe(2.5);
    expect(quantile([10], 0.95)).toBe(10);
    expect(quantile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 0.9)).toBeCloseTo(9.1, 12);
  });
});

import { wilson } from '../src/stats/wilson.js';
import { averageRanks, spearman, weightedKappa } from '../src/stats/agreement.js';

describe('wilson interval', () => {
  // Newcombe (1998), Statistics in Medicine 17:857–872, Table I, method 3 (score interval, no CC).
  it.each([
    [81, 263, 0.2553, 0.3662],
    [15, 148, 0.0624, 0.1605],
    [0, 20, 0.0, 0.1611],
    [1, 29, 0.0061, 0.1718],
  ])('%i of %i → [%f, %f] as published', (x, n, lo, hi) => {
    const w = wilson(x, n);
    expect(w.ci![0]).toBeCloseTo(lo, 4);
    expect(w.ci![1]).toBeCloseTo(hi, 4);
  });
  it('is symmetric for x and n − x, and empty for n = 0', () => {
    const a = wilson(3, 10).ci!;
    const b = wilson(7, 10).ci!;
    expect(a[0]).toBeCloseTo(1 - b[1], 12);
    expect(wilson(0, 0).ci).toBeNull();
    expect(() => wilson(5, 4)).toThrow(RangeError);
  });
});

describe('agreement statistics', () => {
  it('Spearman with the Wikipedia IQ / TV-hours example: ρ = −29/165', () => {
    const iq = [106, 100, 86, 101, 99, 103, 97, 113, 112, 110];
    const tv = [7, 27, 2, 50, 28, 29, 20, 12, 6, 17];
    expect(spearman(iq, tv)).toBeCloseTo(-29 / 165, 12);
  });
  it('gives ties their average rank', () => {
    expect(averageRanks([10, 20, 20, 30, 20])).toEqual([1, 3, 3, 5, 3]);
    expect(spearman([1, 2, 3, 4], [1, 2, 2, 3])).toBeCloseTo(4.5 / Math.sqrt(5 * 4.5), 12); // ranks [1,2,3,4] vs [1,2.5,2.5,4]: Σdxdy = 4.5, Σdx² = 5, Σdy² = 4.5
  });
  it("plain Cohen's kappa of the classic 2×2 table [[20,5],[10,15]] is 0.4", () => {
    // p_o = 35/50 = 0.7; p_e = 0.5·0.6 + 0.5·0.4 = 0.5; κ = (0.7 − 0.5)/(1 − 0.5) = 0.4
    const a = [...Array(25).fill(1), ...Array(25).fill(2)];
    const b = [...Array(20).fill(1), ...Array(5).fill(2), ...Array(10).fill(1), ...Array(15).fill(2)];
    expect(weightedKappa(a, b, 1, 2, 'none')).toBeCloseTo(0.4, 12);
  });
  it('quadratic weighted kappa of a hand-derived 3-point example is 11/17', () => {
    // O = [[1,1,0],[0,2,1],[0,1,2]] (n = 8): observed weighted disagreement 3·¼/8 = 3/32;
    // marginals r = (2,3,3)/8, c = (1,4,3)/8 give expected 17/64; κ = 1 − (3/32)/(17/64) = 11/17.
    const judge = [1, 1, 2, 2, 2, 3, 3, 3];
    const human = [1, 2, 2, 2, 3, 3, 3, 2];
    expect(weightedKappa(judge, human, 1, 3)).toBeCloseTo(11 / 17, 12);
    expect(weightedKappa(judge, judge, 1, 3)).toBe(1);
  });
});
