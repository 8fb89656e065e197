/**
 * The little dense and sparse linear algebra the paired vector test needs: sparse rows times dense
 * matrices, modified Gram–Schmidt, and the cyclic Jacobi eigen-decomposition of a small symmetric
 * matrix. Dense matrices are row-major `Float64Array`s.
 */

/** One row of a sparse matrix: strictly increasing column indices and their values. */
export interface SparseRow {
  readonly index: Int32Array;
  readonly value: Float64Array;
}

/** Y (rows × cols) = R · M, where R holds sparse rows over `M`'s row space and M is (dims × cols). */
export function sparseTimesDense(
  rows: readonly SparseRow[],
  m: Float64Array | Float32Array,
  cols: number,
): Float64Array {
  const y = new Float64Array(rows.length * cols);
  for (let i = 0; i < rows.length; i++) {
    const { index, value } = rows[i] as SparseRow;
    const out = i * cols;
    for (let t = 0; t < index.length; t++) {
      const v = value[t] as number;
      const src = (index[t] as number) * cols;
      for (let c = 0; c < cols; c++) y[out + c] = (y[out + c] as number) + v * (m[src + c] as number);
    }
  }
  return y;
}

/** Z (dims × cols) = Rᵀ · Y, where Y is (rows × cols); written into `out` when given (it is cleared first). */
export function sparseTransposeTimesDense(
  rows: readonly SparseRow[],
  dims: number,
  y: Float64Array,
  cols: number,
  out?: Float64Array,
): Float64Array {
  const z = out ? out.fill(0) : new Float64Array(dims * cols);
  for (let i = 0; i < rows.length; i++) {
    const { index, value } = rows[i] as SparseRow;
    const src = i * cols;
    for (let t = 0; t < index.length; t++) {
      const v = value[t] as number;
      const out = (index[t] as number) * cols;
      for (let c = 0; c < cols; c++) z[out + c] = (z[out + c] as number) + v * (y[src + c] as number);
    }
  }
  return z;
}

/**
 * Orthonormalises the columns of Y (rows × cols) in place by modified Gram–Schmidt. A column that
 * is (numerically) in the span of the earlier ones becomes zero; returns how many are non-zero.
 */
export function orthonormaliseColumns(y: Float64Array, rows: number, cols: number): number {
  let rank = 0;
  const scale = Math.sqrt(y.reduce((a, v) => a + v * v, 0)) || 1;
  for (let c = 0; c < cols; c++) {
    for (let prev = 0; prev < c; prev++) {
      let dot = 0;
      for (let r = 0; r < rows; r++) dot += (y[r * cols + c] as number) * (y[r * cols + prev] as number);
      for (let r = 0; r < rows; r++)
        y[r * cols + c] = (y[r * cols + c] as number) - dot * (y[r * cols + prev] as number);
    }
    let norm = 0;
    for (let r = 0; r < rows; r++) norm += (y[r * cols + c] as number) ** 2;
    norm = Math.sqrt(norm);
    const keep = norm > 1e-10 * scale;
    for (let r = 0; r < rows; r++) y[r * cols + c] = keep ? (y[r * cols + c] as number) / norm : 0;
    if (keep) rank++;
  }
  return rank;
}

/**
 * Eigenvalues (descending) and eigenvectors (columns of `vectors`, row-major size × size) of a
 * small symmetric matrix, by cyclic Jacobi rotations (Golub & Van Loan §8.5): accurate, and fast
 * enough for the ≤ 100 × 100 matrices it is used on.
 */
export function symmetricEigen(matrix: Float64Array, size: number): { values: Float64Array; vectors: Float64Array } {
  const a = Float64Array.from(matrix);
  const v = new Float64Array(size * size);
  for (let i = 0; i < size; i++) v[i * size + i] = 1;
  for (let sweep = 0; sweep < 100; sweep++) {
    let off = 0;
    for (let p = 0; p < size; p++) for (let q = p + 1; q < size; q++) off += (a[p * size + q] as number) ** 2;
    if (off < 1e-22 * (1 + a.reduce((s, x) => s + x * x, 0))) break;
    for (let p = 0; p < size; p++) {
      for (let q = p + 1; q < size; q++) {
        const apq = a[p * size + q] as number;
        if (Math.abs(apq) < 1e-300) continue;
        const app = a[p * size + p] as number;
        const aqq = a[q * size + q] as number;
        const theta = (aqq - app) / (2 * apq);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let k = 0; k < size; k++) {
          const akp = a[k * size + p] as number;
          const akq = a[k * size + q] as number;
          a[k * size + p] = c * akp - s * akq;
          a[k * size + q] = s * akp + c * akq;
        }
        for (let k = 0; k < size; k++) {
          const apk = a[p * size + k] as number;
          const aqk = a[q * size + k] as number;
          a[p * size + k] = c * apk - s * aqk;
          a[q * size + k] = s * apk + c * aqk;
        }
        for (let k = 0; k < size; k++) {
          const vkp = v[k * size + p] as number;
          const vkq = v[k * size + q] as number;
          v[k * size + p] = c * vkp - s * vkq;
          v[k * size + q] = s * vkp + c * vkq;
        }
      }
    }
  }
  const order = Array.from({ length: size }, (_, i) => i).sort(
    (x, y) => (a[y * size + y] as number) - (a[x * size + x] as number),
  );
  const values = Float64Array.from(order, (i) => a[i * size + i] as number);
  const vectors = new Float64Array(size * size);
  order.forEach((src, dst) => {
    for (let k = 0; k < size; k++) vectors[k * size + dst] = v[k * size + src] as number;
  });
  return { values, vectors };
}

/** The same rows over only the columns they use, renumbered 0…used−1 (a subset of rows uses far fewer). */
export function compactColumns(rows: readonly SparseRow[], dims: number): { rows: SparseRow[]; dims: number } {
  const map = new Int32Array(dims).fill(-1);
  let used = 0;
  for (const r of rows) for (const c of r.index) if (map[c] === -1) map[c] = used++;
  if (used === dims) return { rows: [...rows], dims };
  // Renumber in increasing column order so each row's indices stay sorted.
  let next = 0;
  for (let c = 0; c < dims; c++) if (map[c] !== -1) map[c] = next++;
  return { rows: rows.map((r) => ({ index: r.index.map((c) => map[c] as number), value: r.value })), dims: used };
}
