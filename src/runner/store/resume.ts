/**
 * Resuming an interrupted run, shared by `eval --resume` and `drift --resume`: find the run (the
 * newest incomplete one of that command, or a named one), refuse it when the config changed since it
 * started, reopen it, and skip every item whose latest journal line is `ok`.
 */
import path from 'node:path';
import { RunStateError } from '../../errors.js';
import type { CallRecord } from '../../records/call-record.js';
import { forEachJournalRecord } from './journal.js';
import type { Plan, WorkItem } from '../plan/plan.js';
import { findLatestIncompleteRun, JOURNAL_FILE, readRunMeta, writeRunMeta, type RunMeta } from './run-dir.js';

export interface ResumableRun {
  readonly dir: string;
  readonly meta: RunMeta;
  /** The items whose latest journal line is `ok`: read a line at a time, nothing else is kept. */
  readonly finished: ReadonlySet<string>;
}

async function finishedItems(file: string): Promise<Set<string>> {
  const ok = new Set<string>();
  await forEachJournalRecord(file, (r) => (r.status === 'ok' ? ok.add(r.itemId) : ok.delete(r.itemId)));
  return ok;
}

/**
 * `refuseComplete`: drift refuses a complete run, whose history row is already appended; a complete
 * eval run resumes as a no-op.
 */
export interface ResumeRequest {
  readonly runsDir: string;
  /** The run id, or true for the newest incomplete run of the command. */
  readonly resume: string | true;
  readonly command: RunMeta['command'];
  /** The config as loaded now: a run started under another one is refused. */
  readonly config: { readonly hash: string; readonly name: string };
  readonly refuseComplete?: boolean;
}

export async function openForResume(request: ResumeRequest): Promise<ResumableRun> {
  const { runsDir, resume, command, config, refuseComplete = false } = request;
  const runId = resume === true ? await findLatestIncompleteRun(runsDir, command) : resume;
  if (!runId) throw new RunStateError(`--resume: no incomplete ${command} run under ${runsDir}`);
  const dir = path.join(runsDir, runId);
  const meta = await readRunMeta(dir);
  if (meta.command !== command)
    throw new RunStateError(
      `--resume ${runId}: that is a ${meta.command} run; resume it with driftgate ${meta.command} --resume`,
    );
  if (meta.configHash !== config.hash) {
    throw new RunStateError(
      `--resume ${runId}: ${config.name} changed since the run started; resuming would mix two configurations. Start a new run instead.`,
    );
  }
  if (refuseComplete && meta.status === 'complete')
    throw new RunStateError(`--resume ${runId}: the run is already complete`);
  return { dir, meta, finished: await finishedItems(path.join(dir, JOURNAL_FILE)) };
}

/** Marks the run as running again, noting when it was resumed. */
export async function reopen(run: ResumableRun, at: string): Promise<void> {
  run.meta.status = 'running';
  delete run.meta.incompleteReason;
  run.meta.resumedAt.push(at);
  await writeRunMeta(run.dir, run.meta);
}

/** The items still to do: those whose latest journal line so far is not `ok`. */
export function pendingItems<T extends { readonly itemId: string }>(
  items: readonly T[],
  finished: ReadonlySet<string>,
): T[] {
  return items.filter((item) => !finished.has(item.itemId));
}

/** The plan's items still to do, made as they are taken; counting them makes each once more. */
export function pendingOf(
  plan: Plan,
  finished: ReadonlySet<string>,
): { readonly items: Iterable<WorkItem>; readonly count: number } {
  if (finished.size === 0) return { items: plan, count: plan.size };
  const todo = (item: WorkItem): boolean => !finished.has(item.itemId);
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
 * are dropped from earlier lines (run-records.ts, for lines before the session), so the after
 * phase sees those records as incomplete.
 */
export function withoutFailedScore(r: CallRecord): CallRecord {
  return r.scores.some((s) => s.error !== undefined)
    ? { ...r, scores: r.scores.filter((s) => s.error === undefined) }
    : r;
}
