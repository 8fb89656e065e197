/**
 * A paired sign-flip permutation test for vectors: did the per-pair difference vectors dᵢ (current
 * answer's features − pinned answer's features, one per input) move in a common direction?
 *
 * Null hypothesis: for each input the two answers are exchangeable (the same model, or any change
 * that is as likely in either direction), so each dᵢ is as likely as −dᵢ. Statistic:
 *
 *   T = ‖Vₖᵀ Σᵢ dᵢ‖²
 *
 * the energy of the summed differences in the top-K right singular subspace Vₖ of D (the n × dims
 * matrix of differences, uncentred). DᵀD = Σ dᵢdᵢᵀ does not change when any dᵢ flips sign, so Vₖ is
 * the same for every sign assignment and T(s) = Σₖ (Σᵢ sᵢ zᵢₖ)² with zᵢₖ = dᵢ·vₖ. The p-value
 * p = (1 + #{T(s) ≥ T}) / (B + 1) over B random sign vectors s (Phipson & Smyth 2010) is then exact
 * at any B, and its resolution is 1/(B + 1); for n ≤ 12 every one of the 2ⁿ assignments is used.
 *
 * Why the top subspace rather than the full ‖Σ dᵢ‖² (which needs the n × n Gram matrix, O(n²) per
 * flip): it costs O(n·K) per flip, so 10,000 flips on n = 1,000 stay within a second or two, and a
 * systematic change — answers that open alike, use lists, run longer — is a direction with a large
 * singular value, which the top subspace keeps while it drops the many small, noisy directions.
 * Vₖ comes from a seeded randomized SVD (Halko, Martinsson & Tropp 2011, with one power
 * iteration) started from a Gaussian matrix in feature space, which keeps it invariant to the
 * signs exactly, not only approximately.
 */
import {
  compactColumns,
  orthonormaliseColumns,
  sparseTimesDense,
  sparseTransposeTimesDense,
  symmetricEigen,
  type SparseRow,
} from './linear-algebra.js';
import type { Random } from './rng.js';

export interface PairedVectorTestOptions {
  /** Random sign vectors (default 10,000): the p-value's resolution is 1/(B + 1). */
  readonly permutations?: number;
  /** Singular directions kept (default 64, at most n). */
  readonly components?: number;
  readonly powerIterations?: number;
}

export interface PairedVectorTestResult {
  readonly n: number;
  /** T for the observed signs. */
  readonly statistic: number;
  /** E[T] under the null, Σᵢₖ zᵢₖ² (random signs cancel the cross terms). */
  readonly nullMean: number;
  readonly p: number;
  /** Sign assignments compared (2ⁿ when exact). */
  readonly permutations: number;
  readonly exact: boolean;
  /** Smallest p this test can give. */
  readonly resolution: number;
  readonly components: number;
  /** Share of Σ‖dᵢ‖² that lies in the kept directions. */
  readonly energyCaptured: number;
  /** Why the test could not run (no pairs, or every difference is zero: p = 1). */
  readonly degenerate?: string;
}

const EXACT_LIMIT = 12;

function gaussianMatrix(size: number, random: Random): Float32Array {
  const out = new Float32Array(size);
  for (let i = 0; i < size; i += 2) {
    const u = 1 - random();
    const v = random();
    const r = Math.sqrt(-2 * Math.log(u));
    out[i] = r * Math.cos(2 * Math.PI * v);
    if (i + 1 < size) out[i + 1] = r * Math.sin(2 * Math.PI * v);
  }
  return out;
}

