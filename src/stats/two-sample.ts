/**
 * Unpaired two-sample tests for the drift job's "what changed" signals.
 *
 * - `ksTwoSample`: Kolmogorov–Smirnov, D = sup |F₁ − F₂|, p from the asymptotic Kolmogorov
 *   distribution with Stephens' (1970) small-sample correction, λ = (√nₑ + 0.12 + 0.11/√nₑ)·D,
 *   nₑ = nm/(n+m). Conservative with many ties (lengths, integer scores): read it with the effect.
 * - `normalisedWasserstein`: W₁ between the two empirical distributions divided by the pooled
 *   standard deviation, an effect size in sd units.
 * - `chiSquareTest`: Pearson's χ² on a 2 × k table of counts (categories of refusals, finish
 *   reasons, format validity); `fisherExact2x2` for 2 × 2 tables with small expected counts.
 */
import chisquareCdf from '@stdlib/stats-base-dists-chisquare-cdf';
import hypergeometricPmf from '@stdlib/stats-base-dists-hypergeometric-pmf';

/** Q_KS(λ) = 2 Σ_{j≥1} (−1)^{j−1} e^{−2j²λ²}: the Kolmogorov distribution's upper tail. */
export function kolmogorovQ(lambda: number): number {
  if (lambda < 0.2) return 1;
  let sum = 0;
  for (let j = 1; j <= 100; j++) {
    const term = 2 * (j % 2 === 1 ? 1 : -1) * Math.exp(-2 * j * j * lambda * lambda);
    sum += term;
    if (Math.abs(term) < 1e-12) break;
  }
  return Math.min(1, Math.max(0, sum));
}

export interface KsResult {
  readonly d: number;
  readonly p: number;
}

export function ksTwoSample(x: readonly number[], y: readonly number[]): KsResult {
  const n = x.length;
  const m = y.length;
  if (n === 0 || m === 0) return { d: 0, p: 1 };
  const a = [...x].sort((p, q) => p - q);
  const b = [...y].sort((p, q) => p - q);
  let i = 0;
  let j = 0;
  let d = 0;
  while (i < n && j < m) {
    const v = Math.min(a[i] as number, b[j] as number);
    while (i < n && (a[i] as number) <= v) i++;
    while (j < m && (b[j] as number) <= v) j++;
    d = Math.max(d, Math.abs(i / n - j / m));
  }
  const ne = Math.sqrt((n * m) / (n + m));
  return { d, p: kolmogorovQ((ne + 0.12 + 0.11 / ne) * d) };
}

export function normalisedWasserstein(x: readonly number[], y: readonly number[]): number {
  const a = [...x].sort((p, q) => p - q);
  const b = [...y].sort((p, q) => p - q);
  const all = [...new Set([...a, ...b])].sort((p, q) => p - q);
  let w = 0;
  let i = 0;
  let j = 0;
  for (let k = 0; k + 1 < all.length; k++) {
    const v = all[k] as number;
    while (i < a.length && (a[i] as number) <= v) i++;
    while (j < b.length && (b[j] as number) <= v) j++;
    w += Math.abs(i / a.length - j / b.length) * ((all[k + 1] as number) - v);
  }
  const pooled = [...a, ...b];
  const mean = pooled.reduce((s, v) => s + v, 0) / pooled.length;
  const sd = Math.sqrt(pooled.reduce((s, v) => s + (v - mean) ** 2, 0) / Math.max(1, pooled.length - 1));
  return sd > 0 ? w / sd : 0;
}

export interface ChiSquareResult {
  readonly statistic: number;
  readonly df: number;
  readonly p: number;
  /** Smallest expected count: below 5 the χ² approximation is poor (use Fisher for 2 × 2). */
  readonly minExpected: number;
}

/** Pearson's χ² test of homogeneity on rows of counts (e.g. pinned vs current per category). */
export function chiSquareTest(table: readonly (readonly number[])[]): ChiSquareResult {
  const rows = table.length;
  const cols = table[0]?.length ?? 0;
  const rowTotals = table.map((r) => r.reduce((a, b) => a + b, 0));
  const colTotals = Array.from({ length: cols }, (_, c) => table.reduce((s, r) => s + (r[c] as number), 0));
  const total = rowTotals.reduce((a, b) => a + b, 0);
  const usedCols = colTotals.filter((t) => t > 0).length;
  // A row with no counts (a side that answered nothing in these categories) carries no information:
  // its expected counts are 0, and 0/0 would make the statistic — and every Holm/BH value — NaN.
  const usedRows = rowTotals.filter((t) => t > 0).length;
  let statistic = 0;
  let minExpected = Number.POSITIVE_INFINITY;
  for (let r = 0; r < rows; r++) {
    if ((rowTotals[r] as number) === 0) continue;
    for (let c = 0; c < cols; c++) {
      if ((colTotals[c] as number) === 0) continue;
      const expected = ((rowTotals[r] as number) * (colTotals[c] as number)) / total;
      minExpected = Math.min(minExpected, expected);
      statistic += (((table[r] as number[])[c] as number) - expected) ** 2 / expected;
    }
  }
  const df = Math.max(0, (usedRows - 1) * (usedCols - 1));
  return { statistic, df, p: df > 0 ? 1 - chisquareCdf(statistic, df) : 1, minExpected };
}

/** Two-sided Fisher exact p for [[a, b], [c, d]]: the tables at most as likely as the observed one. */
export function fisherExact2x2(a: number, b: number, c: number, d: number): number {
  const N = a + b + c + d;
  const K = a + c; // first column total
  const n = a + b; // first row total
  const observed = hypergeometricPmf(a, N, K, n);
  let p = 0;
  for (let x = Math.max(0, n + K - N); x <= Math.min(n, K); x++) {
    const px = hypergeometricPmf(x, N, K, n);
    if (px <= observed * (1 + 1e-7)) p += px;
  }
  return Math.min(1, p);
}
