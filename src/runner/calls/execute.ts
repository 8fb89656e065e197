/**
 * Runs work items through their targets via the gateway (cache, retries, budget), scores each
 * finished call with the suite's inline scorers, and journals it at once. A failed call becomes an
 * error record, never a crash of the run. `concurrency` workers take items in plan order; a call's judge
 * calls happen inside its slot, so `concurrency` bounds everything in flight.
 */
import { recordToolCall } from '../../conversation/types.js';
import type { ScoringServices } from '../../scorers/types.js';
import { scrubSecrets } from '../../util/secrets.js';
import { StorageError } from '../../errors.js';
import { JOURNAL_SCHEMA_VERSION, type CallRecord } from '../../records/call-record.js';
import type { CallGateway, CallOutcome } from './gateway.js';
import type { JournalWriter } from '../store/journal.js';
import type { Progress } from './progress.js';
import type { PreparedSuite, WorkItem } from '../plan/plan.js';
import { complete, scoreInline } from '../scoring/scoring.js';

export interface ExecuteOptions {
  readonly concurrency: number;
  readonly gateway: CallGateway;
  readonly services: ScoringServices;
  readonly suites: ReadonlyMap<string, PreparedSuite>;
  readonly journal: JournalWriter;
  readonly progress: Progress;
  /** Leave scoring to the after phase (batch mode: the judge verdicts come in a batch first). */
  readonly deferScoring?: boolean;
  /** Once requested (Ctrl-C), no further item is started; those in flight finish. */
  readonly stop?: { readonly requested: boolean };
}

/** What execution counted; the records themselves are in the journal (run-records.ts reads them back). */
export interface ExecuteResult {
  /** Records journaled. */
  readonly made: number;
  /** Of them: ok records whose scores the after phase must complete. */
  readonly incomplete: number;
  /** Items not started because the budget would have been exceeded. */
  readonly skippedForBudget: number;
  /** Items not started because a stop was requested. */
  readonly notStarted: number;
  readonly firstCacheMiss?: WorkItem;
}

/** `items` may be generated as they are taken (a lazy plan); `count` is how many it yields. */
export async function executeItems(
  items: Iterable<WorkItem>,
  count: number,
  options: ExecuteOptions,
): Promise<ExecuteResult> {
  let made = 0;
  let incomplete = 0;
  let skippedForBudget = 0;
  let started = 0;
  let firstCacheMiss: WorkItem | undefined;
  // Once the disk refuses a write, nothing more is started: every further call would be paid for and lost.
  let storageFailure = false;

  const runOne = async (item: WorkItem): Promise<void> => {
    if (storageFailure) return;
    try {
      await attempt(item);
    } catch (err) {
      if (err instanceof StorageError) storageFailure = true;
      throw err;
    }
  };

  const attempt = async (item: WorkItem): Promise<void> => {
    if (options.gateway.options.budget.exhausted) {
      skippedForBudget++;
      return;
    }
    const outcome = await options.gateway.chat(item.target, item.model, item.request, item.repeat);
    if (outcome.status === 'skipped') {
      skippedForBudget++;
      return;
    }
    if (outcome.status === 'error' && outcome.kind === 'cache_miss') firstCacheMiss ??= item;
    let record = toRecord(item, outcome);
    const suite = options.suites.get(item.suite);
    if (suite && record.status === 'ok' && !options.deferScoring)
      record = { ...record, scores: await scoreInline(suite, record, options.services) };
    await options.journal.append(record);
    made++;
    if (record.status === 'ok' && (!suite || !complete(suite, record))) incomplete++;
    options.progress.tick(record);
  };

  options.progress.start(count);
  try {
    // `concurrency` workers pull the next item from one iterator: memory for the calls in flight,
    // not a promise and a closure (or a work item) per item of a 100,000-case run.
    const next = items[Symbol.iterator]();
    const worker = async (): Promise<void> => {
      while (!options.stop?.requested) {
        const item = next.next();
        if (item.done) return;
        started++;
        await runOne(item.value);
      }
    };
    await Promise.all(Array.from({ length: Math.max(1, Math.min(options.concurrency, count)) }, worker));
  } finally {
    options.progress.finish();
  }
  return {
    made,
    incomplete,
    skippedForBudget,
    notStarted: count - started,
    ...(firstCacheMiss ? { firstCacheMiss } : {}),
  };
}

function toRecord(item: WorkItem, outcome: Exclude<CallOutcome, { status: 'skipped' }>): CallRecord {
  const base = {
    schemaVersion: JOURNAL_SCHEMA_VERSION,
    itemId: item.itemId,
    suite: item.suite,
    caseId: item.caseId,
    target: item.target,
    repeat: item.repeat,
    key: outcome.key,
    inputHash: item.inputHash,
    model: item.request.model,
    scores: [],
    finishedAt: new Date().toISOString(),
  } as const;
  if (outcome.status === 'ok') {
    const r = outcome.response;
    return {
      ...base,
      status: 'ok',
      output: r.text,
      ...(r.toolCalls?.length ? { toolCalls: r.toolCalls.map(recordToolCall) } : {}),
      ...(r.refusal ? { refusal: r.refusal } : {}),
      finishReason: r.finishReason,
      inputTokens: r.inputTokens,
      outputTokens: r.outputTokens,
      ...(r.cachedInputTokens ? { cachedInputTokens: r.cachedInputTokens } : {}),
      ...(r.cacheWriteTokens ? { cacheWriteTokens: r.cacheWriteTokens } : {}),
      ...(r.reasoningTokens ? { reasoningTokens: r.reasoningTokens } : {}),
      costUsd: outcome.costUsd,
      latencyMs: Math.round(outcome.latencyMs),
      providerModel: r.providerModel,
      systemFingerprint: r.systemFingerprint,
      cached: outcome.cached,
      attempts: outcome.attempts,
      ...(outcome.batch ? { batch: true } : {}),
    };
  }
  return {
    ...base,
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
    attempts: outcome.attempts,
    error: {
      kind: outcome.kind,
      message: scrubSecrets(outcome.error.message),
      ...(outcome.error.status !== undefined ? { status: outcome.error.status } : {}),
    },
  };
}