/** zᵢₖ = dᵢ·vₖ for the top singular directions vₖ of D (n × K, row-major) and K. */
export function singularScores(
  allRows: readonly SparseRow[],
  allDims: number,
  components: number,
  random: Random,
  powerIterations = 1,
): { scores: Float64Array; k: number } {
  // Only the columns these rows use: a stratum's rows use a fraction of the week's vocabulary.
  const { rows, dims } = compactColumns(allRows, allDims);
  const n = rows.length;
  const width = Math.max(1, Math.min(components + 8, n, dims));
  let y = sparseTimesDense(rows, gaussianMatrix(dims * width, random), width);
  orthonormaliseColumns(y, n, width);
  const z = new Float64Array(dims * width); // reused: dims × width is the largest buffer here
  for (let it = 0; it < powerIterations; it++) {
    y = sparseTimesDense(rows, sparseTransposeTimesDense(rows, dims, y, width, z), width);
    orthonormaliseColumns(y, n, width);
  }
  // W = D Dᵀ Q, M = Qᵀ W = (DᵀQ)ᵀ(DᵀQ): eigenvectors of M give the singular directions of QᵀD.
  const w = sparseTimesDense(rows, sparseTransposeTimesDense(rows, dims, y, width, z), width);
  const m = new Float64Array(width * width);
  for (let r = 0; r < n; r++) {
    for (let i = 0; i < width; i++) {
      const q = y[r * width + i] as number;
      if (q === 0) continue;
      for (let j = 0; j < width; j++)
        m[i * width + j] = (m[i * width + j] as number) + q * (w[r * width + j] as number);
    }
  }
  for (let i = 0; i < width; i++)
    for (let j = 0; j < i; j++)
      m[i * width + j] = m[j * width + i] = ((m[i * width + j] as number) + (m[j * width + i] as number)) / 2;
  const { values, vectors } = symmetricEigen(m, width);
  const top = values[0] ?? 0;
  let k = 0;
  while (k < Math.min(components, width) && (values[k] as number) > 1e-12 * Math.max(top, 1e-300)) k++;
  // zᵢₖ = (W wₖ)ᵢ / σₖ: the exact projection of dᵢ on vₖ = Dᵀ Q wₖ / σₖ (a unit vector).
  const scores = new Float64Array(n * k);
  for (let r = 0; r < n; r++) {
    for (let c = 0; c < k; c++) {
      let s = 0;
      for (let j = 0; j < width; j++) s += (w[r * width + j] as number) * (vectors[j * width + c] as number);
      scores[r * k + c] = s / Math.sqrt(values[c] as number);
    }
  }
  return { scores, k };
}

/**
 * Partial sums Σᵢ sᵢ zᵢ for every sign pattern of each block of 8 rows (256 per block, K wide), so
 * one flip costs n/8 vector additions instead of n: bit j of a pattern flips row 8·block + j.
 */
function blockTables(scores: Float64Array, n: number, k: number): Float32Array {
  const blocks = Math.ceil(n / 8);
  // float32 halves the memory each flip reads (the table outgrows the caches at n = 1,000); a
  // pattern and its complement stay exact negatives, and the observed T is read from the same table.
  const table = new Float32Array(blocks * 256 * k);
  const sums = new Float64Array(k);
  for (let b = 0; b < blocks; b++) {
    const base = b * 256 * k;
    for (let pattern = 0; pattern < 256; pattern++) {
      const out = base + pattern * k;
      sums.fill(0);
      for (let j = 0; j < 8; j++) {
        const i = b * 8 + j;
        if (i >= n) break;
        const sign = (pattern >>> j) & 1 ? -1 : 1;
        for (let c = 0; c < k; c++) sums[c] = (sums[c] as number) + sign * (scores[i * k + c] as number);
      }
      table.set(sums, out);
    }
  }
  return table;
}

/** T(s) for one sign vector, the signs packed as bits (1 = flipped) in `words`. */
function statistic(table: Float32Array, blocks: number, k: number, acc: Float64Array, words: Uint32Array): number {
  acc.fill(0);
  for (let b = 0; b < blocks; b++) {
    const pattern = ((words[b >>> 2] as number) >>> ((b & 3) * 8)) & 255;
    const base = (b * 256 + pattern) * k;
    for (let c = 0; c < k; c++) acc[c] = (acc[c] as number) + (table[base + c] as number);
  }
  let t = 0;
  for (let c = 0; c < k; c++) t += (acc[c] as number) ** 2;
  return t;
}

const CHUNK = 256;

/**
 * How many of `permutations` random sign vectors give T ≥ threshold. Flips are evaluated a chunk
 * at a time, block by block: one block's table (256 × K floats) stays in cache while every flip of
 * the chunk reads it, instead of every flip reading the whole table from memory. Each flip still
 * sums its blocks in order, so T is the same to the last bit as one flip at a time.
 */
