/**
 * Loads a golden dataset into cases, by file extension: .jsonl, .json, .csv.
 * Duplicate ids are an error naming both lines: two cases with one id would be compared as one.
 */
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { DatasetError, locate } from '../errors.js';
import { toCase, type Case } from './case.js';
import { readCsv, readJsonArray, readJsonl, type RawRecord } from './readers.js';

const READERS: Record<string, (file: string, displayName: string) => AsyncGenerator<RawRecord>> = {
  '.jsonl': readJsonl,
  '.ndjson': readJsonl,
  '.json': readJsonArray,
  '.csv': readCsv,
};

/**
 * @param file absolute or cwd-relative path
 * @param displayName how the file is named in messages (the path as written in driftgate.yaml)
 */
export async function loadDataset(file: string, displayName?: string): Promise<Case[]>;
/**
 * `keep`: what to hold of each case, made as it is read (given the case and the record it came
 * from), so the cases are never all held whole.
 */
export async function loadDataset<T>(
  file: string,
  displayName: string,
  keep: (c: Case, record: unknown) => T,
): Promise<T[]>;
export async function loadDataset<T>(
  file: string,
  displayName = file,
  keep?: (c: Case, record: unknown) => T,
): Promise<(T | Case)[]> {
  const ext = path.extname(file).toLowerCase();
  const reader = READERS[ext];
  if (!reader)
    throw new DatasetError(`${displayName}: unsupported dataset format "${ext}" (expected .jsonl, .json or .csv)`);
  try {
    const s = await stat(file);
    if (!s.isFile()) throw new DatasetError(`${displayName}: not a file`);
  } catch (err) {
    if (err instanceof DatasetError) throw err;
    throw new DatasetError(`${displayName}: no such file`);
  }
  const cases: (T | Case)[] = [];
  const lineOfId = new Map<string, number>();
  for await (const { line, record } of reader(file, displayName)) {
    const c = toCase(record, displayName, line);
    const first = lineOfId.get(c.id);
    if (first !== undefined) {
      const hint = c.id.startsWith('h-')
        ? ' (two cases with the same input: give them distinct "id" fields, or remove one)'
        : '';
      throw new DatasetError(
        locate(displayName, line, 'id', `duplicate id "${c.id}", first used on line ${first}${hint}`),
      );
    }
    lineOfId.set(c.id, line);
    cases.push(keep ? keep(c, record) : c);
  }
  if (cases.length === 0) throw new DatasetError(`${displayName}: no cases`);
  return cases;
}
