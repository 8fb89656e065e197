/**
 * Sample quantile with linear interpolation between order statistics (Hyndman & Fan type 7, the
 * default of R and NumPy): h = (n − 1)·p, Q = x₍⌊h⌋₎ + (h − ⌊h⌋)(x₍⌊h⌋+1₎ − x₍⌊h⌋₎), 0-based.
 *
 * Found by selection, not sorting: quickselect (Hoare partition, median-of-three pivots) puts
 * x₍⌊h⌋₎ in place in O(n) expected time, and x₍⌊h⌋+1₎ is the smallest value to its right. A
 * permutation test that takes a quantile per permutation is then O(P·n), not O(P·n log n).
 * `scratch` (at least n long) avoids an allocation per call in such loops.
 */
export function quantile(values: ArrayLike<number>, p: number, scratch?: Float64Array): number {
  const n = values.length;
  if (n === 0) return Number.NaN;
  if (p < 0 || p > 1) throw new RangeError(`quantile: p must be in [0, 1], got ${p}`);
  const a = scratch && scratch.length >= n ? scratch : new Float64Array(n);
  for (let i = 0; i < n; i++) a[i] = values[i] as number;
  const h = (n - 1) * p;
  const lo = Math.floor(h);
  const xLo = select(a, n, lo);
  if (lo + 1 >= n || h === lo) return xLo;
  let xHi = Number.POSITIVE_INFINITY;
  for (let i = lo + 1; i < n; i++) if ((a[i] as number) < xHi) xHi = a[i] as number;
  return xLo + (h - lo) * (xHi - xLo);
}

/** Rearranges a[0, n) so that a[k] is the k-th smallest, everything left of it ≤ and right of it ≥. */
function select(a: Float64Array, n: number, k: number): number {
  let left = 0;
  let right = n - 1;
  while (right > left) {
    const mid = (left + right) >>> 1;
    // Median of three as the pivot: sorted or constant input stays linear.
    if ((a[mid] as number) < (a[left] as number)) swap(a, mid, left);
    if ((a[right] as number) < (a[left] as number)) swap(a, right, left);
    if ((a[right] as number) < (a[mid] as number)) swap(a, right, mid);
    const pivot = a[mid] as number;
    let i = left;
    let j = right;
    while (i <= j) {
      while ((a[i] as number) < pivot) i++;
      while ((a[j] as number) > pivot) j--;
      if (i <= j) {
        swap(a, i, j);
        i++;
        j--;
      }
    }
    if (k <= j) right = j;
    else if (k >= i) left = i;
    else return a[k] as number;
  }
  return a[k] as number;
}

function swap(a: Float64Array, i: number, j: number): void {
  const t = a[i] as number;
  a[i] = a[j] as number;
  a[j] = t;
}
