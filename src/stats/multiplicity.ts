/**
 * Multiple-testing adjustments, returning adjusted p-values in the input order (as R's p.adjust).
 * - Holm (1979): controls the family-wise error rate; used across the gated metrics, so that
 *   watching five metrics does not multiply false alarms by five.
 * - Benjamini–Hochberg (1995): controls the false discovery rate; for exploring slices only.
 */

/** A p-value that is not a number says nothing against the null: treated as 1, never spread as NaN. */
const usable = (p: number): number => (Number.isNaN(p) ? 1 : p);

export function holm(pValues: readonly number[]): number[] {
  const m = pValues.length;
  const order = pValues.map((p, i) => [usable(p), i] as const).sort((a, b) => a[0] - b[0]);
  const adjusted = new Array<number>(m);
  let running = 0;
  order.forEach(([p, i], rank) => {
    running = Math.max(running, Math.min(1, (m - rank) * p));
    adjusted[i] = running;
  });
  return adjusted;
}

export function benjaminiHochberg(pValues: readonly number[]): number[] {
  const m = pValues.length;
  const order = pValues.map((p, i) => [usable(p), i] as const).sort((a, b) => b[0] - a[0]);
  const adjusted = new Array<number>(m);
  let running = 1;
  order.forEach(([p, i], k) => {
    const rank = m - k;
    running = Math.min(running, (m / rank) * p);
    adjusted[i] = Math.min(1, running);
  });
  return adjusted;
}
