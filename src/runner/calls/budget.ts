/**
 * `--max-cost`: a call is started only if what was spent, plus what calls in flight may still
 * cost, plus this call's estimate stays within the cap. Once one call is refused, no new call is
 * scheduled (the run ends incomplete, exit 3, with everything done so far kept and resumable).
 *
 * Estimates: input tokens ≈ characters / 4 + 4 per message (the usual rule of thumb for English
 * with OpenAI and Anthropic tokenizers); output tokens = the mean seen so far for the target once
 * five answers have been seen; before that `max_tokens` when set (a true upper bound), else 256.
 * Set `max_tokens` for budgets that must hold from the first call.
 *
 * Tools, tool calls and images count too: a tool definition as its JSON text, an image as
 * IMAGE_TOKENS (a high-detail 1024 px image is ~765 OpenAI tokens and ~1,400 Anthropic tokens). A
 * reasoning model thinks before it answers: with `reasoning_effort` or Anthropic `thinking` and no
 * cap, the first estimate adds REASONING_TOKENS for the effort (or the thinking budget).
 */
import type { PriceConfig } from '../../providers/model-schema.js';
import type { ChatMessage, ChatRequest } from '../../providers/types.js';

/** Output tokens assumed per call before any answer is seen, when max_tokens is not set. */
export const DEFAULT_OUTPUT_TOKENS = 256;

export const IMAGE_TOKENS = 1_000;
export const REASONING_TOKENS: Readonly<Record<string, number>> = {
  minimal: 256,
  low: 1_024,
  medium: 4_096,
  high: 16_384,
};

export function estimateInputTokens(
  messages: readonly ChatMessage[],
  options: Pick<ChatRequest, 'tools' | 'responseFormat'> = {},
): number {
  let chars = 0;
  let images = 0;
  for (const m of messages) {
    if (typeof m.content === 'string') chars += m.content.length;
    else
      for (const part of m.content) {
        if (part.type === 'text') chars += part.text.length;
        else images++;
      }
    if (m.role === 'assistant') for (const call of m.toolCalls ?? []) chars += call.name.length + call.arguments.length;
  }
  if (options.tools) chars += JSON.stringify(options.tools).length;
  if (options.responseFormat?.type === 'json_schema') chars += JSON.stringify(options.responseFormat.schema).length;
  return Math.ceil(chars / 4) + 4 * messages.length + images * IMAGE_TOKENS;
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
    if (Number.isFinite(cap) && cap > 0) return cap;
    const thinking = params.thinking as { budget_tokens?: unknown } | undefined;
    const budget = Number(thinking?.budget_tokens);
    if (Number.isFinite(budget) && budget > 0) return DEFAULT_OUTPUT_TOKENS + budget;
    const effort = typeof params.reasoning_effort === 'string' ? REASONING_TOKENS[params.reasoning_effort] : undefined;
    return DEFAULT_OUTPUT_TOKENS + (effort ?? 0);
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
