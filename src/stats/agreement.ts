/**
 * Agreement between two raters (a judge and humans).
 *
 * - `weightedKappa`: Cohen's kappa with quadratic weights on an integer scale [lo, hi]:
 *   κ_w = 1 − Σ wᵢⱼ Oᵢⱼ / Σ wᵢⱼ Eᵢⱼ, wᵢⱼ = (i − j)² / (k − 1)², O the observed joint proportions,
 *   E the product of the marginals (Cohen 1968). 1 = perfect, 0 = chance, < 0 worse than chance.
 *   With `weights: 'none'` it is plain Cohen's kappa (for pass/fail).
 * - `spearman`: Spearman's ρ, the Pearson correlation of the ranks, ties given their average rank.
 */

export function weightedKappa(
  a: readonly number[],
  b: readonly number[],
  lo: number,
  hi: number,
  weights: 'quadratic' | 'none' = 'quadratic',
): number {
  if (a.length !== b.length) throw new RangeError('weightedKappa: raters must rate the same items');
  const n = a.length;
  const k = hi - lo + 1;
  if (n === 0 || k < 2) return Number.NaN;
  const observed = Array.from({ length: k }, () => new Array<number>(k).fill(0));
  const rowTotals = new Array<number>(k).fill(0);
  const colTotals = new Array<number>(k).fill(0);
  for (let t = 0; t < n; t++) {
    const i = Math.round(a[t] as number) - lo;
    const j = Math.round(b[t] as number) - lo;
    if (i < 0 || i >= k || j < 0 || j >= k) throw new RangeError(`weightedKappa: rating outside [${lo}, ${hi}]`);
    (observed[i] as number[])[j] = ((observed[i] as number[])[j] as number) + 1;
    rowTotals[i] = (rowTotals[i] as number) + 1;
    colTotals[j] = (colTotals[j] as number) + 1;
  }
  let disagreeObserved = 0;
  let disagreeExpected = 0;
  for (let i = 0; i < k; i++) {
    for (let j = 0; j < k; j++) {
      const w = weights === 'quadratic' ? ((i - j) / (k - 1)) ** 2 : i === j ? 0 : 1;
      disagreeObserved += w * (((observed[i] as number[])[j] as number) / n);
      disagreeExpected += w * (((rowTotals[i] as number) / n) * ((colTotals[j] as number) / n));
    }
  }
  return disagreeExpected === 0 ? Number.NaN : 1 - disagreeObserved / disagreeExpected;
}

/** Ranks 1..n, ties sharing the average of the ranks they span. */
export function averageRanks(values: readonly number[]): number[] {
  const order = values.map((v, i) => [v, i] as const).sort((x, y) => x[0] - y[0]);
  const ranks = new Array<number>(values.length);
  for (let start = 0; start < order.length;) {
    let end = start;
    while (
      end + 1 < order.length &&
      (order[end + 1] as readonly [number, number])[0] === (order[start] as readonly [number, number])[0]
    )
      end++;
    const rank = (start + end) / 2 + 1;
    for (let t = start; t <= end; t++) ranks[(order[t] as readonly [number, number])[1]] = rank;
    start = end + 1;
  }
  return ranks;
}

export function pearson(x: readonly number[], y: readonly number[]): number {
  const n = x.length;
  if (n !== y.length) throw new RangeError('pearson: series differ in length');
  if (n < 2) return Number.NaN;
  const mx = x.reduce((s, v) => s + v, 0) / n;
  const my = y.reduce((s, v) => s + v, 0) / n;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    const dx = (x[i] as number) - mx;
    const dy = (y[i] as number) - my;
    sxy += dx * dy;
    sxx += dx * dx;
    syy += dy * dy;
  }
  return sxx === 0 || syy === 0 ? Number.NaN : sxy / Math.sqrt(sxx * syy);
}

export function spearman(x: readonly number[], y: readonly number[]): number {
  return pearson(averageRanks(x), averageRanks(y));
}
