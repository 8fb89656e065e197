/**
 * Group-sequential boundaries by alpha spending (Lan & DeMets 1983): a test looked at several times
 * as data accrue keeps its overall one-sided level α when look k may reject only beyond a boundary
 * c_k chosen so that P(first crossing at look k | H0) = α(t_k) − α(t_{k−1}), with α(·) a spending
 * function of the fraction t_k of the planned looks (or information) reached.
 *
 * Under H0 the look statistics Z_1 … Z_K are jointly normal with corr(Z_j, Z_k) = √(I_j / I_k)
 * (j ≤ k, I the information = 1 / variance of the estimate): the canonical joint distribution of
 * Jennison & Turnbull (2000), ch. 3. The crossing probabilities are computed by recursive numerical
 * integration of the continuation density on a grid (ibid. ch. 19), Simpson's rule.
 *
 * Only an upper ("reject") boundary is spent. Stopping early for another reason (a verdict of
 * "unchanged") can only lower the chance of crossing later, so the level holds (a non-binding stop).
 */
import normalCdf from '@stdlib/stats-base-dists-normal-cdf';
import normalQuantile from '@stdlib/stats-base-dists-normal-quantile';

export type SpendingFunction = (alpha: number, t: number) => number;

/** Lan–DeMets Pocock type: α·ln(1 + (e − 1)·t). Spends early; suits looks that add little information. */
export const pocockSpending: SpendingFunction = (alpha, t) =>
  t <= 0 ? 0 : t >= 1 ? alpha : alpha * Math.log(1 + (Math.E - 1) * t);

/** Lan–DeMets O'Brien–Fleming type (one-sided): 2 − 2Φ(z₁₋α/₂ / √t). Spends almost nothing early. */
export const obrienFlemingSpending: SpendingFunction = (alpha, t) => {
  if (t <= 0) return 0;
  if (t >= 1) return alpha;
  return 2 * (1 - normalCdf(normalQuantile(1 - alpha / 2, 0, 1) / Math.sqrt(t), 0, 1));
};

const LOWER = -10;
const STEP = 0.02;
const phi = (x: number): number => Math.exp(-0.5 * x * x) / Math.sqrt(2 * Math.PI);

/** Simpson weights for m (odd) equally spaced points of spacing h. */
function simpsonWeights(m: number, h: number): Float64Array {
  const w = new Float64Array(m);
  for (let i = 0; i < m; i++) w[i] = ((i === 0 || i === m - 1 ? 1 : i % 2 === 1 ? 4 : 2) * h) / 3;
  return w;
}

interface Grid {
  readonly z: Float64Array;
  /** Density × Simpson weight: sums to the probability of having continued. */
  readonly mass: Float64Array;
}

function gridBelow(upper: number): { z: Float64Array; h: number } {
  let m = Math.max(3, Math.ceil((upper - LOWER) / STEP) + 1);
  if (m % 2 === 0) m++;
  const h = (upper - LOWER) / (m - 1);
  const z = new Float64Array(m);
  for (let i = 0; i < m; i++) z[i] = LOWER + i * h;
  return { z, h };
}

/** P(Z_k > c and continued before), given the previous continuation grid. */
function crossing(prev: Grid, rootPrev: number, rootNow: number, sdStep: number, c: number): number {
  let p = 0;
  for (let i = 0; i < prev.z.length; i++)
    p += (prev.mass[i] as number) * (1 - normalCdf((c * rootNow - (prev.z[i] as number) * rootPrev) / sdStep, 0, 1));
  return p;
}

/**
 * Boundaries c_1 … c_K (z scale) for looks at `information` I_1 < … < I_K, spending `spent[k]` =
 * α(t_k) cumulative. Information that did not grow between looks is nudged up by 1%: the look then
 * adds almost nothing, and its boundary is whatever spends its small share.
 */
export function sequentialBoundaries(spent: readonly number[], information: readonly number[]): number[] {
  if (spent.length !== information.length || spent.length === 0)
    throw new Error('sequentialBoundaries: one spending value per look');
  const info: number[] = [];
  for (const [k, value] of information.entries())
    info.push(k === 0 ? value : Math.max(value, (info[k - 1] as number) * 1.01));
  const bounds: number[] = [];
  const first = Math.max(1e-12, spent[0] as number);
  bounds.push(normalQuantile(1 - first, 0, 1));
  let grid = continuation(undefined, 0, 0, bounds[0] as number, 1);
  for (let k = 1; k < spent.length; k++) {
    const share = Math.max(0, (spent[k] as number) - (spent[k - 1] as number));
    const rootPrev = Math.sqrt(info[k - 1] as number);
    const rootNow = Math.sqrt(info[k] as number);
    const sdStep = Math.sqrt((info[k] as number) - (info[k - 1] as number));
    // Bisection: crossing() falls as c rises.
    let lo = -5;
    let hi = 12;
    if (share <= 0) lo = hi;
    for (let it = 0; it < 80 && hi - lo > 1e-7; it++) {
      const mid = (lo + hi) / 2;
      if (crossing(grid, rootPrev, rootNow, sdStep, mid) > share) lo = mid;
      else hi = mid;
    }
    const c = hi;
    bounds.push(c);
    if (k < spent.length - 1) grid = continuation(grid, rootPrev, sdStep, c, rootNow);
  }
  return bounds;
}

/** The density of Z_k on (LOWER, c) for paths that have not crossed yet, as grid masses. */
function continuation(prev: Grid | undefined, rootPrev: number, sdStep: number, c: number, rootNow: number): Grid {
  const { z, h } = gridBelow(c);
  const w = simpsonWeights(z.length, h);
  const mass = new Float64Array(z.length);
  for (let j = 0; j < z.length; j++) {
    const zj = z[j] as number;
    let density: number;
    if (!prev) density = phi(zj);
    else {
      density = 0;
      // Z_k √I_k = Z_{k−1} √I_{k−1} + N(0, ΔI): the change of variables gives the √I_k / sd factor.
      for (let i = 0; i < prev.z.length; i++)
        density += (prev.mass[i] as number) * phi((zj * rootNow - (prev.z[i] as number) * rootPrev) / sdStep);
      density *= rootNow / sdStep;
    }
    mass[j] = density * (w[j] as number);
  }
  return { z, mass };
}

/** The one-sided nominal level of each boundary: 1 − Φ(c_k). */
export function nominalLevels(bounds: readonly number[]): number[] {
  return bounds.map((c) => 1 - normalCdf(c, 0, 1));
}
