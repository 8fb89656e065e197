/**
 * Samples production logs for the weekly drift job, in one streaming pass with bounded memory:
 * read JSONL or CSV line by line, map fields, keep lines inside the time window, and offer each to
 * its stratum's bottom-k set. A bad line (unparsable, no usable input) is counted and the first few
 * are reported with their line numbers; the run stops only when bad lines pass `maxBadFraction`.
 */
import { createReadStream } from 'node:fs';
import { parse as parseCsv, CsvError } from 'csv-parse';
import path from 'node:path';
import { DatasetError, locate } from '../errors.js';
import { canonicalHash } from '../util/hash.js';
import { allocate, BottomK, priorityOf } from './bottom-k.js';
import type { ChatMessage } from '../conversation/types.js';
import { checkToolResults } from '../conversation/parse.js';
import { loadSchemaChecker, parseRequestOptions, type SchemaChecker } from '../conversation/request-options.js';
import {
  getPath,
  inputMessages,
  outputText,
  requestOptionsOf,
  type FieldMapping,
  type LogReader,
} from '../sources/log-fields.js';
import { otlpLogs } from '../sources/otlp.js';
import type { LogOrigin, LogRecord } from '../sources/log-origin.js';
import { describeDepth, tooDeep } from '../util/depth.js';
import { feedbackOf, timeOf } from '../production/usage-line.js';

export interface SampledLog {
  readonly file: string;
  readonly line: number;
  readonly input: readonly ChatMessage[];
  /** The logged request's tools, tool_choice and response_format, as written. */
  readonly options?: Readonly<Record<string, unknown>>;
  readonly output?: string;
  readonly stratum: string;
  readonly time?: string;
  readonly model?: string;
  /** Hash of the input: identity for de-duplication and for pairing across runs. */
  readonly inputKey: string;
  /** The user's feedback logged with the call, by name (1/0 for thumbs), for the judge's agreement with users. */
  readonly feedback?: readonly { readonly name: string; readonly value: number }[];
}

export interface SampleOptions {
  readonly mapping: FieldMapping;
  readonly size: number;
  /** A mapped field (`feature`, `model`, `user`) to stratify by; none samples uniformly. */
  readonly stratify?: 'feature' | 'model' | 'user';
  readonly minPerStratum?: number;
  readonly since?: Date;
  /** Lines after this time are outside the window too (`--as-of`: a past week as it was). */
  readonly until?: Date;
  readonly seed: string;
  readonly maxBadFraction?: number;
  /** Strata beyond this many share one "(other)" stratum, so memory stays bounded. */
  readonly maxStrata?: number;
  /** How the files are read (the preset's reader): JSON lines / CSV rows, or OTLP trace exports. */
  readonly reader?: LogReader;
  /** Sees every record read (usable for replay or not), in the same pass: the production section. */
  readonly observe?: (record: unknown) => void;
}

export interface LogSample {
  readonly items: SampledLog[];
  readonly seed: string;
  readonly lines: number;
  readonly badLines: number;
  readonly firstBad: readonly { file: string; line: number; reason: string }[];
  readonly outsideWindow: number;
  /** Per stratum: lines in the window, distinct inputs (exact below k, else estimated), sampled. */
  readonly strata: readonly { stratum: string; lines: number; distinct: number; sampled: number }[];
}

/** The default seed: the ISO week of `date` (`2026-W47`), so a week's job reproduces its sample. */
export function isoWeekSeed(date = new Date()): string {
  const d = new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate()));
  const day = d.getUTCDay() || 7;
  d.setUTCDate(d.getUTCDate() + 4 - day);
  const yearStart = Date.UTC(d.getUTCFullYear(), 0, 1);
  const week = Math.ceil(((d.getTime() - yearStart) / 86_400_000 + 1) / 7);
  return `${d.getUTCFullYear()}-W${String(week).padStart(2, '0')}`;
}

const UNITS = { w: 604_800_000, d: 86_400_000, h: 3_600_000, m: 60_000 } as const;

/** `12w`, `7d`, `12h`, `30m` before `now`. */
export function parseSince(text: string, now = new Date(), flag = '--since'): Date {
  const m = /^(\d+)([wdhm])$/.exec(text.trim());
  const unit = m?.[2];
  if (!m || (unit !== 'w' && unit !== 'd' && unit !== 'h' && unit !== 'm'))
    throw new DatasetError(`${flag}: expected a duration such as 12w, 7d, 12h or 30m, got "${text}"`);
  return new Date(now.getTime() - Number(m[1]) * UNITS[unit]);
}

