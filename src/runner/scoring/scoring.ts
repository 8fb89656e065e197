/**
 * Runs a suite's scorers on finished calls. Inline scorers run as each call finishes, so their
 * verdicts land in the call's journal line; the after phase runs once every call of a run is in —
 * for scorers that compare with another target's output or batch their work (embeddings) — and for
 * any ok record whose scores are incomplete (e.g. a resumed run). It appends a superseding journal
 * line per re-scored record. A scorer that fails yields an error score, never a crash of the run.
 */
import pLimit from 'p-limit';
import { errorScore } from '../../scorers/score.js';
import type { Scorer, ScoringInput, ScoringServices } from '../../scorers/types.js';
import { scrubDeep, scrubSecrets } from '../../util/secrets.js';
import { StorageError } from '../../errors.js';
import { answered, isAnswered, type CallRecord, type OkRecord, type Score } from '../../records/call-record.js';
import type { JournalWriter } from '../store/journal.js';
import type { PreparedCase, PreparedSuite } from '../plan/plan.js';
import { readRunRecords } from '../store/run-records.js';

/** A scorer comparing with target X says nothing about X's own outputs. */
export const appliesTo = (scorer: Scorer, record: CallRecord): boolean => scorer.against !== record.target;

export async function safeScore(scorer: Scorer, input: ScoringInput, services: ScoringServices): Promise<Score> {
  try {
    // A reason or detail can quote what the scorer saw (a custom scorer, a judge's rationale).
    return scrubDeep(await scorer.score(input, services));
  } catch (err) {
    if (err instanceof StorageError) throw err;
    return errorScore(scorer, scrubSecrets(err instanceof Error ? err.message : String(err)));
  }
}

/**
 * What a scorer sees of a suite's record: its case, the messages sent, the output and tools, and —
 * for a scorer `against: X` — X's answer to the same case and repeat among `records`. Shared by
 * scoring and by the batch mode's noting pass, so both build exactly the same judge requests.
 * The record's case must be in the suite.
 */
export function scoringInputs(
  suite: PreparedSuite,
  records: readonly CallRecord[],
): (record: OkRecord, scorer?: Scorer) => ScoringInput {
  const itemKey = (caseId: string, target: string, repeat: number) => `${caseId}\u0000${target}\u0000${repeat}`;
  let byItem: Map<string, CallRecord> | undefined;
  return (record, scorer) => {
    const prepared = suite.caseById.get(record.caseId) as PreparedCase;
    byItem ??= scorer?.against ? new Map(records.map((r) => [itemKey(r.caseId, r.target, r.repeat), r])) : undefined;
    const other = scorer?.against ? byItem?.get(itemKey(record.caseId, scorer.against, record.repeat)) : undefined;
    return {
      case: prepared.case,
      messages: prepared.messages,
      output: record.output,
      record,
      ...(prepared.options.tools ? { tools: prepared.options.tools } : {}),
      ...(other?.output != null
        ? {
            other: {
              target: other.target,
              output: other.output,
              ...(other.toolCalls ? { toolCalls: other.toolCalls } : {}),
            },
          }
        : {}),
    };
  };
}

/** Scores of the inline scorers for one finished call. */
export async function scoreInline(
  suite: PreparedSuite,
  record: CallRecord,
  services: ScoringServices,
): Promise<Score[]> {
  if (!isAnswered(record)) return [];
  if (!suite.caseById.has(record.caseId)) return [];
  const input = scoringInputs(suite, [])(record);
  const scores: Score[] = [];
  for (const scorer of suite.scorers)
    if (scorer.phase === 'inline' && appliesTo(scorer, record)) scores.push(await safeScore(scorer, input, services));
  return scores;
}

/** Every scorer that applies to the record has scored it (an error score counts: it is not retried in the same session). */
export const complete = (suite: PreparedSuite, record: CallRecord): boolean =>
  suite.scorers.every(
    (s) => !appliesTo(s, record) || record.scores.some((x) => x.name === s.name && x.scorerId === s.id),
  );

/**
 * Completes the scores of every ok record, appending a journal line for each record it changed.
 * Records are read back from the journal (`journalFile`), and only those with work left are held
 * — plus, for a suite with a scorer `against` another target, that suite's answers, which its
 * inputs read. Lines written before `sessionStart` (earlier sessions of a resumed run) have their
 * failed scores dropped, so a judge that failed then is asked again.
 */
export interface AfterPhase {
  readonly suites: readonly PreparedSuite[];
  readonly source: { readonly journalFile: string; readonly sessionStart: number };
  readonly services: ScoringServices;
  readonly journal: JournalWriter;
  readonly concurrency: number;
}

export async function scoreAfter(phase: AfterPhase): Promise<void> {
  const { suites, source, services, journal, concurrency } = phase;
  const suiteOf = new Map(suites.map((s) => [s.config.name, s]));
  const readsOthers = new Set(
    suites.filter((s) => s.scorers.some((x) => x.against !== undefined)).map((s) => s.config.name),
  );
  const held = await readRunRecords(source.journalFile, suites, {
    sessionStart: source.sessionStart,
    keep: (r) => isAnswered(r) && (readsOthers.has(r.suite) || !complete(suiteOf.get(r.suite) as PreparedSuite, r)),
  });
  const limit = pLimit(concurrency);
  for (const suite of suites) {
    // `keep` above holds answered records only.
    const suiteRecords = answered(held, (r) => r.suite === suite.config.name);
    const todo = suiteRecords.filter((r) => !complete(suite, r));
    if (todo.length === 0) continue;
    const inputOf = scoringInputs(suite, suiteRecords);
    for (const scorer of suite.scorers) {
      if (!scorer.prefetch) continue;
      const needing = todo.filter(
        (r) => appliesTo(scorer, r) && !r.scores.some((x) => x.name === scorer.name && x.scorerId === scorer.id),
      );
      try {
        await scorer.prefetch(
          needing.map((r) => inputOf(r, scorer)),
          services,
        );
      } catch {
        // each input reports the failure itself when it is scored
      }
    }
    await Promise.all(
      todo.map((record) =>
        limit(async () => {
          const scores: Score[] = [];
          for (const scorer of suite.scorers) {
            if (!appliesTo(scorer, record)) continue;
            const kept = record.scores.find((x) => x.name === scorer.name && x.scorerId === scorer.id);
            const input = scorer.readsScores
              ? inputOf({ ...record, scores: [...scores] }, scorer)
              : inputOf(record, scorer);
            scores.push(kept ?? (await safeScore(scorer, input, services)));
          }
          await journal.append({ ...record, scores, finishedAt: new Date().toISOString() });
        }),
      ),
    );
  }
}
