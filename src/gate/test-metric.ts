/**
 * The paired test behind one metric's verdict, chosen by the metric's shape:
 * - rate, one 0/1 per case on each side → exact McNemar mid-p on the discordant counts b and c;
 *   interval of the difference from the Agresti–Min (2005) adjusted Wald interval (½ added to each
 *   cell), which does not collapse to [0, 0] when no case flips;
 * - rate with repeats, and mean scores → mean of per-case differences; p from a sign-flip
 *   permutation test; interval from a paired bootstrap; Wilcoxon signed-rank as a secondary check;
 * - cost, latency → relative change of the mean (current / baseline − 1), tested on the per-case
 *   differences; latency_p95 → relative change of the 95th percentile, swap-permutation test.
 * Effects are reported in "improvement" units (negative = worse) and in natural units for display.
 *
 * Intervals beyond LARGE_N cases: the percentile bootstrap costs B·n, and at that size the mean's
 * sampling distribution is normal to within the bootstrap's own Monte Carlo error, so a mean
 * difference gets estimate ± z·se (paired se), a ratio of means the delta-method interval
 * (se of cᵢ − r·bᵢ over √n·mean(b)), and the p95 ratio a normal interval with the standard error from
 * SE_RESAMPLES bootstrap resamples (Efron & Tibshirani 1993, §6.4: 25–200 suffice for a standard
 * error). Coverage is checked by simulation in test/stats-sequential.test.ts.
 */
import normalCdf from '@stdlib/stats-base-dists-normal-cdf';
import normalQuantile from '@stdlib/stats-base-dists-normal-quantile';
import { mcnemarRegression } from '../stats/mcnemar.js';
import {
  DECIDE_BELOW,
  mean,
  pairedBootstrap,
  pairedBootstrapOfMeans,
  pairedStandardError,
  signFlipPValue,
  swapPermutationPValue,
} from '../stats/paired.js';
import { quantile } from '../stats/quantile.js';
import { wilcoxonSignedRank } from '../stats/wilcoxon.js';
import { mulberry32 } from '../stats/rng.js';
import type { MetricSpec, PairedValues } from './metric-values.js';

export interface MetricTest {
  readonly n: number;
  /** Baseline and current values on the shared cases (rate, mean, dollars or ms). */
  readonly baseline: number;
  readonly current: number;
  /** current − baseline (absolute), or current / baseline − 1 (relative metrics). */
  readonly delta: number;
  readonly deltaInterval: readonly [number, number];
  /** The same in improvement units: negative is worse. */
  readonly effect: number;
  readonly effectInterval: readonly [number, number];
  /** One-sided p-value for "worse", before multiplicity adjustment. */
  readonly pWorse: number;
  /** Standard error of the effect, for the MDE. */
  readonly se: number;
  readonly mcnemar?: { readonly b: number; readonly c: number; readonly pExact: number };
  readonly wilcoxonP?: number;
}

const BOOTSTRAP = 2000;
const PERMUTATIONS = 9999;
export const LARGE_N = 5_000;
const SE_RESAMPLES = 200;

/** estimate ± z·se at the two-sided coverage. */
function normalInterval(estimate: number, se: number, coverage: number): [number, number] {
  const zc = normalQuantile(1 - (1 - coverage) / 2, 0, 1);
  return [estimate - zc * se, estimate + zc * se];
}

/** Delta-method standard error of mean(c) / mean(b) − 1 on paired values. */
function ratioStandardError(b: readonly number[], c: readonly number[]): number {
  const mb = mean(b);
  const r = mean(c) / mb;
  return pairedStandardError(c.map((x, i) => x - r * (b[i] as number))) / mb;
}

/**
 * `normal`: the z-test a group-sequential design needs at each look (gate.adaptive): p = Φ(effect /
 * se) and normal intervals, for every shape. Repeats then differ between the two sides, so the
 * sign-flip and McNemar tests (which need the two values of a case to be exchangeable) do not apply.
 */
