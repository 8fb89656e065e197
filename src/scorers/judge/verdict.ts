/**
 * Asking a judge model for a verdict and validating it. A verdict that does not parse or validate
 * (or a refusal to judge) gets one more try, under a different cache key, then becomes an error.
 */
import type { z } from 'zod';
import type { ModelConfig } from '../../providers/model-schema.js';
import type { ChatMessage } from '../../providers/types.js';
import type { ScoringServices } from '../types.js';

export const RETRY_SAMPLE_OFFSET = 1000;
/** A verdict is a reasoning and a score: a reply longer than this is not one (and is not parsed). */
export const MAX_VERDICT_CHARS = 20_000;

export interface VerdictCallCost {
  calls: number;
  cached: number;
  costUsd: number | null;
  inputTokens: number;
  outputTokens: number;
}

export function emptyCost(): VerdictCallCost {
  return { calls: 0, cached: 0, costUsd: 0, inputTokens: 0, outputTokens: 0 };
}

export type VerdictResult<T> = { ok: true; verdict: T } | { ok: false; error: string };

export interface VerdictRequest<T> {
  readonly judge: { readonly target: string; readonly model: ModelConfig };
  readonly messages: ChatMessage[];
  /** The structured-output schema the verdict must follow (a strict JSON schema, or a forced tool). */
  readonly structured: { name: string; description: string; schema: Record<string, unknown> };
  readonly validator: z.ZodType<T>;
  /** Which sample of the same request this is (part of the cache key). */
  readonly sample: number;
  /** Added to as each call finishes. */
  readonly cost: VerdictCallCost;
}

export async function askVerdict<T>(services: ScoringServices, request: VerdictRequest<T>): Promise<VerdictResult<T>> {
  const { judge, messages, structured, validator, sample, cost } = request;
  let lastProblem = '';
  for (let attempt = 0; attempt < 2; attempt++) {
    const outcome = await services.chat(
      judge.target,
      { model: judge.model.model as string, messages, params: judge.model.params ?? {}, structured },
      sample + attempt * RETRY_SAMPLE_OFFSET,
    );
    if (outcome.status === 'skipped') return { ok: false, error: 'budget reached before the judge call' };
    if (outcome.status === 'error') return { ok: false, error: `judge call failed: ${outcome.error.message}` };
    cost.calls++;
    if (outcome.cached) cost.cached++;
    cost.costUsd = cost.costUsd === null || outcome.costUsd === null ? null : cost.costUsd + outcome.costUsd;
    cost.inputTokens += outcome.response.inputTokens ?? 0;
    cost.outputTokens += outcome.response.outputTokens ?? 0;
    const text = outcome.response.text;
    if (text.length > MAX_VERDICT_CHARS) {
      lastProblem = `reply of ${text.length.toLocaleString('en-US')} characters, over the ${MAX_VERDICT_CHARS.toLocaleString('en-US')} a verdict may take`;
      services.discard(outcome.key);
      continue;
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      lastProblem = `not JSON: ${JSON.stringify(text.slice(0, 120))}`;
      services.discard(outcome.key);
      continue;
    }
    const parsed = validator.safeParse(json);
    if (parsed.success) return { ok: true, verdict: parsed.data };
    services.discard(outcome.key);
    lastProblem = `invalid verdict ${JSON.stringify(json).slice(0, 160)} (${parsed.error.issues[0]?.message ?? 'invalid'})`;
  }
  return { ok: false, error: `the judge gave no valid verdict in 2 tries; last: ${lastProblem}` };
}
