/**
 * What a run's summaries read of a record: where it belongs, tokens, dollars, latency, model ids
 * and scores — not the answer, its cache key and input hash, its timestamp or the judges' reasons.
 * A 100,000-case eval holds these — about 120 bytes each: what records share (suite, target,
 * status, model ids; equal scores and score lists) is held once — while the answers stay in the
 * journal. A CallRecord is a RecordFacts, so every summary works on either.
 */
import { judgeCostOf } from './score-details.js';
import type { CallRecord, Score } from './call-record.js';

/** A score without its reason; details only as far as summaries read them (judge scale, raw score, cost). */
export type ScoreFacts = Omit<Score, 'reason' | 'details'> & { readonly details?: Readonly<Record<string, unknown>> };

export type RecordFacts = Pick<
  CallRecord,
  | 'suite'
  | 'caseId'
  | 'target'
  | 'repeat'
  | 'status'
  | 'inputTokens'
  | 'outputTokens'
  | 'costUsd'
  | 'latencyMs'
  | 'model'
  | 'providerModel'
  | 'systemFingerprint'
  | 'cached'
  | 'error'
> & {
  readonly scores: readonly ScoreFacts[];
};

const KEPT_DETAILS = ['scale', 'score'] as const;

/** What many records of a run have in common, held once. */
interface Shared {
  readonly suite: string;
  readonly target: string;
  readonly status: CallRecord['status'];
  readonly model: string;
  readonly providerModel: string | null;
  readonly systemFingerprint: string | null;
  readonly cached: boolean;
}

class Facts implements RecordFacts {
  readonly error?: CallRecord['error'];

  constructor(
    private readonly shared: Shared,
    readonly caseId: string,
    readonly repeat: number,
    readonly inputTokens: number | null,
    readonly outputTokens: number | null,
    readonly costUsd: number | null,
    readonly latencyMs: number | null,
    readonly scores: readonly ScoreFacts[],
    error: CallRecord['error'],
  ) {
    if (error) this.error = error;
  }

  get suite(): string {
    return this.shared.suite;
  }
  get target(): string {
    return this.shared.target;
  }
  get status(): CallRecord['status'] {
    return this.shared.status;
  }
  get model(): string {
    return this.shared.model;
  }
  get providerModel(): string | null {
    return this.shared.providerModel;
  }
  get systemFingerprint(): string | null {
    return this.shared.systemFingerprint;
  }
  get cached(): boolean {
    return this.shared.cached;
  }
}

/** Projects records to facts, sharing repeated strings and equal scores between them. */
export class FactsProjector {
  private readonly strings = new Map<string, string>();
  private readonly scores = new Map<string, ScoreFacts>();
  private readonly scoreIds = new Map<ScoreFacts, number>();
  private readonly scoreLists = new Map<string, readonly ScoreFacts[]>();
  private readonly shared = new Map<string, Shared>();

  private s<T extends string | null | undefined>(value: T): T {
    if (typeof value !== 'string') return value;
    const known = this.strings.get(value);
    if (known !== undefined) return known as T;
    this.strings.set(value, value);
    return value;
  }

  private score(score: Score): ScoreFacts {
    const details: Record<string, unknown> = {};
    for (const k of KEPT_DETAILS) if (score.details?.[k] !== undefined) details[k] = score.details[k];
    const judge = judgeCostOf(score);
    if (judge !== undefined) details.judge = judge;
    const slim: ScoreFacts = {
      name: this.s(score.name),
      kind: score.kind,
      scorerId: this.s(score.scorerId),
      value: score.value,
      ...(score.pass !== undefined ? { pass: score.pass } : {}),
      ...(Object.keys(details).length > 0 ? { details } : {}),
      ...(score.error !== undefined ? { error: score.error } : {}),
    };
    // Rule scores repeat across a run (most are {value 1, pass true}): one object serves them all.
    if (slim.details !== undefined || slim.error !== undefined) return slim;
    const key = `${slim.name}\u0000${slim.scorerId}\u0000${slim.kind}\u0000${slim.value}\u0000${String(slim.pass)}`;
    const known = this.scores.get(key);
    if (known) return known;
    this.scores.set(key, slim);
    this.scoreIds.set(slim, this.scoreIds.size);
    return slim;
  }

  /** Scores without reasons, equal ones shared, and equal lists of shared scores one list too (the gate's baseline reader uses this too). */
  scoreList(scores: readonly Score[]): readonly ScoreFacts[] {
    const slim = scores.map((x) => this.score(x));
    const ids = slim.map((x) => this.scoreIds.get(x));
    if (ids.some((id) => id === undefined)) return slim;
    const key = ids.join(',');
    const known = this.scoreLists.get(key);
    if (known) return known;
    this.scoreLists.set(key, slim);
    return slim;
  }

  /**
   * The record as the gate compares it: ids, input hash, status, numbers and shared scores, without
   * the answer (an ok record's `output` is '' and its tool calls are left out: the gate fetches the
   * answers of flipped cases afterwards, gate/flip-answers.ts), the cache key, the timestamp or the
   * scorers' reasons.
   */
  gateRecord(r: CallRecord, caseId = r.caseId): CallRecord {
    // One object literal with every field in one order: the gate holds 100,000 of these, and
    // building them by spreading a shared part (one shape for ok, one for error) made each about
    // 1.5 KB larger (compare at 100,000 cases: 395 -> 545 MB, measured). The literal's status and
    // output come from an OkRecord or an ErrorRecord together, so the union holds.
    const record = {
      schemaVersion: r.schemaVersion,
      itemId: '',
      suite: this.s(r.suite),
      caseId,
      target: this.s(r.target),
      repeat: r.repeat,
      key: '',
      inputHash: r.inputHash,
      model: this.s(r.model),
      scores: this.scoreList(r.scores),
      finishedAt: '',
      status: r.status,
      output: r.output === null ? null : '',
      finishReason: this.s(r.finishReason),
      inputTokens: r.inputTokens,
      outputTokens: r.outputTokens,
      costUsd: r.costUsd,
      latencyMs: r.latencyMs,
      providerModel: this.s(r.providerModel),
      systemFingerprint: this.s(r.systemFingerprint),
      cached: r.cached,
      attempts: r.attempts,
      ...(r.error ? { error: r.error } : {}),
    };
    return record as CallRecord;
  }

  /** `caseId`: an equal string already held (the plan's), so the facts add none. */
  facts(r: CallRecord, caseId = r.caseId): RecordFacts {
    const key = JSON.stringify([r.suite, r.target, r.status, r.model, r.providerModel, r.systemFingerprint, r.cached]);
    let shared = this.shared.get(key);
    if (!shared) {
      shared = {
        suite: r.suite,
        target: r.target,
        status: r.status,
        model: r.model,
        providerModel: r.providerModel,
        systemFingerprint: r.systemFingerprint,
        cached: r.cached,
      };
      this.shared.set(key, shared);
    }
    return new Facts(
      shared,
      caseId,
      r.repeat,
      r.inputTokens,
      r.outputTokens,
      r.costUsd,
      r.latencyMs,
      this.scoreList(r.scores),
      r.error,
    );
  }
}
