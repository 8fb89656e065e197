/**
 * Resuming an interrupted run, shared by `eval --resume` and `drift --resume`: find the run (the
 * newest incomplete one of that command, or a named one), refuse it when the config changed since it
 * started, reopen it, and skip every item whose latest journal line is `ok`.
 */
import path from 'node:path';
import { RunStateError } from '../errors.js';
import type { CallRecord } from '../records/call-record.js';
import { latestByItem, readJournal } from './journal.js';
import type { Plan, WorkItem } from './plan.js';
import { findLatestIncompleteRun, JOURNAL_FILE, readRunMeta, writeRunMeta, type RunMeta } from './run-dir.js';

export interface ResumableRun {
  readonly dir: string;
  readonly meta: RunMeta;
  /** Every journal line so far, in file order. */
  readonly previous: readonly CallRecord[];
}

/**
 * `refuseComplete`: drift refuses a complete run, whose history row is already appended; a complete
 * eval run resumes as a no-op.
 */
export async function openForResume(
  runsDir: string,
  resume: string | true,
  command: RunMeta['command'],
  config: { readonly hash: string; readonly name: string },
  refuseComplete = false,
): Promise<ResumableRun> {
  const runId = resume === true ? await findLatestIncompleteRun(runsDir, command) : resume;
  if (!runId) throw new RunStateError(`--resume: no incomplete ${command} run under ${runsDir}`);
  const dir = path.join(runsDir, runId);
  const meta = await readRunMeta(dir);
  if (meta.command !== command) throw new RunStateError(`--resume ${runId}: that is a ${meta.command} run; resume it with driftgate ${meta.command} --resume`);
  if (meta.configHash !== config.hash) {
    throw new RunStateError(`--resume ${runId}: ${config.name} changed since the run started; resuming would mix two configurations. Start a new run instead.`);
  }
  if (refuseComplete && meta.status === 'complete') throw new RunStateError(`--resume ${runId}: the run is already complete`);
  return { dir, meta, previous: await readJournal(path.join(dir, JOURNAL_FILE)) };
}

/** Marks the run as running again, noting when it was resumed. */
export async function reopen(run: ResumableRun, at: string): Promise<void> {
  run.meta.status = 'running';
  delete run.meta.incompleteReason;
  run.meta.resumedAt.push(at);
  await writeRunMeta(run.dir, run.meta);
}

/** The items still to do: those without an `ok` line in the journal so far. */
export function pendingItems<T extends { readonly itemId: string }>(items: readonly T[], previous: readonly CallRecord[]): T[] {
  const finished = latestByItem(previous);
  return items.filter((item) => finished.get(item.itemId)?.status !== 'ok');
}

/** The plan's items still to do, made as they are taken; counting them makes each once more. */
export function pendingOf(plan: Plan, previous: readonly CallRecord[]): { readonly items: Iterable<WorkItem>; readonly count: number } {
  if (previous.length === 0) return { items: plan, count: plan.size };
  const finished = latestByItem(previous);
  const todo = (item: WorkItem): boolean => finished.get(item.itemId)?.status !== 'ok';
  let count = 0;
  for (const item of plan) if (todo(item)) count++;
  const items: Iterable<WorkItem> = {
    *[Symbol.iterator]() {
      for (const item of plan) if (todo(item)) yield item;
    },
  };
  return { items, count };
}

/**
 * A resumed run scores again what failed to score before (the judge may work now): failed scores
 * are dropped from earlier lines, so the after phase sees those records as incomplete.
 */
export function withoutFailedScores(records: readonly CallRecord[]): CallRecord[] {
  return records.map(withoutFailedScore);
}

export function withoutFailedScore(r: CallRecord): CallRecord {
  return r.scores.some((s) => s.error !== undefined) ? { ...r, scores: r.scores.filter((s) => s.error === undefined) } : r;
}