export function testMetric(
  spec: MetricSpec,
  values: PairedValues,
  alpha: number,
  seed: number,
  normal = false,
): MetricTest | undefined {
  const n = values.caseIds.length;
  if (n === 0) return undefined;
  if (normal) return normalTest(spec, values, alpha, seed);
  const rng = mulberry32(seed);
  const z = normalQuantile(1 - alpha, 0, 1);
  const sign = spec.higherIsBetter ? 1 : -1;
  const { baseline: b, current: c } = values;
  const coverage = 1 - 2 * alpha;

  if (spec.shape === 'rate' && values.binarySingle) {
    let regress = 0;
    let improve = 0;
    for (let i = 0; i < n; i++) {
      if (b[i] === 1 && c[i] === 0) regress++;
      if (b[i] === 0 && c[i] === 1) improve++;
    }
    const m = mcnemarRegression(regress, improve);
    const delta = (improve - regress) / n;
    const b2 = regress + 0.5;
    const c2 = improve + 0.5;
    const n2 = n + 2;
    const centre = (c2 - b2) / n2;
    const se = Math.sqrt(b2 + c2 - (c2 - b2) ** 2 / n2) / n2;
    const interval: [number, number] = [Math.max(-1, centre - z * se), Math.min(1, centre + z * se)];
    return {
      n,
      baseline: mean(b),
      current: mean(c),
      delta,
      deltaInterval: interval,
      effect: delta,
      effectInterval: interval,
      pWorse: m.pMid,
      se,
      mcnemar: { b: regress, c: improve, pExact: m.pExact },
    };
  }

  const d = c.map((x, i) => x - (b[i] as number));
  const worse = spec.higherIsBetter ? 'less' : 'greater';
  // Holm and BH reject only a p below α: no early stop where α (with room) could be reached.
  const stop = { decideBelow: Math.max(DECIDE_BELOW, 2 * alpha) };

  if (spec.shape === 'rate' || spec.shape === 'mean') {
    const delta = mean(d);
    const interval =
      n > LARGE_N
        ? normalInterval(delta, pairedStandardError(d), coverage)
        : pairedBootstrapOfMeans(b, c, (mb, mc) => mc - mb, rng, coverage, BOOTSTRAP);
    const effectInterval = orient(interval, sign);
    return {
      n,
      baseline: mean(b),
      current: mean(c),
      delta,
      deltaInterval: interval,
      effect: sign * delta,
      effectInterval,
      pWorse: signFlipPValue(d, worse, rng, PERMUTATIONS, stop),
      se: pairedStandardError(d),
      wilcoxonP: wilcoxonSignedRank(d, worse).p,
    };
  }

  // One scratch buffer for every quantile of the resampling loops: no allocation per permutation.
  const scratch = new Float64Array(b.length);
  const stat =
    spec.shape === 'relative-p95'
      ? (xs: readonly number[]) => quantile(xs, 0.95, scratch)
      : (xs: readonly number[]) => mean(xs);
  const baseStat = stat(b);
  const curStat = stat(c);
  const relative = (bb: readonly number[], cc: readonly number[]) => stat(cc) / stat(bb) - 1;
  const delta = baseStat > 0 ? curStat / baseStat - 1 : Number.NaN;
  const interval =
    n <= LARGE_N
      ? spec.shape === 'relative-p95'
        ? pairedBootstrap(b, c, relative, rng, coverage, BOOTSTRAP)
        : pairedBootstrapOfMeans(b, c, (mb, mc) => mc / mb - 1, rng, coverage, BOOTSTRAP)
      : normalInterval(
          delta,
          spec.shape === 'relative-p95' ? bootstrapStandardError(b, c, relative, rng) : ratioStandardError(b, c),
          coverage,
        );
  const pWorse =
    spec.shape === 'relative-p95'
      ? swapPermutationPValue(b, c, (bb, cc) => stat(cc) - stat(bb), worse, rng, 1999, stop)
      : signFlipPValue(d, worse, rng, PERMUTATIONS, stop);
  const se =
    spec.shape === 'relative-mean' && baseStat > 0
      ? pairedStandardError(d) / baseStat
      : (interval[1] - interval[0]) / (2 * z);
  return {
    n,
    baseline: baseStat,
    current: curStat,
    delta,
    deltaInterval: interval,
    effect: sign * delta,
    effectInterval: orient(interval, sign),
    pWorse,
    se,
  };
}

function normalTest(spec: MetricSpec, values: PairedValues, alpha: number, seed: number): MetricTest {
  const { baseline: b, current: c } = values;
  const n = b.length;
  const sign = spec.higherIsBetter ? 1 : -1;
  let baseline: number;
  let current: number;
  let delta: number;
  let seDelta: number;
  if (spec.shape === 'rate' || spec.shape === 'mean') {
    const d = c.map((x, i) => x - (b[i] as number));
    [baseline, current, delta, seDelta] = [mean(b), mean(c), mean(d), pairedStandardError(d)];
  } else if (spec.shape === 'relative-mean') {
    [baseline, current] = [mean(b), mean(c)];
    [delta, seDelta] = [current / baseline - 1, ratioStandardError(b, c)];
  } else {
    const scratch = new Float64Array(n);
    const p95 = (xs: readonly number[]) => quantile(xs, 0.95, scratch);
    [baseline, current] = [p95(b), p95(c)];
    delta = current / baseline - 1;
    seDelta = bootstrapStandardError(b, c, (bb, cc) => p95(cc) / p95(bb) - 1, mulberry32(seed));
  }
  const effect = sign * delta;
  const se = seDelta;
  const pWorse = se > 0 ? normalCdf(effect / se, 0, 1) : effect < 0 ? 0 : 1;
  const deltaInterval = normalInterval(delta, se, 1 - 2 * alpha);
  return {
    n,
    baseline,
    current,
    delta,
    deltaInterval,
    effect,
    effectInterval: orient(deltaInterval, sign),
    pWorse,
    se,
  };
}

function orient(interval: readonly [number, number], sign: number): [number, number] {
  return sign > 0 ? [interval[0], interval[1]] : [-interval[1], -interval[0]];
}

/** Standard error of a paired statistic from SE_RESAMPLES bootstrap resamples. */
function bootstrapStandardError(
  b: readonly number[],
  c: readonly number[],
  statistic: (b: readonly number[], c: readonly number[]) => number,
  rng: () => number,
): number {
  const n = b.length;
  const bb = new Array<number>(n);
  const cc = new Array<number>(n);
  const values: number[] = [];
  for (let r = 0; r < SE_RESAMPLES; r++) {
    for (let i = 0; i < n; i++) {
      const j = Math.floor(rng() * n);
      bb[i] = b[j] as number;
      cc[i] = c[j] as number;
    }
    values.push(statistic(bb, cc));
  }
  const m = mean(values);
  return Math.sqrt(values.reduce((s, v) => s + (v - m) ** 2, 0) / (SE_RESAMPLES - 1));
}
