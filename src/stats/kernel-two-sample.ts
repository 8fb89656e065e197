/**
 * Do two sets of embeddings come from the same distribution? MMD² (Gretton et al. 2012) with an RBF
 * kernel k(x, y) = exp(−‖x − y‖² / 2σ²), σ² = median pairwise squared distance / 2 (the median
 * heuristic), unbiased estimator, and a POOLED permutation test: both samples are pooled and
 * relabelled at random, p = (1 + #{MMD²_perm ≥ MMD²_obs}) / (B + 1). The kernel matrix is computed
 * once; each permutation only re-indexes it, so B = 1,000 costs O(B·N²) additions, not kernel calls.
 *
 * (A null built by resampling the reference alone is wrong — it ignores the second sample's own
 * noise and flags drift almost always; the pooled permutation is exact under exchangeability.)
 */
import type { Random } from './rng.js';

export interface MmdResult {
  readonly mmd2: number;
  readonly p: number;
  readonly bandwidth: number;
  readonly permutations: number;
}

function squaredDistances(points: readonly Float32Array[]): Float64Array {
  const n = points.length;
  const d = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    const a = points[i] as Float32Array;
    for (let j = i + 1; j < n; j++) {
      const b = points[j] as Float32Array;
      let s = 0;
      for (let k = 0; k < a.length; k++) {
        const t = (a[k] as number) - (b[k] as number);
        s += t * t;
      }
      d[i * n + j] = s;
      d[j * n + i] = s;
    }
  }
  return d;
}

function median(values: Float64Array): number {
  const sorted = Float64Array.from(values).sort();
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

/** Unbiased MMD² for the split where indices with `inX[i]` form X. */
function mmd2(kernel: Float64Array, n: number, inX: Uint8Array, nx: number): number {
  const ny = n - nx;
  let kxx = 0;
  let kyy = 0;
  let kxy = 0;
  for (let i = 0; i < n; i++) {
    const row = i * n;
    const xi = inX[i] === 1;
    for (let j = i + 1; j < n; j++) {
      const k = kernel[row + j] as number;
      const xj = inX[j] === 1;
      if (xi && xj) kxx += k;
      else if (!xi && !xj) kyy += k;
      else kxy += k;
    }
  }
  return (2 * kxx) / (nx * (nx - 1)) + (2 * kyy) / (ny * (ny - 1)) - (2 * kxy) / (nx * ny);
}

export function mmdPermutationTest(
  x: readonly Float32Array[],
  y: readonly Float32Array[],
  random: Random,
  permutations = 1000,
): MmdResult {
  const nx = x.length;
  const ny = y.length;
  if (nx < 2 || ny < 2) return { mmd2: 0, p: 1, bandwidth: Number.NaN, permutations: 0 };
  const pooled = [...x, ...y];
  const n = pooled.length;
  const d2 = squaredDistances(pooled);
  const off = new Float64Array((n * (n - 1)) / 2);
  let t = 0;
  for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) off[t++] = d2[i * n + j] as number;
  const sigma2 = Math.max(median(off) / 2, 1e-12);
  const kernel = new Float64Array(n * n);
  for (let i = 0; i < n * n; i++) kernel[i] = Math.exp(-(d2[i] as number) / (2 * sigma2));
  const labels = new Uint8Array(n);
  labels.fill(1, 0, nx);
  const observed = mmd2(kernel, n, labels, nx);
  const perm = Uint8Array.from(labels);
  let atLeast = 0;
  for (let b = 0; b < permutations; b++) {
    // Fisher–Yates shuffle of the labels: a uniformly random relabelling of the pooled sample.
    for (let i = n - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      const tmp = perm[i] as number;
      perm[i] = perm[j] as number;
      perm[j] = tmp;
    }
    if (mmd2(kernel, n, perm, nx) >= observed - 1e-12) atLeast++;
  }
  return { mmd2: observed, p: (1 + atLeast) / (permutations + 1), bandwidth: Math.sqrt(sigma2), permutations };
}
