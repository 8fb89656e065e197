/**
 * `batches.jsonl` in the run directory: one line when a batch is submitted (written and synced
 * before any waiting, so a crash or `kill -9` after submitting leaves its id behind) and one when
 * its results are collected. `--resume` reads it and polls a submitted batch again instead of
 * submitting a second one. A torn last line (a kill mid-append) is ignored.
 */
import { appendFile, open } from 'node:fs/promises';
import path from 'node:path';
import { readTextIfExists } from '../../util/read-text.js';
import { storageError } from '../../errors.js';
import { scrubSecrets } from '../../util/secrets.js';

export const BATCH_JOURNAL_FILE = 'batches.jsonl';
export const BATCH_JOURNAL_SCHEMA_VERSION = 1;

export type BatchPhase = 'answers' | 'judge';

export type BatchEvent =
  | {
      readonly schemaVersion: 1;
      readonly event: 'submitted';
      readonly phase: BatchPhase;
      readonly target: string;
      readonly provider: string;
      readonly batchId: string;
      readonly requests: number;
      readonly at: string;
    }
  | {
      readonly schemaVersion: 1;
      readonly event: 'collected';
      readonly phase: BatchPhase;
      readonly target: string;
      readonly batchId: string;
      readonly state: string;
      readonly answered: number;
      readonly failed: number;
      readonly detail?: string;
      readonly at: string;
    };

export async function readBatchJournal(runDir: string): Promise<BatchEvent[]> {
  const text = await readTextIfExists(path.join(runDir, BATCH_JOURNAL_FILE));
  if (text === undefined) return [];
  const out: BatchEvent[] = [];
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    try {
      const event = JSON.parse(line) as BatchEvent;
      if (event.schemaVersion === BATCH_JOURNAL_SCHEMA_VERSION) out.push(event);
    } catch {
      // a torn last line
    }
  }
  return out;
}

/** Appends one event and syncs it to disk before returning. */
export async function appendBatchEvent(runDir: string, event: BatchEvent): Promise<void> {
  const file = path.join(runDir, BATCH_JOURNAL_FILE);
  try {
    await appendFile(file, `${scrubSecrets(JSON.stringify(event))}\n`);
    const handle = await open(file, 'r');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  } catch (err) {
    throw storageError(err, file) ?? err;
  }
}

/** Batches submitted in a phase and not collected yet, by target (a large target has several). */
export function openBatches(events: readonly BatchEvent[], phase: BatchPhase): Map<string, string[]> {
  const open = new Map<string, Set<string>>();
  for (const e of events) {
    if (e.phase !== phase) continue;
    const ids = open.get(e.target) ?? new Set<string>();
    if (e.event === 'submitted') ids.add(e.batchId);
    else ids.delete(e.batchId);
    open.set(e.target, ids);
  }
  return new Map([...open].filter(([, ids]) => ids.size > 0).map(([target, ids]) => [target, [...ids]]));
}
