/**
 * `--max-cost`: a call is started only if what was spent, plus what calls in flight may still
 * cost, plus this call's estimate stays within the cap. Once one call is refused, no new call is
 * scheduled (the run ends incomplete, exit 3, with everything done so far kept and resumable).
 *
 * Estimates: input tokens ≈ characters / 4 + 4 per message (the usual rule of thumb for English
 * with OpenAI and Anthropic tokenizers); output tokens = the mean seen so far for the target once
 * five answers have been seen; before that `max_tokens` when set (a true upper bound), else 256.
 * Set `max_tokens` for budgets that must hold from the first call.
 */
import type { PriceConfig } from '../config/model-schema.js';
import type { ChatMessage } from '../providers/types.js';

/** Output tokens assumed per call before any answer is seen, when max_tokens is not set. */
export const DEFAULT_OUTPUT_TOKENS = 256;

export function estimateInputTokens(messages: readonly ChatMessage[]): number {
  let chars = 0;
  for (const m of messages) chars += m.content.length;
  return Math.ceil(chars / 4) + 4 * messages.length;
}

export class OutputTokenEstimator {
  private readonly seen = new Map<string, { sum: number; n: number }>();

  observe(target: string, outputTokens: number | null): void {
    if (outputTokens === null) return;
    const s = this.seen.get(target) ?? { sum: 0, n: 0 };
    s.sum += outputTokens;
    s.n++;
    this.seen.set(target, s);
  }

  estimate(target: string, params: Readonly<Record<string, unknown>>): number {
    const s = this.seen.get(target);
    if (s && s.n >= 5) return s.sum / s.n;
    const cap = Number(params.max_tokens ?? params.max_completion_tokens);
    return Number.isFinite(cap) && cap > 0 ? cap : DEFAULT_OUTPUT_TOKENS;
  }
}

export function estimateCost(price: PriceConfig, inputTokens: number, outputTokens: number): number {
  return (inputTokens * price.input + outputTokens * price.output) / 1_000_000;
}

export class Budget {
  private spent = 0;
  private reserved = 0;
  private refused = false;

  constructor(readonly maxUsd: number | undefined) {}

  /** Reserves `estimateUsd`; false (and no further reservations ever) when it would exceed the cap. */
  tryReserve(estimateUsd: number): boolean {
    if (this.maxUsd === undefined) return true;
    if (this.refused || this.spent + this.reserved + estimateUsd > this.maxUsd) {
      this.refused = true;
      return false;
    }
    this.reserved += estimateUsd;
    return true;
  }

  /** Replaces a reservation with what the call actually cost (0 when it failed: failed calls are not billed). */
  settle(reservedUsd: number, actualUsd: number | null): void {
    this.reserved = Math.max(0, this.reserved - reservedUsd);
    this.spent += actualUsd ?? 0;
  }

  get exhausted(): boolean {
    return this.refused;
  }

  get spentUsd(): number {
    return this.spent;
  }
}
