/**
 * Items (or `valueOf(item)`) grouped by a key: groups in order of first appearance, items in input
 * order. Linear time — appending by copying (`[...group, item]`) is quadratic in the group's size.
 */
export function groupBy<T, K, V = T>(
  items: Iterable<T>,
  keyOf: (item: T) => K,
  valueOf: (item: T) => V = (item) => item as unknown as V,
): Map<K, V[]> {
  const out = new Map<K, V[]>();
  for (const item of items) {
    const key = keyOf(item);
    const group = out.get(key);
    if (group) group.push(valueOf(item));
    else out.set(key, [valueOf(item)]);
  }
  return out;
}
