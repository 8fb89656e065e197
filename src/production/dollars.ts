/**
 * Dollars as every production line writes them: thousands as `$67.0k`, so the section's sentence
 * ("$18.0k → $67.0k a month") and the per-feature lines under it read the same amount the same way.
 */
export function dollars(v: number): string {
  if (v >= 10_000) return `$${(v / 1000).toFixed(1)}k`;
  if (v >= 100) return `$${v.toFixed(0)}`;
  if (v >= 1) return `$${v.toFixed(2)}`;
  return `$${v.toFixed(4)}`;
}
