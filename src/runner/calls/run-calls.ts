/**
 * The calls of a run, from pending work items to scored records — the part `eval` and `drift`
 * share: (batch mode: the answers' batch) → execution and journaling → (batch mode: the judge
 * verdicts' batch) → the after phase, which completes every record's scores.
 */
import type { ModelConfig } from '../../providers/model-schema.js';
import type { ScoringServices } from '../../scorers/types.js';
import { executeItems, type ExecuteResult } from './execute.js';
import type { CallGateway } from './gateway.js';
import type { JournalWriter } from '../store/journal.js';
import type { PreparedSuite, WorkItem } from '../plan/plan.js';
import type { Progress } from './progress.js';
import { readRunRecords } from '../store/run-records.js';
import { scoreAfter } from '../scoring/scoring.js';
import { runBatchPhase, type BatchPhaseContext, type BatchReport } from '../batch/batch-phase.js';
import { judgeCallsFor } from '../batch/batch-judge-calls.js';

export interface RunCallsInput {
  /** The items still to do (may be generated as they are taken), and how many there are. */
  readonly pending: Iterable<WorkItem>;
  readonly pendingCount: number;
  /** Suites with their scorers behind the scorer guard, and the same suites without it (for noting judge calls). */
  readonly prepared: readonly PreparedSuite[];
  readonly unguarded: readonly PreparedSuite[];
  readonly models: Readonly<Record<string, ModelConfig>>;
  readonly gateway: CallGateway;
  readonly services: ScoringServices;
  readonly journal: JournalWriter;
  readonly concurrency: number;
  readonly progress: Progress;
  /** Batch mode, with where to journal batch ids and how to wait. */
  readonly batch?: Omit<BatchPhaseContext, 'gateway'>;
  /** Ctrl-C: no new call is started, and scoring left for the resume. */
  readonly stop?: { readonly requested: boolean };
}

/** The records are in the journal, scored: read them with run-records.ts. */
export interface RunCallsResult {
  readonly outcome: ExecuteResult;
  readonly batches: readonly BatchReport[];
}

export async function runCalls(input: RunCallsInput): Promise<RunCallsResult> {
  const batches: BatchReport[] = [];
  const batch = input.batch ? { ...input.batch, gateway: input.gateway } : undefined;
  // A batch is one upload of every pending request: batch mode holds them (and, for the judge
  // batch, the run's records), where online mode streams.
  const pending = batch ? [...input.pending] : input.pending;
  if (batch)
    batches.push(
      ...(await runBatchPhase(
        'answers',
        [...pending].map((i) => ({ target: i.target, model: i.model, request: i.request, sample: i.repeat })),
        batch,
      )),
    );
  const outcome = await executeItems(pending, input.pendingCount, {
    concurrency: input.concurrency,
    gateway: input.gateway,
    services: input.services,
    suites: new Map(input.prepared.map((p) => [p.config.name, p])),
    journal: input.journal,
    progress: input.progress,
    // Batch mode scores after the judge batch: the after phase completes every record's scores.
    deferScoring: batch !== undefined,
    ...(input.stop ? { stop: input.stop } : {}),
  });
  // Interrupted: what finished is journaled; the resume makes the rest and completes the scores.
  if (input.stop?.requested) return { outcome, batches };
  const source = { journalFile: input.journal.file, sessionStart: input.journal.sessionStart };
  if (batch) {
    const inPlan = await readRunRecords(source.journalFile, input.prepared, { sessionStart: source.sessionStart });
    batches.push(...(await runBatchPhase('judge', await judgeCallsFor(input.unguarded, inPlan, input.models), batch)));
  }
  // The after phase reads the whole journal back; a fresh run whose every answer was scored inline
  // (no scorer reads another target's answer) has nothing for it to do.
  const afterWork =
    batch !== undefined ||
    outcome.incomplete > 0 ||
    source.sessionStart > 0 ||
    input.prepared.some((p) => p.scorers.some((s) => s.against !== undefined));
  if (afterWork)
    await scoreAfter({
      suites: input.prepared,
      source,
      services: input.services,
      journal: input.journal,
      concurrency: input.concurrency,
    });
  return { outcome, batches };
}
