/** Finding a run directory and reading its results: what `compare` and `baseline update` act on. */
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { RunStateError } from '../errors.js';
import type { CallRecord } from '../records/call-record.js';
import { forEachJournalRecord, latestByItem, readJournal } from '../runner/store/journal.js';
import { FactsProjector } from '../records/record-facts.js';
import { JOURNAL_FILE, readRunMeta, type RunMeta } from '../runner/store/run-dir.js';

export interface LoadedRun {
  readonly dir: string;
  readonly meta: RunMeta;
  /** The latest record of each item, in journal order of first appearance. */
  readonly records: readonly CallRecord[];
}

/** `--run DIR` if given, else the newest run under `runsDir` (the newest complete one if required). */
export async function resolveRunDir(
  runsDir: string,
  explicit: string | undefined,
  requireComplete: boolean,
): Promise<string> {
  if (explicit) return path.resolve(explicit);
  let names: string[] = [];
  try {
    names = (await readdir(runsDir)).sort().reverse();
  } catch {
    // no runs yet
  }
  for (const name of names) {
    try {
      const meta = await readRunMeta(path.join(runsDir, name));
      if (!requireComplete || meta.status === 'complete') return path.join(runsDir, name);
    } catch {
      // not a run directory
    }
  }
  throw new RunStateError(
    `no ${requireComplete ? 'complete ' : ''}run under ${runsDir}; run driftgate eval first, or pass --run DIR`,
  );
}

/**
 * The run as the gate compares it: each item's latest record without its answer
 * (records/record-facts.ts `gateRecord`), read a line at a time — `compare` on a 100,000-case run
 * does not hold its answers.
 */
export async function loadRunForGate(dir: string): Promise<LoadedRun> {
  const meta = await readRunMeta(dir);
  const projector = new FactsProjector();
  const latest = new Map<string, CallRecord>();
  await forEachJournalRecord(path.join(dir, JOURNAL_FILE), (r) => {
    // A superseding line keeps the item's place (journal order of first appearance, as loadRun).
    latest.set(r.itemId, projector.gateRecord(r));
  });
  return { dir, meta, records: [...latest.values()] };
}

export async function loadRun(dir: string): Promise<LoadedRun> {
  const meta = await readRunMeta(dir);
  const journal = await readJournal(path.join(dir, JOURNAL_FILE));
  return { dir, meta, records: [...latestByItem(journal).values()] };
}
