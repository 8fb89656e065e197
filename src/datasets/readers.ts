/**
 * Readers yield `{ line, record }` for each record of a dataset file, streaming where the format
 * allows it. Syntax problems become DatasetErrors naming the file and line.
 */
import { createReadStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { parse as parseCsv, CsvError } from 'csv-parse';
import { DatasetError, locate } from '../errors.js';
import { parseYamlSource } from '../util/yaml-source.js';
import { DEPTH_PROBLEM, depthField, tooDeep } from '../util/depth.js';

export interface RawRecord {
  readonly line: number;
  readonly record: unknown;
}

/** One JSON object per line; blank lines are skipped. */
export async function* readJsonl(file: string, displayName = file): AsyncGenerator<RawRecord> {
  const lines = createInterface({ input: createReadStream(file, { encoding: 'utf8' }), crlfDelay: Infinity });
  let line = 0;
  for await (const raw of lines) {
    line++;
    const text = line === 1 ? raw.replace(/^\uFEFF/, '') : raw;
    if (text.trim() === '') continue;
    let record: unknown;
    try {
      record = JSON.parse(text);
    } catch (err) {
      throw new DatasetError(locate(displayName, line, undefined, `not valid JSON (${(err as Error).message})`));
    }
    const deep = tooDeep(record);
    if (deep) throw new DatasetError(locate(displayName, line, depthField(deep), DEPTH_PROBLEM));
    yield { line, record };
  }
}

/**
 * A header row names the columns. `tags` is split on `,` `;` or `|`; columns named
 * `metadata.<key>` go to the case's metadata.
 */
export async function* readCsv(file: string, displayName = file): AsyncGenerator<RawRecord> {
  const parser = createReadStream(file).pipe(
    parseCsv({ columns: true, bom: true, info: true, skip_empty_lines: true, trim: false }),
  );
  try {
    for await (const item of parser as AsyncIterable<{ record: Record<string, string>; info: { lines: number } }>) {
      const record: Record<string, unknown> = {};
      const metadata: Record<string, string> = {};
      for (const [key, value] of Object.entries(item.record)) {
        if (key.startsWith('metadata.')) metadata[key.slice('metadata.'.length)] = value;
        else record[key] = value;
      }
      if (Object.keys(metadata).length > 0) record.metadata = metadata;
      yield { line: item.info.lines, record };
    }
  } catch (err) {
    if (err instanceof CsvError) {
      const line = (err as CsvError & { lines?: number }).lines;
      const message = err.message
        .replace(/^Invalid Record Length: /, '')
        .replace(/^columns length is (\d+), got (\d+) on line \d+$/, 'expected $1 fields as in the header row, got $2');
      throw new DatasetError(locate(displayName, line, undefined, message));
    }
    throw err;
  }
}

/** A JSON array of records (or `{ "cases": [...] }`). Read whole: use JSONL for large sets. */
export async function* readJsonArray(file: string, displayName = file): AsyncGenerator<RawRecord> {
  const text = await readFile(file, 'utf8');
  const source = parseYamlSource(displayName, text.replace(/^\uFEFF/, ''));
  if (!('value' in source))
    throw new DatasetError(locate(displayName, source.line, undefined, `not valid JSON (${source.message})`));
  const value = source.value as unknown;
  const wrapped =
    value !== null &&
    typeof value === 'object' &&
    !Array.isArray(value) &&
    Array.isArray((value as { cases?: unknown }).cases);
  const items = wrapped ? (value as { cases: unknown[] }).cases : value;
  if (!Array.isArray(items))
    throw new DatasetError(locate(displayName, 1, undefined, 'expected a JSON array of cases, or {"cases": [...]}'));
  const prefix = wrapped ? ['cases'] : [];
  for (let i = 0; i < items.length; i++) {
    yield { line: source.lineOf([...prefix, i]) ?? 1, record: items[i] };
  }
}
