/**
 * Retries a provider call: exponential backoff with jitter on 5xx, timeouts, connection resets and
 * malformed bodies (up to `maxRetries`); on 429 it honours `retry-after` through the endpoint's
 * shared Cooldown, for as long as `maxRateLimitWaitMs` allows — rate limits are expected under
 * load and are waited out, not counted as failures.
 */
import type { ProviderCallError } from '../../providers/types.js';
import { type Cooldown, sleep } from './cooldown.js';

export interface RetryPolicy {
  readonly maxRetries: number;
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
  readonly maxRateLimitWaitMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  maxRetries: 4,
  baseDelayMs: 500,
  maxDelayMs: 30_000,
  maxRateLimitWaitMs: 300_000,
};

/** "Equal jitter": half the exponential delay, plus a random part up to the other half. */
export function backoffDelay(retry: number, policy: RetryPolicy, random: () => number = Math.random): number {
  const exp = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.max(0, retry - 1));
  return exp / 2 + random() * (exp / 2);
}

export interface RetryOutcome<T> {
  readonly value: T;
  readonly attempts: number;
  /** Duration of the attempt that succeeded. */
  readonly latencyMs: number;
}

export class RetriesExhausted extends Error {
  constructor(
    readonly last: ProviderCallError,
    readonly attempts: number,
  ) {
    super(last.message);
  }
}

export async function withRetry<T>(
  call: () => Promise<T>,
  classify: (err: unknown) => ProviderCallError,
  policy: RetryPolicy,
  cooldown: Cooldown,
): Promise<RetryOutcome<T>> {
  let attempts = 0;
  let failures = 0;
  let rateLimitWaited = 0;
  for (;;) {
    await cooldown.wait();
    attempts++;
    const started = performance.now();
    try {
      const value = await call();
      return { value, attempts, latencyMs: performance.now() - started };
    } catch (raw) {
      const err = classify(raw);
      if (err.kind === 'rate_limit') {
        const wait = err.retryAfterMs ?? backoffDelay(attempts, policy);
        if (rateLimitWaited + wait > policy.maxRateLimitWaitMs) throw new RetriesExhausted(err, attempts);
        rateLimitWaited += wait;
        cooldown.extend(wait);
        continue;
      }
      if (!err.retryable || failures >= policy.maxRetries) throw new RetriesExhausted(err, attempts);
      failures++;
      await sleep(Math.max(backoffDelay(failures, policy), err.retryAfterMs ?? 0));
    }
  }
}
