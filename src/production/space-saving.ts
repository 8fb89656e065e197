/**
 * The heaviest keys of a stream (the users and sessions that spent most) in bounded memory: the
 * Space-Saving algorithm (Metwally, Agrawal & El Abbadi, 2005) keeps `k` counters; a new key
 * replaces the smallest and inherits its count as an overestimate (`error`). Every key whose true
 * weight exceeds total/k is kept, and a kept key's weight is within `error` of the truth.
 */
export interface HeavyHitter {
  readonly key: string;
  readonly weight: number;
  readonly calls: number;
  /** The most this weight may overstate the truth (0 when the key was never evicted into). */
  readonly error: number;
}

export class SpaceSaving {
  private readonly counters = new Map<string, { weight: number; calls: number; error: number }>();
  total = 0;

  constructor(private readonly k = 200) {}

  add(key: string, weight: number): void {
    this.total += weight;
    const found = this.counters.get(key);
    if (found) {
      found.weight += weight;
      found.calls++;
      return;
    }
    if (this.counters.size < this.k) {
      this.counters.set(key, { weight, calls: 1, error: 0 });
      return;
    }
    let minKey = '';
    let min = Infinity;
    for (const [k, c] of this.counters)
      if (c.weight < min) {
        min = c.weight;
        minKey = k;
      }
    this.counters.delete(minKey);
    this.counters.set(key, { weight: min + weight, calls: 1, error: min });
  }

  top(n: number): HeavyHitter[] {
    return [...this.counters]
      .map(([key, c]) => ({ key, ...c }))
      .sort((a, b) => b.weight - a.weight || (a.key < b.key ? -1 : 1))
      .slice(0, n);
  }
}
