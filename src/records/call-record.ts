/**
 * One line of the run journal (`cases.jsonl`): one (suite, case, target, repeat) as it finished.
 * This is the one result model every later stage and reporter reads.
 */
import type { RecordedToolCall } from '../conversation/types.js';
import type { FailureKind } from '../providers/types.js';

export const JOURNAL_SCHEMA_VERSION = 1;

export type CallFailureKind = FailureKind | 'cache_miss';

/**
 * A scorer's verdict on one output (SPEC "Vocabulary"). `kind` tells the statistics which interval
 * and paired test apply: binary scores are pass/fail (Wilson interval, McNemar), continuous ones are
 * means (t interval, paired bootstrap / Wilcoxon).
 */
export interface Score {
  readonly name: string;
  readonly kind: 'binary' | 'continuous';
  /** Stable hash of what determines the score (config, rubric text, judge model). */
  readonly scorerId: string;
  /** In [0, 1]; null only when the scorer failed (`error` says why). */
  readonly value: number | null;
  readonly pass?: boolean;
  readonly reason?: string;
  readonly details?: Readonly<Record<string, unknown>>;
  /** The scorer could not score this output (a judge that answered garbage twice, a missing variable). */
  readonly error?: string;
}

/** What every journal line carries, whether the call was answered or failed. */
interface RecordBase {
  readonly schemaVersion: typeof JOURNAL_SCHEMA_VERSION;
  /** `suite/caseId/target/repeat`: unique within a run; resume skips ids already journaled ok. */
  readonly itemId: string;
  readonly suite: string;
  readonly caseId: string;
  readonly target: string;
  readonly repeat: number;
  /** Cache key of the request. */
  readonly key: string;
  /** Hash of the case's input, so a baseline can tell an edited case from an unchanged one. */
  readonly inputHash: string;
  /** The functions the model called, arguments parsed (absent when it called none). */
  readonly toolCalls?: readonly RecordedToolCall[];
  /** OpenAI's refusal field, when the model declined. */
  readonly refusal?: string;
  readonly finishReason: string | null;
  /** All input tokens, cached ones included. */
  readonly inputTokens: number | null;
  readonly outputTokens: number | null;
  /** Of the input tokens: read from the provider's prompt cache, and written to it (Anthropic). */
  readonly cachedInputTokens?: number;
  readonly cacheWriteTokens?: number;
  /** Of the output tokens: spent reasoning (OpenAI reasoning models). */
  readonly reasoningTokens?: number;
  /** Dollars the answer cost when it was produced (also for cache replays); null when unpriced. */
  readonly costUsd: number | null;
  readonly latencyMs: number | null;
  /** The model asked for, and what the provider says it used. */
  readonly model: string;
  readonly providerModel: string | null;
  readonly systemFingerprint: string | null;
  /** True when replayed from the cache: nothing was paid for this line in this run. */
  readonly cached: boolean;
  readonly attempts: number;
  /** Answered inside a provider batch (runner.mode: batch), at the batch price. */
  readonly batch?: boolean;
  readonly scores: readonly Score[];
  readonly finishedAt: string;
}

export interface CallError {
  readonly kind: CallFailureKind;
  readonly message: string;
  readonly status?: number;
}

/** A call the model answered: its text ('' when the model only called tools) is there to score. */
export interface OkRecord extends RecordBase {
  readonly status: 'ok';
  readonly output: string;
  readonly error?: undefined;
}

/** A call that failed (after its retries), or was not in the cache offline: no output, an error. */
export interface ErrorRecord extends RecordBase {
  readonly status: 'error';
  readonly output: null;
  readonly error: CallError;
}

export type CallRecord = OkRecord | ErrorRecord;

export function isAnswered(record: CallRecord): record is OkRecord {
  return record.status === 'ok';
}

/** The answered records that `keep` accepts, in one pass (the gate calls this on every record). */
export function answered(records: readonly CallRecord[], keep: (r: OkRecord) => boolean = () => true): OkRecord[] {
  const out: OkRecord[] = [];
  for (const r of records) if (isAnswered(r) && keep(r)) out.push(r);
  return out;
}
