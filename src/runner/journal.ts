/**
 * The run journal: each finished call is appended as one JSON line the moment it finishes, so a
 * killed run loses only calls in flight. Writes go through one O_APPEND handle; lines that finish
 * while a write is in progress are written together by the next one (at high concurrency one
 * syscall per line costs more than the calls themselves). A reader ignores a torn last line (the
 * only thing a kill can leave).
 */
import { createReadStream } from 'node:fs';
import { open, stat, type FileHandle } from 'node:fs/promises';
import { RunStateError, storageError } from '../errors.js';
import { JOURNAL_SCHEMA_VERSION, type CallRecord } from '../records/call-record.js';

export class JournalWriter {
  private pending: string[] = [];
  private flushed: Promise<void> | undefined;
  private writing: Promise<void> = Promise.resolve();

  private constructor(
    private readonly handle: FileHandle,
    readonly file: string,
    /** The file's size when this session opened it: lines from here on are this session's. */
    readonly sessionStart: number,
  ) {}

  static async open(file: string): Promise<JournalWriter> {
    try {
      const handle = await open(file, 'a');
      return new JournalWriter(handle, file, (await handle.stat()).size);
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
  const records: CallRecord[] = [];
  await forEachJournalRecord(file, (r) => records.push(r));
  return records;
}

/** Undefined for a blank line and for a torn final line from a killed process (that call is redone). */
function parseLine(line: string, file: string, lineNo: number, last: boolean): CallRecord | undefined {
  if (line.trim() === '') return undefined;
  let record: CallRecord;
  try {
    record = JSON.parse(line) as CallRecord;
  } catch {
    if (last) return undefined;
    throw new RunStateError(`${file}:${lineNo}: journal line is not valid JSON`);
  }
  if (record.schemaVersion !== JOURNAL_SCHEMA_VERSION) {
    throw new RunStateError(`${file}:${lineNo}: schemaVersion ${String(record.schemaVersion)} is not supported (expected ${JOURNAL_SCHEMA_VERSION})`);
  }
  return record;
}

/**
 * Every journal line in file order, one at a time, with the byte offset where it starts — so a
 * 100,000-case run is read in constant memory (readJournal holds the file and every record).
 * Same rules as readJournal: a torn final line is skipped, any other bad line is an error.
 */
export async function forEachJournalRecord(file: string, visit: (record: CallRecord, offset: number) => void): Promise<void> {
  const size = await stat(file).then(
    (s) => s.size,
    (err: NodeJS.ErrnoException) => {
      if (err.code === 'ENOENT') return 0; // no journal yet: no records
      throw err;
    },
  );
  if (size === 0) return;
  let rest = '';
  let lineNo = 0;
  let offset = 0;
  let held: { line: string; offset: number; terminated: boolean } | undefined;
  // A line is parsed once the next one is seen: only an unterminated last line may be torn.
  const take = (line: string, at: number, terminated: boolean): void => {
    if (held) {
      const record = parseLine(held.line, file, lineNo, false);
      if (record) visit(record, held.offset);
    }
    lineNo++;
    held = { line, offset: at, terminated };
  };
  for await (const chunk of createReadStream(file, { encoding: 'utf8', end: size - 1 })) {
    const text = rest + (chunk as string);
    let start = 0;
    for (let nl = text.indexOf('\n'); nl !== -1; nl = text.indexOf('\n', start)) {
      const line = text.slice(start, nl);
      take(line, offset, true);
      offset += Buffer.byteLength(line) + 1;
      start = nl + 1;
    }
    rest = text.slice(start);
  }
  if (rest !== '') take(rest, offset, false);
  if (held) {
    const record = parseLine(held.line, file, lineNo, !held.terminated);
    if (record) visit(record, held.offset);
  }
}

/** The latest record per item. */
export function latestByItem(records: readonly CallRecord[]): Map<string, CallRecord> {
  const latest = new Map<string, CallRecord>();
  for (const r of records) latest.set(r.itemId, r);
  return latest;
}
