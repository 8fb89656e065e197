/**
 * Runs work items through their targets: cache first, then the provider (with retries and the
 * shared rate-limit cooldown), journaling each finished call at once. A failed call becomes an
 * error record, never a crash of the run. Scheduling is p-limit at `concurrency`.
 */
import pLimit from 'p-limit';
import type { PriceConfig } from '../config/schema.js';
import { createProvider } from '../providers/registry.js';
import { ProviderCallError, toProviderCallError, type ChatProvider, type ChatResponse } from '../providers/types.js';
import { costUsd, type PriceTable } from '../providers/pricing.js';
import { scrubSecrets } from '../util/secrets.js';
import { JOURNAL_SCHEMA_VERSION, type CallFailureKind, type CallRecord } from './call-record.js';
import type { ResponseCache } from './cache.js';
import { Cooldown } from './cooldown.js';
import { Budget, estimateCost, estimateInputTokens, OutputTokenEstimator } from './budget.js';
import type { JournalWriter } from './journal.js';
import type { Progress } from './progress.js';
import { RetriesExhausted, withRetry, type RetryPolicy } from './retry.js';
import type { WorkItem } from './plan.js';

export interface ExecuteOptions {
  readonly concurrency: number;
  readonly offline: boolean;
  readonly useCache: boolean;
  readonly retry: RetryPolicy;
  readonly timeoutMs: number;
  readonly budget: Budget;
  readonly prices: PriceTable;
  readonly env: NodeJS.ProcessEnv;
  readonly cache: ResponseCache;
  readonly journal: JournalWriter;
  readonly progress: Progress;
}

export interface ExecuteResult {
  readonly records: CallRecord[];
  /** Items not started because the budget would have been exceeded. */
  readonly skippedForBudget: number;
  readonly firstCacheMiss?: WorkItem;
}

export function priceOf(item: WorkItem, prices: PriceTable): PriceConfig | undefined {
  return item.model.price ?? prices.lookup(item.request.model);
}

export async function executeItems(items: readonly WorkItem[], options: ExecuteOptions): Promise<ExecuteResult> {
  const limit = pLimit(options.concurrency);
  const providers = new Map<string, Promise<ChatProvider>>();
  const cooldowns = new Map<string, Cooldown>();
  const outputEstimates = new OutputTokenEstimator();
  const records: CallRecord[] = [];
  let skippedForBudget = 0;
  let firstCacheMiss: WorkItem | undefined;

  const providerFor = (item: WorkItem): Promise<ChatProvider> => {
    let p = providers.get(item.target);
    if (!p) {
      p = createProvider(item.target, item.model, { env: options.env, timeoutMs: options.timeoutMs });
      providers.set(item.target, p);
    }
    return p;
  };
  const cooldownFor = (item: WorkItem): Cooldown => {
    const endpoint = `${item.model.provider} ${item.model.baseURL ?? ''} ${item.model.api_key_env ?? ''}`;
    let c = cooldowns.get(endpoint);
    if (!c) cooldowns.set(endpoint, (c = new Cooldown()));
    return c;
  };
  const finish = async (record: CallRecord): Promise<void> => {
    await options.journal.append(record);
    records.push(record);
    options.progress.tick(record);
  };

  const runOne = async (item: WorkItem): Promise<void> => {
    if (options.budget.exhausted) {
      skippedForBudget++;
      return;
    }
    const price = priceOf(item, options.prices);
    if (options.useCache) {
      const hit = await options.cache.get(item.key);
      if (hit) {
        await finish(okRecord(item, hit.response, hit.latencyMs, price, true, 0));
        return;
      }
    }
    if (options.offline) {
      firstCacheMiss ??= item;
      await finish(errorRecord(item, new ProviderCallError('other', `--offline: no cached response (key ${item.key})`), 0, 'cache_miss'));
      return;
    }
    const estimate = price
      ? estimateCost(price, estimateInputTokens(item.request.messages), outputEstimates.estimate(item.target, item.request.params))
      : 0;
    if (!options.budget.tryReserve(estimate)) {
      skippedForBudget++;
      return;
    }
    let actual: number | null = null;
    try {
      const provider = await providerFor(item);
      const outcome = await withRetry(
        () => provider.complete(item.request),
        toProviderCallError,
        options.retry,
        cooldownFor(item),
      );
      const record = okRecord(item, outcome.value, outcome.latencyMs, price, false, outcome.attempts);
      actual = record.costUsd;
      outputEstimates.observe(item.target, outcome.value.outputTokens);
      if (options.useCache) await options.cache.put(item.keyInput, outcome.value, outcome.latencyMs);
      await finish(record);
    } catch (err) {
      if (err instanceof RetriesExhausted) await finish(errorRecord(item, err.last, err.attempts));
      else if (err instanceof ProviderCallError) await finish(errorRecord(item, err, 1));
      else throw err;
    } finally {
      options.budget.settle(estimate, actual);
    }
  };

  options.progress.start(items.length);
  try {
    await Promise.all(items.map((item) => limit(() => runOne(item))));
  } finally {
    options.progress.finish();
  }
  return { records, skippedForBudget, ...(firstCacheMiss ? { firstCacheMiss } : {}) };
}

function baseFields(item: WorkItem) {
  return {
    schemaVersion: JOURNAL_SCHEMA_VERSION,
    itemId: item.itemId,
    suite: item.suite,
    caseId: item.caseId,
    target: item.target,
    repeat: item.repeat,
    key: item.key,
    inputHash: item.inputHash,
    model: item.request.model,
  } as const;
}

function okRecord(item: WorkItem, r: ChatResponse, latencyMs: number, price: PriceConfig | undefined, cached: boolean, attempts: number): CallRecord {
  return {
    ...baseFields(item),
    status: 'ok',
    output: r.text,
    finishReason: r.finishReason,
    inputTokens: r.inputTokens,
    outputTokens: r.outputTokens,
    costUsd: costUsd(price, r.inputTokens, r.outputTokens),
    latencyMs: Math.round(latencyMs),
    providerModel: r.providerModel,
    systemFingerprint: r.systemFingerprint,
    cached,
    attempts,
    scores: [],
    finishedAt: new Date().toISOString(),
  };
}

function errorRecord(item: WorkItem, err: ProviderCallError, attempts: number, kind: CallFailureKind = err.kind): CallRecord {
  return {
    ...baseFields(item),
    status: 'error',
    output: null,
    finishReason: null,
    inputTokens: null,
    outputTokens: null,
    costUsd: null,
    latencyMs: null,
    providerModel: null,
    systemFingerprint: null,
    cached: false,
    attempts,
    error: { kind, message: scrubSecrets(err.message), ...(err.status !== undefined ? { status: err.status } : {}) },
    scores: [],
    finishedAt: new Date().toISOString(),
  };
}
