/**
 * Confidence interval of a mean: mean ± t₁₋α/₂,ₙ₋₁ · s/√n (the CLT interval with Student's t
 * critical value, which matters for the small n of golden datasets).
 *
 * With repeats, observations of one case are not independent: average them within the case first
 * (`clusterMeans`) and treat cases as the independent units — for equal repeats per case this is
 * exactly the cluster-robust interval.
 */
import tQuantile from '@stdlib/stats-base-dists-t-quantile';

export interface MeanInterval {
  readonly n: number;
  readonly mean: number;
  /** Sample standard deviation (n − 1). */
  readonly sd: number;
  readonly se: number;
  /** Null when n < 2: one observation has no spread to measure. */
  readonly ci: readonly [number, number] | null;
}

export function meanInterval(values: readonly number[], confidence = 0.95): MeanInterval {
  const n = values.length;
  if (n === 0) return { n, mean: Number.NaN, sd: Number.NaN, se: Number.NaN, ci: null };
  let sum = 0;
  for (const v of values) sum += v;
  const mean = sum / n;
  if (n < 2) return { n, mean, sd: Number.NaN, se: Number.NaN, ci: null };
  let ss = 0;
  for (const v of values) ss += (v - mean) ** 2;
  const sd = Math.sqrt(ss / (n - 1));
  const se = sd / Math.sqrt(n);
  const t = tQuantile(1 - (1 - confidence) / 2, n - 1);
  return { n, mean, sd, se, ci: [mean - t * se, mean + t * se] };
}

/** Averages the values of each cluster (e.g. the repeats of one case). */
export function clusterMeans(clusters: Iterable<readonly number[]>): number[] {
  const out: number[] = [];
  for (const values of clusters) {
    if (values.length === 0) continue;
    let sum = 0;
    for (const v of values) sum += v;
    out.push(sum / values.length);
  }
  return out;
}

/**
 * clusterMeans of values grouped by case, cases in first-seen order — the same numbers, summed in
 * the same order — from values given one by one, without a list per case (a 100,000-case summary
 * would hold 100,000 lists per metric). `repeated`: some case had more than one value. `index`
 * (caseIndex of a list the items come from) spares a map per call when one list gives several metrics.
 */
export function caseMeans<T>(
  items: Iterable<T>,
  caseOf: (item: T) => string,
  valueOf: (item: T) => number | undefined,
  index?: ReadonlyMap<string, number>,
): { readonly means: number[]; readonly repeated: boolean } {
  const sums: number[] = [];
  const counts: number[] = [];
  // Where each case's sum sits: by its place in `index` (-1: not seen yet), else in a map.
  const at = index ? new Int32Array(index.size).fill(-1) : undefined;
  let others: Map<string, number> | undefined;
  let repeated = false;
  for (const item of items) {
    const v = valueOf(item);
    if (v === undefined) continue;
    const id = caseOf(item);
    const k = index?.get(id);
    let i: number | undefined;
    if (at && k !== undefined) {
      i = (at[k] as number) >= 0 ? at[k] : undefined;
      if (i === undefined) at[k] = sums.length;
    } else {
      others ??= new Map();
      i = others.get(id);
      if (i === undefined) others.set(id, sums.length);
    }
    if (i === undefined) {
      sums.push(v);
      counts.push(1);
    } else {
      sums[i] = (sums[i] as number) + v;
      counts[i] = (counts[i] as number) + 1;
      repeated = true;
    }
  }
  return { means: sums.map((s, i) => s / (counts[i] as number)), repeated };
}

/** Each case's place in first-seen order, for caseMeans over several metrics of one list. */
export function caseIndex<T>(items: Iterable<T>, caseOf: (item: T) => string): Map<string, number> {
  const index = new Map<string, number>();
  for (const item of items) {
    const id = caseOf(item);
    if (!index.has(id)) index.set(id, index.size);
  }
  return index;
}
