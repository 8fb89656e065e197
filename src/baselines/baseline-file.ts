/**
 * `baselines/<suite>.json`: an accepted run's per-case results for one suite, committed to the
 * repository like a snapshot. Diff-friendly: header fields pretty-printed, then one case per line,
 * sorted by case, target and repeat, with keys in a stable order — a baseline update shows in a
 * pull request as the lines of the cases that changed.
 */
import type { RecordedToolCall } from '../conversation/types.js';
import { readTextIfExists } from '../util/read-text.js';
import path from 'node:path';
import { RunStateError } from '../errors.js';
import { canonicalJson } from '../util/hash.js';
import { writeFileAtomic } from '../util/atomic-write.js';
import { describeDepth, tooDeep } from '../util/depth.js';
import type { TargetSummary } from '../runner/summary/summary.js';

export const BASELINE_SCHEMA_VERSION = 1;

export interface BaselineScore {
  readonly name: string;
  readonly kind: 'binary' | 'continuous';
  readonly scorerId: string;
  readonly value: number | null;
  readonly pass?: boolean;
  readonly error?: string;
}

export interface BaselineCase {
  readonly caseId: string;
  readonly target: string;
  readonly repeat: number;
  readonly inputHash: string;
  readonly output: string;
  /** The tool calls the answer made (absent when none), so a re-scored tool scorer sees them. */
  readonly toolCalls?: readonly RecordedToolCall[];
  readonly costUsd: number | null;
  readonly latencyMs: number | null;
  readonly outputTokens: number | null;
  readonly scores: readonly BaselineScore[];
}

export interface Baseline {
  readonly schemaVersion: typeof BASELINE_SCHEMA_VERSION;
  readonly suite: string;
  readonly runId: string;
  readonly configHash: string;
  readonly gitSha: string | null;
  readonly acceptedAt: string;
  readonly scorers: readonly {
    readonly name: string;
    readonly kind: 'binary' | 'continuous';
    readonly scorerId: string;
  }[];
  readonly summary: readonly TargetSummary[];
  readonly cases: readonly BaselineCase[];
}

export function baselinePath(rootDir: string, suite: string): string {
  return path.join(rootDir, 'baselines', `${suite}.json`);
}

export function serialiseBaseline(baseline: Baseline): string {
  const { cases, summary, scorers, ...header } = baseline;
  const sorted = [...cases].sort(
    (a, b) => a.caseId.localeCompare(b.caseId) || a.target.localeCompare(b.target) || a.repeat - b.repeat,
  );
  const headerLines = Object.entries(header).map(([k, v]) => `  ${JSON.stringify(k)}: ${JSON.stringify(v)},`);
  return [
    '{',
    ...headerLines,
    `  "scorers": ${JSON.stringify(scorers)},`,
    `  "summary": ${canonicalJson(summary)},`,
    '  "cases": [',
    sorted.map((c) => `    ${canonicalJson(c)}`).join(',\n'),
    '  ]',
    '}',
    '',
  ].join('\n');
}

export async function writeBaseline(file: string, baseline: Baseline): Promise<void> {
  await writeFileAtomic(file, serialiseBaseline(baseline));
}

/** Undefined when there is none; a RunStateError (exit 2) when it is unreadable or too new. */
export async function readBaseline(file: string): Promise<Baseline | undefined> {
  let text: string | undefined;
  try {
    text = await readTextIfExists(file);
  } catch (err) {
    throw new RunStateError(`${file}: cannot be read (${(err as NodeJS.ErrnoException).code ?? String(err)})`);
  }
  if (text === undefined) return undefined;
  let parsed: Baseline;
  try {
    parsed = JSON.parse(text) as Baseline;
  } catch (err) {
    throw new RunStateError(
      `${file}: not valid JSON (${(err as Error).message}); restore it from version control or re-create it with driftgate baseline update`,
    );
  }
  const deep = tooDeep(parsed);
  if (deep) {
    // One case per line after the header: a case's line is its index past the header's lines.
    const line = deep[0] === 'cases' && typeof deep[1] === 'number' ? caseLine(text, deep[1]) : undefined;
    throw new RunStateError(`${file}${line ? `:${line}` : ''}: ${describeDepth(deep)}`);
  }
  return checkBaseline(file, parsed);
}

/** The checks every reader of a baseline makes once it is parsed (whole or a case at a time). */
export function checkBaseline(file: string, parsed: Baseline): Baseline {
  if (typeof parsed.schemaVersion !== 'number')
    throw new RunStateError(`${file}: not a driftgate baseline (no schemaVersion)`);
  if (parsed.schemaVersion > BASELINE_SCHEMA_VERSION) {
    throw new RunStateError(
      `${file}: schemaVersion ${parsed.schemaVersion} was written by a newer driftgate (this one reads ${BASELINE_SCHEMA_VERSION}); upgrade driftgate — the file was not changed`,
    );
  }
  if (!Array.isArray(parsed.cases) || typeof parsed.suite !== 'string')
    throw new RunStateError(`${file}: missing "suite" or "cases"`);
  return parsed;
}

/** The 1-based line of case `index` in a baseline as driftgate writes it (after the `"cases": [` line). */
function caseLine(text: string, index: number): number | undefined {
  const lines = text.split('\n');
  const start = lines.findIndex((l) => /"cases"\s*:\s*\[\s*$/.test(l));
  return start === -1 ? undefined : start + 2 + index;
}
