/**
 * A shared pause for one provider endpoint. When any call gets a 429, every call to that endpoint
 * waits until the provider's `retry-after` has passed, instead of each call hammering the limit on
 * its own schedule (which turns one 429 into dozens). The SDKs' own retries cannot do this: they
 * retry one request at a time and know nothing of the others.
 */
export class Cooldown {
  private until = 0;
  private lastPause = 0;

  constructor(
    private readonly now: () => number = Date.now,
    private readonly random: () => number = Math.random,
  ) {}

  /** Pauses all callers for at least `ms` from now. */
  extend(ms: number): void {
    this.until = Math.max(this.until, this.now() + ms);
    this.lastPause = ms;
  }

  /**
   * Resolves once no pause is in force (re-checking: another 429 may extend it meanwhile). Callers
   * released by one pause wake spread over half its length, so they do not all hit the limit in
   * the same millisecond and earn another round of 429s together.
   */
  async wait(): Promise<void> {
    for (;;) {
      const remaining = this.until - this.now();
      if (remaining <= 0) return;
      await sleep(remaining + this.random() * Math.min(this.lastPause, 2_000) * 0.5);
    }
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
