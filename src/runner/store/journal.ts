/**
 * The run journal: each finished call is appended as one JSON line the moment it finishes, so a
 * killed run loses only calls in flight. Writes go through one O_APPEND handle; lines that finish
 * while a write is in progress are written together by the next one (at high concurrency one
 * syscall per line costs more than the calls themselves). A reader ignores a torn last line (the
 * only thing a kill or a full disk can leave), and opening the journal again mends it first.
 */
import { createReadStream } from 'node:fs';
import { open, stat, type FileHandle } from 'node:fs/promises';
import { RunStateError, storageError } from '../../errors.js';
import { JOURNAL_SCHEMA_VERSION, type CallRecord } from '../../records/call-record.js';
import { scrubSecrets } from '../../util/secrets.js';

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

  /** What opening found at the end of the file and mended, if anything (a line for the log). */
  healed?: JournalHealing;

  /**
   * Opens for appending after mending the end of the file: a kill or a full disk can leave a last
   * line without its newline. Appending after it would glue the next record onto it and make a
   * bad line in the middle, which no later resume could read. A torn line is cut off (that call is
   * made again); a whole record that only lacks its newline gets one.
   */
  static async open(file: string): Promise<JournalWriter> {
    try {
      const healed = await healJournalEnd(file);
      const handle = await open(file, 'a');
      const writer = new JournalWriter(handle, file, (await handle.stat()).size);
      if (healed) writer.healed = healed;
      return writer;
    } catch (err) {
      throw storageError(err, file) ?? err;
    }
  }

  /** Resolves once the line is in the file (in the kernel: it survives a kill -9 of this process). */
  append(record: CallRecord): Promise<void> {
    // The records are scrubbed where they are made; this is the last line of defence.
    this.pending.push(`${scrubSecrets(JSON.stringify(record))}\n`);
    // One batch waits behind the write in progress; every line appended meanwhile joins it.
    this.flushed ??= this.writing.then(async () => {
      const batch = this.pending.join('');
      this.pending = [];
      this.flushed = undefined;
      try {
        // A nearly full disk takes part of a write without an error (a short write): the rest is
        // written again, so the disk's refusal surfaces as ENOSPC instead of a silently torn line.
        const bytes = Buffer.from(batch, 'utf8');
        for (let at = 0; at < bytes.length;) at += (await this.handle.write(bytes, at, bytes.length - at)).bytesWritten;
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

export interface JournalHealing {
  readonly action: 'trimmed' | 'terminated';
  /** Bytes cut off (trimmed) or 1 (the newline added). */
  readonly bytes: number;
  /** 1-based line number of the mended line. */
  readonly line: number;
}

export function describeHealing(file: string, h: JournalHealing): string {
  return h.action === 'trimmed'
    ? `${file}:${h.line}: cut off a torn last line (${h.bytes.toLocaleString('en-US')} bytes) left by an interrupted write; that call is made again`
    : `${file}:${h.line}: the last record lacked its newline (an interrupted write); added it`;
}

/** Bytes read at a time when looking back for the last newline. */
const TAIL_CHUNK = 64 * 1024;

async function healJournalEnd(file: string): Promise<JournalHealing | undefined> {
  let handle: FileHandle;
  try {
    handle = await open(file, 'r+');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
  try {
    const size = (await handle.stat()).size;
    if (size === 0) return undefined;
    const last = Buffer.alloc(1);
    await handle.read(last, 0, 1, size - 1);
    if (last[0] === 0x0a) return undefined;
    // Look back for the newline that ends the last whole line.
    let lineStart = 0;
    for (let end = size; end > 0; end -= TAIL_CHUNK) {
      const start = Math.max(0, end - TAIL_CHUNK);
      const chunk = Buffer.alloc(end - start);
      await handle.read(chunk, 0, chunk.length, start);
      const nl = chunk.lastIndexOf(0x0a);
      if (nl !== -1) {
        lineStart = start + nl + 1;
        break;
      }
    }
    const tail = Buffer.alloc(size - lineStart);
    await handle.read(tail, 0, tail.length, lineStart);
    const line = (await countLines(handle, lineStart)) + 1;
    if (parseWhole(tail.toString('utf8'))) {
      await handle.write('\n', size);
      await handle.sync();
      return { action: 'terminated', bytes: 1, line };
    }
    await handle.truncate(lineStart);
    await handle.sync();
    return { action: 'trimmed', bytes: size - lineStart, line };
  } finally {
    await handle.close();
  }
}

/** Whether the text is one whole journal record (JSON object of this schema). */
function parseWhole(text: string): boolean {
  try {
    const value = JSON.parse(text) as { schemaVersion?: unknown } | null;
    return value !== null && typeof value === 'object' && value.schemaVersion === JOURNAL_SCHEMA_VERSION;
  } catch {
    return false;
  }
}

/** Newlines before `end`: the line number of what follows, for the log line. */
async function countLines(handle: FileHandle, end: number): Promise<number> {
  let lines = 0;
  const chunk = Buffer.alloc(TAIL_CHUNK);
  for (let at = 0; at < end; at += TAIL_CHUNK) {
    const { bytesRead } = await handle.read(chunk, 0, Math.min(TAIL_CHUNK, end - at), at);
    for (let i = 0; i < bytesRead; i++) if (chunk[i] === 0x0a) lines++;
  }
  return lines;
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
    throw new RunStateError(
      `${file}:${lineNo}: schemaVersion ${String(record.schemaVersion)} is not supported (expected ${JOURNAL_SCHEMA_VERSION})`,
    );
  }
  return record;
}

/**
 * Every journal line in file order, one at a time, with the byte offset where it starts — so a
 * 100,000-case run is read in constant memory (readJournal holds the file and every record).
 * Same rules as readJournal: a torn final line is skipped, any other bad line is an error.
 */
export async function forEachJournalRecord(
  file: string,
  visit: (record: CallRecord, offset: number) => void,
): Promise<void> {
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
