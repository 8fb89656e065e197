/**
 * The scorer contract. A scorer is built once per suite from its config (where everything that can
 * fail on bad config fails: regexes, JSON Schemas, rubrics, custom modules), then scores each
 * output. Rule checks are pure functions of their input; model-based scorers reach models only
 * through `ScoringServices`, which route every call through the runner's cache, retries and budget.
 */
import type { Case } from '../datasets/case.js';
import type { CallRecord, Score } from '../records/call-record.js';
import type { CallOutcome } from '../records/call-outcome.js';
import type { ChatMessage, ChatRequest } from '../providers/types.js';
import type { RecordedToolCall, ToolDefinition } from '../conversation/types.js';
import type { ModelConfig } from '../providers/model-schema.js';

export type ScoreKind = Score['kind'];

export interface ScoringInput {
  readonly case: Case;
  /** The messages the target was sent (what a judge must see to judge the answer). */
  readonly messages: readonly ChatMessage[];
  /** The output under judgment. */
  readonly output: string;
  /** The tools the request offered (for checking tool calls against their own schemas). */
  readonly tools?: readonly ToolDefinition[];
  /** Its call: usage, latency, cost, finish reason. */
  readonly record: CallRecord;
  /** For scorers with `against: <target>`: that target's output for the same case and repeat. */
  readonly other?: {
    readonly target: string;
    readonly output: string;
    readonly toolCalls?: readonly RecordedToolCall[];
  };
  /**
   * Added to a judge's sample index (its cache key): re-grading the same output asks for new
   * verdicts rather than replaying the stored ones (`--judge-repeats`).
   */
  readonly sampleOffset?: number;
}

export interface ScoringServices {
  /** A chat call through the gateway (cache, retry, budget). */
  chat(target: string, request: ChatRequest, sample: number): Promise<CallOutcome>;
  /** Embeddings through the gateway's cache and batching, by the embedder named by `target`. */
  embed(target: string, texts: readonly string[]): Promise<Float32Array[]>;
  /** Fetches many embeddings in as few batched requests as possible, ahead of `embed` calls. */
  prefetchEmbeddings(target: string, texts: readonly string[]): Promise<void>;
  /**
   * Drops a cached answer that could not be used (a judge reply that is not a verdict), so a
   * resumed or later run asks again rather than replaying the same unusable reply.
   */
  discard(key: string): void;
}

export interface Scorer {
  readonly name: string;
  readonly type: string;
  readonly kind: ScoreKind;
  readonly id: string;
  /** Target whose output this scorer compares against, if any (scored after both are in). */
  readonly against?: string;
  /**
   * `inline` scorers run as each call finishes (their verdict is in the call's journal line);
   * `after` scorers run once a suite's calls are all in — they need another target's output, or
   * batch their work over the suite (`prefetch`) — and supersede the line with the full scores.
   */
  readonly phase: 'inline' | 'after';
  /** Reads the scores the other scorers gave the same output (derived metrics): scored after them, with them in `record.scores`. */
  readonly readsScores?: boolean;
  prefetch?(inputs: readonly ScoringInput[], services: ScoringServices): Promise<void>;
  score(input: ScoringInput, services: ScoringServices): Score | Promise<Score>;
}

export interface ScorerBuildContext {
  /** Directory that relative paths (rubrics, schemas, custom modules) are resolved against. */
  readonly rootDir: string;
  readonly models: Readonly<Record<string, ModelConfig>>;
  /** `driftgate.yaml suites[0].scorers[2]`, for error messages. */
  readonly where: string;
  /** The name this scorer reports under (explicit `name`, else its type, numbered when repeated). */
  readonly name: string;
}

/** A failure to score one output; becomes an error score, never a crash of the run. */
export class ScoringError extends Error {}