function countAtLeast(
  table: Float32Array,
  blocks: number,
  k: number,
  permutations: number,
  wordsPerFlip: number,
  random: Random,
  threshold: number,
): number {
  const words = new Uint32Array(CHUNK * wordsPerFlip);
  const acc = new Float64Array(CHUNK * k);
  let atLeast = 0;
  for (let start = 0; start < permutations; start += CHUNK) {
    const size = Math.min(CHUNK, permutations - start);
    for (let i = 0; i < size * wordsPerFlip; i++) words[i] = (random() * 4294967296) >>> 0;
    acc.fill(0);
    for (let b = 0; b < blocks; b++) {
      const shift = (b & 3) * 8;
      const word = b >>> 2;
      const blockBase = b * 256 * k;
      for (let p = 0; p < size; p++) {
        const pattern = ((words[p * wordsPerFlip + word] as number) >>> shift) & 255;
        const from = blockBase + pattern * k;
        const to = p * k;
        for (let c = 0; c < k; c++) acc[to + c] = (acc[to + c] as number) + (table[from + c] as number);
      }
    }
    for (let p = 0; p < size; p++) {
      let t = 0;
      for (let c = 0; c < k; c++) t += (acc[p * k + c] as number) ** 2;
      if (t >= threshold) atLeast++;
    }
  }
  return atLeast;
}

export function pairedVectorTest(
  rows: readonly SparseRow[],
  dims: number,
  random: Random,
  options: PairedVectorTestOptions = {},
): PairedVectorTestResult {
  const n = rows.length;
  const permutations = options.permutations ?? 10_000;
  const base = {
    n,
    permutations: 0,
    exact: false,
    resolution: 1,
    components: 0,
    energyCaptured: 0,
    statistic: 0,
    nullMean: 0,
    p: 1,
  };
  if (n === 0) return { ...base, degenerate: 'no pairs to compare' };
  let energy = 0;
  for (const r of rows) for (const v of r.value) energy += v * v;
  if (energy === 0) return { ...base, degenerate: 'every pair of answers is identical in these features' };

  const { scores, k } = singularScores(rows, dims, options.components ?? 64, random, options.powerIterations ?? 1);
  let captured = 0;
  for (const z of scores) captured += z * z;
  const acc = new Float64Array(k);
  const words = new Uint32Array(Math.ceil(n / 32));
  const blocks = Math.ceil(n / 8);
  const table = blockTables(scores, n, k);
  const observed = statistic(table, blocks, k, acc, words);
  // Ties in floating point: a flipped T equal to the observed one must count as "at least as large".
  const threshold = observed * (1 - 1e-9) - 1e-12;
  let atLeast = 0;
  let total = 0;
  if (n <= EXACT_LIMIT) {
    total = 2 ** n;
    for (let mask = 0; mask < total; mask++) {
      words[0] = mask;
      if (statistic(table, blocks, k, acc, words) >= threshold) atLeast++;
    }
  } else {
    atLeast = countAtLeast(table, blocks, k, permutations, words.length, random, threshold);
    total = permutations;
  }
  const exact = n <= EXACT_LIMIT;
  return {
    n,
    statistic: observed,
    nullMean: captured,
    p: exact ? atLeast / total : (1 + atLeast) / (total + 1),
    permutations: total,
    exact,
    resolution: exact ? 1 / total : 1 / (total + 1),
    components: k,
    energyCaptured: captured / energy,
  };
}

/**
 * The share of the per-pair differences that is common to all pairs: (T − E₀T) / ((n − 1)·E₀T).
 * With dᵢ = μ + noise it tends to ‖μ‖² / E‖dᵢ‖² (in the kept directions): 0 when nothing moved
 * systematically (it can dip just below 0 by chance), 1 when every pair moved alike.
 */
export function systematicShare(r: Pick<PairedVectorTestResult, 'n' | 'statistic' | 'nullMean'>): number {
  return r.n > 1 && r.nullMean > 0 ? (r.statistic - r.nullMean) / ((r.n - 1) * r.nullMean) : 0;
}
