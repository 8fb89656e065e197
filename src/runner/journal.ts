/**
 * The run journal: each finished call is appended as one JSON line the moment it finishes, so a
 * killed run loses only calls in flight. Writes go through one O_APPEND handle; lines that finish
 * while a write is in progress are written together by the next one (at high concurrency one
 * syscall per line costs more than the calls themselves). A reader ignores a torn last line (the
 * only thing a kill can leave).
 */
import { open, type FileHandle } from 'node:fs/promises';
import { readTextIfExists } from '../util/read-text.js';
import { RunStateError, storageError } from '../errors.js';
import { JOURNAL_SCHEMA_VERSION, type CallRecord } from '../records/call-record.js';

export class JournalWriter {
  private pending: string[] = [];
  private flushed: Promise<void> | undefined;
  private writing: Promise<void> = Promise.resolve();

  private constructor(
    private readonly handle: FileHandle,
    private readonly file: string,
  ) {}

  static async open(file: string): Promise<JournalWriter> {
    try {
      return new JournalWriter(await open(file, 'a'), file);
    } catch (err) {
      throw storageError(err, file) ?? err;
    }
  }

  /** Resolves once the line is in the file (in the kernel: it survives a kill -9 of this process). */
  append(record: CallRecord): Promise<void> {
    this.pending.push(`${JSON.stringify(record)}\n`);
    // One batch waits behind the write in progress; every line appended meanwhile joins it.
    this.flushed ??= this.writing.then(async () => {
      const batch = this.pending.join('');
      this.pending = [];
      this.flushed = undefined;
      try {
        await this.handle.write(batch);
      } catch (err) {
        // A partial write leaves a torn last line, which readers drop: that call is redone on resume.
        throw storageError(err, this.file) ?? err;
      }
    });
    this.writing = this.flushed.catch(() => undefined);
    return this.flushed;
  }

  async close(): Promise<void> {
    await this.writing;
    await this.handle.close();
  }
}

/** Records in file order. A later line for the same item supersedes an earlier one. */
export async function readJournal(file: string): Promise<CallRecord[]> {
  const text = await readTextIfExists(file);
  if (text === undefined) return [];
  const lines = text.split('\n');
  const records: CallRecord[] = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] as string;
    if (line.trim() === '') continue;
    let record: CallRecord;
    try {
      record = JSON.parse(line) as CallRecord;
    } catch {
      if (i === lines.length - 1) break; // torn final line from a killed process: that call is redone
      throw new RunStateError(`${file}:${i + 1}: journal line is not valid JSON`);
    }
    if (record.schemaVersion !== JOURNAL_SCHEMA_VERSION) {
      throw new RunStateError(`${file}:${i + 1}: schemaVersion ${String(record.schemaVersion)} is not supported (expected ${JOURNAL_SCHEMA_VERSION})`);
    }
    records.push(record);
  }
  return records;
}

/** The latest record per item. */
export function latestByItem(records: readonly CallRecord[]): Map<string, CallRecord> {
  const latest = new Map<string, CallRecord>();
  for (const r of records) latest.set(r.itemId, r);
  return latest;
}