/**
 * A log file's records, a megabyte (or a CSV row, or an OTLP file) at a time, so a gigabyte of JSONL
 * costs a promise per megabyte, not per line: readline's async iterator and a generator step per
 * line were a third of the time.
 */
export async function* fileRecords(file: string, reader: LogReader): AsyncGenerator<readonly LogRecord[]> {
  if (reader === 'otlp') {
    yield* otlpLogs(file);
    return;
  }
  if (/\.csv$/i.test(file)) {
    const parser = createReadStream(file).pipe(
      parseCsv({ columns: true, bom: true, info: true, skip_empty_lines: true, relax_column_count: true }),
    );
    try {
      for await (const { record, info } of parser as AsyncIterable<{
        record: Record<string, string>;
        info: { lines: number };
      }>) {
        // JSON-looking cells (a message list) are parsed, so mappings work alike for CSV and JSONL.
        const parsed: Record<string, unknown> = {};
        for (const [k, v] of Object.entries(record)) parsed[k] = /^\s*[[{]/.test(v) ? (safeJson(v) ?? v) : v;
        yield [{ line: info.lines, record: parsed }];
      }
    } catch (err) {
      // A quoting error ends the CSV parse: the file cannot be read past it.
      if (err instanceof CsvError)
        throw new DatasetError(
          locate(
            path.basename(file),
            (err as CsvError & { lines?: number }).lines,
            undefined,
            `not valid CSV (${err.message})`,
          ),
        );
      throw err;
    }
    return;
  }
  let n = 0;
  let carry = '';
  const parseLine = (raw: string, out: LogRecord[]) => {
    n++;
    const text = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (text.length === 0 || (text.charCodeAt(0) <= 32 && text.trim() === '')) return;
    try {
      const record: unknown = JSON.parse(text);
      const deep = tooDeep(record);
      out.push(deep ? { line: n, error: describeDepth(deep) } : { line: n, record });
    } catch (err) {
      out.push({ line: n, error: `not valid JSON (${(err as Error).message.slice(0, 80)})` });
    }
  };
  // The stream's decoder keeps multi-byte characters whole across chunk boundaries.
  for await (const chunk of createReadStream(file, {
    encoding: 'utf8',
    highWaterMark: 1 << 20,
  }) as AsyncIterable<string>) {
    const batch: LogRecord[] = [];
    let start = 0;
    const text = carry + chunk;
    for (let end = text.indexOf('\n'); end !== -1; end = text.indexOf('\n', start)) {
      parseLine(text.slice(start, end), batch);
      start = end + 1;
    }
    carry = text.slice(start);
    if (batch.length) yield batch;
  }
  if (carry) {
    const last: LogRecord[] = [];
    parseLine(carry, last);
    if (last.length) yield last;
  }
}

class LineProblem extends Error {}

const reject = (field: string, message: string): never => {
  throw new LineProblem(`${field}: ${message}`);
};

/** The problem a check throws as a LineProblem, as text; undefined when the check passes. */
function problemOf(check: () => unknown): string | undefined {
  try {
    check();
    return undefined;
  } catch (err) {
    if (err instanceof LineProblem) return err.message;
    throw err;
  }
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** An origin's records in batches: a file read as `reader` says, or a source a page at a time. */
export function batchesOf(origin: string | LogOrigin, reader: LogReader): AsyncIterable<readonly LogRecord[]> {
  return typeof origin === 'string' ? fileRecords(origin, reader) : origin.batches();
}

/** The identity of a logged input: it orders the sample, de-duplicates, and names the case. */
export function logInputKey(input: readonly ChatMessage[], requestOptions: unknown): string {
  // Options join the key only when present: plain text inputs keep their keys (and samples).
  return canonicalHash(requestOptions ? { input, requestOptions } : input);
}

/**
 * Samples the window's lines from files (read with the options' reader) and from opened log
 * sources alike; a source's records are normalized, its "file" is the source's name.
 */
export async function sampleLogs(origins: readonly (string | LogOrigin)[], options: SampleOptions): Promise<LogSample> {
  const maxStrata = options.maxStrata ?? 200;
  const strata = new Map<string, BottomK<SampledLog>>();
  const linesPerStratum = new Map<string, number>();
  const firstBad: { file: string; line: number; reason: string }[] = [];
  let checkSchema: SchemaChecker | undefined;
  let lines = 0;
  let bad = 0;
  let outsideWindow = 0;
  const since = options.since?.getTime();
  const until = options.until?.getTime();
  const { mapping } = options;
  for (const origin of origins) {
    const file = typeof origin === 'string' ? origin : origin.name;
    const batches = batchesOf(origin, options.reader ?? 'lines');
    for await (const batch of batches)
      for (const { line, record, error, id, inputKey: keptKey } of batch) {
        lines++;
        const fail = (reason: string) => {
          bad++;
          if (firstBad.length < 5) firstBad.push({ file, line, reason: id ? `${id}: ${reason}` : reason });
        };
        if (error) {
          fail(error);
          continue;
        }
        options.observe?.(record);
        const input = inputMessages(getPath(record, mapping.input));
        if (!input) {
          fail(`no usable input at "${mapping.input}"`);
          continue;
        }
        // A conversation no provider would accept is a bad line, counted like any other, not a stop.
        const unsendable = problemOf(() =>
          checkToolResults(input, (index, message) => reject(`messages[${index}]`, message)),
        );
        if (unsendable) {
          fail(unsendable);
          continue;
        }
        const loggedOptions = requestOptionsOf(record, mapping);
        if (loggedOptions) {
          checkSchema ??= await loadSchemaChecker();
          const badOptions = problemOf(() =>
            parseRequestOptions(loggedOptions, '', reject, checkSchema as SchemaChecker),
          );
          if (badOptions) {
            fail(badOptions);
            continue;
          }
        }
        const timeValue = mapping.time ? getPath(record, mapping.time) : undefined;
        if (since !== undefined || until !== undefined) {
          const t = timeOf(timeValue);
          if (t === undefined) {
            fail(`no readable time at "${mapping.time}" (needed for the window)`);
            continue;
          }
          if ((since !== undefined && t < since) || (until !== undefined && t > until)) {
            outsideWindow++;
            continue;
          }
        }
        const output = mapping.output ? outputText(getPath(record, mapping.output)) : undefined;
        const feedback = mapping.feedback ? feedbackOf(getPath(record, mapping.feedback)) : undefined;
        const model = mapping.model ? getPath(record, mapping.model) : undefined;
        let stratum = options.stratify
          ? String(getPath(record, mapping[options.stratify] ?? options.stratify) ?? '(none)')
          : '(all)';
        if (!strata.has(stratum) && strata.size >= maxStrata) stratum = '(other)';
        let set = strata.get(stratum);
        if (!set) strata.set(stratum, (set = new BottomK<SampledLog>(options.size)));
        linesPerStratum.set(stratum, (linesPerStratum.get(stratum) ?? 0) + 1);
        const requestOptions = loggedOptions;
        // A snapshot's records were redacted when pulled: they keep the key of what was logged.
        const inputKey = keptKey ?? logInputKey(input, requestOptions);
        set.offer({
          priority: priorityOf(options.seed, inputKey),
          key: inputKey,
          item: {
            file,
            line,
            input,
            ...(requestOptions ? { options: requestOptions } : {}),
            stratum,
            inputKey,
            ...(output !== undefined ? { output } : {}),
            ...(timeValue !== undefined ? { time: String(timeValue) } : {}),
            ...(typeof model === 'string' ? { model } : {}),
            ...(feedback ? { feedback } : {}),
          },
        });
      }
  }
  const maxBad = options.maxBadFraction ?? 0.05;
  if (lines > 0 && bad / lines > maxBad) {
    const examples = firstBad.map((b) => `  ${b.file}:${b.line}: ${b.reason}`).join('\n');
    throw new DatasetError(
      `${bad} of ${lines} log lines are unusable (more than ${(maxBad * 100).toFixed(0)}%); first ones:\n${examples}\nCheck the field mapping (drift.fields) or the export format.`,
    );
  }
  // Proportional to traffic (exact line counts in the window), capped by the distinct inputs kept.
  const available = new Map([...strata].map(([s, set]) => [s, set.sorted().length]));
  const plan = allocate(linesPerStratum, available, options.size, options.minPerStratum ?? (options.stratify ? 5 : 0));
  const items: SampledLog[] = [];
  const summary: { stratum: string; lines: number; distinct: number; sampled: number }[] = [];
  for (const [s, set] of [...strata].sort(([a], [b]) => a.localeCompare(b))) {
    const take = plan.get(s) ?? 0;
    items.push(
      ...set
        .sorted()
        .slice(0, take)
        .map((e) => e.item),
    );
    summary.push({
      stratum: s,
      lines: linesPerStratum.get(s) ?? 0,
      distinct: Math.round(set.distinctEstimate()),
      sampled: take,
    });
  }
  return { items, seed: options.seed, lines, badLines: bad, firstBad, outsideWindow, strata: summary };
}
