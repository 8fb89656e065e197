/**
 * One-pass, bounded-memory sampling of production logs: bottom-k hash sampling per stratum.
 *
 * Each record gets a priority = hash(seed, input); each stratum keeps the k records with the
 * smallest priorities (a max-heap of size k). Because the priority depends only on the input,
 * identical inputs get identical priorities and are kept at most once (de-duplication for free),
 * every distinct input is equally likely to be chosen, and the same seed over the same logs gives
 * the same sample. Memory: k records per stratum, whatever the file size.
 *
 * Allocation (after the pass): proportional to each stratum's traffic, with a per-stratum minimum,
 * taking the lowest priorities — a uniform subsample of each bottom-k set.
 */
import { createHash } from 'node:crypto';

export interface Prioritised<T> {
  readonly priority: number;
  readonly key: string;
  readonly item: T;
}

/** 53-bit priority in [0, 1) from the seed and the item's key. */
export function priorityOf(seed: string, key: string): number {
  const h = createHash('sha256').update(seed).update('\u0000').update(key).digest();
  return (h.readUInt32BE(0) * 2 ** 21 + (h.readUInt32BE(4) >>> 11)) / 2 ** 53;
}

/** Keeps the k smallest priorities; an item whose key is already kept is ignored. */
export class BottomK<T> {
  private readonly heap: Prioritised<T>[] = []; // max-heap on priority
  private readonly keys = new Set<string>();
  /** Distinct keys seen, estimated exactly while < k and by the KMV estimator after. */
  private seen = 0;

  constructor(readonly k: number) {}

  offer(entry: Prioritised<T>): void {
    if (this.keys.has(entry.key)) return;
    this.seen++;
    if (this.heap.length < this.k) {
      this.heap.push(entry);
      this.keys.add(entry.key);
      this.up(this.heap.length - 1);
      return;
    }
    const top = this.heap[0] as Prioritised<T>;
    if (entry.priority >= top.priority) return;
    this.keys.delete(top.key);
    this.heap[0] = entry;
    this.keys.add(entry.key);
    this.down(0);
  }

  /** Kept entries, lowest priority first. */
  sorted(): Prioritised<T>[] {
    return [...this.heap].sort((a, b) => a.priority - b.priority);
  }

  /**
   * Distinct inputs in the stratum: exact while fewer than k were kept; after that the KMV estimate
   * (k − 1) / (k-th smallest priority) (Bar-Yossef et al. 2002), reported for information.
   */
  distinctEstimate(): number {
    if (this.heap.length < this.k) return this.heap.length;
    const kth = (this.heap[0] as Prioritised<T>).priority;
    return kth > 0 ? (this.k - 1) / kth : this.seen;
  }

  private up(i: number): void {
    const h = this.heap;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if ((h[parent] as Prioritised<T>).priority >= (h[i] as Prioritised<T>).priority) return;
      [h[parent], h[i]] = [h[i] as Prioritised<T>, h[parent] as Prioritised<T>];
      i = parent;
    }
  }

  private down(i: number): void {
    const h = this.heap;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let largest = i;
      if (l < h.length && (h[l] as Prioritised<T>).priority > (h[largest] as Prioritised<T>).priority) largest = l;
      if (r < h.length && (h[r] as Prioritised<T>).priority > (h[largest] as Prioritised<T>).priority) largest = r;
      if (largest === i) return;
      [h[largest], h[i]] = [h[i] as Prioritised<T>, h[largest] as Prioritised<T>];
      i = largest;
    }
  }
}

/**
 * Sample sizes per stratum: proportional to `sizes`, at least `minimum` each (or all a stratum
 * has), summing to `total` when the strata hold that many. Largest-remainder rounding.
 */
export function allocate(
  sizes: ReadonlyMap<string, number>,
  available: ReadonlyMap<string, number>,
  total: number,
  minimum: number,
): Map<string, number> {
  const out = new Map<string, number>();
  let remaining = total;
  for (const [s] of sizes) {
    const take = Math.min(minimum, available.get(s) ?? 0);
    out.set(s, take);
    remaining -= take;
  }
  const weight = [...sizes.values()].reduce((a, b) => a + b, 0);
  if (remaining <= 0 || weight === 0) return out;
  const shares = [...sizes].map(([s, size]) => ({ s, exact: (remaining * size) / weight }));
  for (const { s, exact } of shares) out.set(s, Math.min(available.get(s) ?? 0, (out.get(s) ?? 0) + Math.floor(exact)));
  let left = total - [...out.values()].reduce((a, b) => a + b, 0);
  for (const { s } of shares.sort((a, b) => (b.exact % 1) - (a.exact % 1))) {
    if (left <= 0) break;
    if ((out.get(s) ?? 0) < (available.get(s) ?? 0)) {
      out.set(s, (out.get(s) ?? 0) + 1);
      left--;
    }
  }
  return out;
}
