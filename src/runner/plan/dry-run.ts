/**
 * `--dry-run`: what a run would send and roughly what it would cost, without sending anything.
 * Token counts are estimates (characters / 4; output from `max_tokens`, else 256 per call).
 */
import { BATCH_PRICE_FACTOR, priceFor, type PriceTable } from '../../providers/pricing.js';
import type { ResponseCache } from '../cache/cache.js';
import { estimateInputTokens, OutputTokenEstimator } from '../calls/budget.js';
import type { WorkItem } from './plan.js';

export interface DryRunEstimate {
  readonly calls: number;
  readonly cached: number;
  readonly toSend: number;
  readonly inputTokens: number;
  readonly outputTokens: number;
  /** Null when some call's model has no known price. */
  readonly costUsd: number | null;
  readonly unpricedModels: readonly string[];
  /** Priced at the batch discount (runner.mode: batch). */
  readonly batch?: boolean;
}

export function estimateDryRun(
  items: Iterable<WorkItem>,
  cache: ResponseCache | undefined,
  prices: PriceTable,
  batch = false,
): DryRunEstimate {
  const outputs = new OutputTokenEstimator();
  let cached = 0;
  let inputTokens = 0;
  let outputTokens = 0;
  let cost = 0;
  const unpriced = new Set<string>();
  let calls = 0;
  for (const item of items) {
    calls++;
    if (cache?.has(item.key)) {
      cached++;
      continue;
    }
    const inTok = estimateInputTokens(item.request.messages, item.request);
    const outTok = outputs.estimate(item.target, item.request.params);
    inputTokens += inTok;
    outputTokens += outTok;
    const price = priceFor(item.model, item.request.model, prices);
    if (price) cost += ((inTok * price.input + outTok * price.output) / 1_000_000) * (batch ? BATCH_PRICE_FACTOR : 1);
    else unpriced.add(item.request.model);
  }
  return {
    calls,
    cached,
    toSend: calls - cached,
    inputTokens: Math.round(inputTokens),
    outputTokens: Math.round(outputTokens),
    costUsd: unpriced.size > 0 ? null : cost,
    unpricedModels: [...unpriced].sort(),
    ...(batch ? { batch } : {}),
  };
}
