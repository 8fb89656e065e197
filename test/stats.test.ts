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
