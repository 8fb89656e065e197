/**
 * The results a run directory holds besides its journal, written by the commands that compute them
 * so that `driftgate report` (and the Action) render from files alone:
 * - `gate.json` — the comparison with the baselines (eval with baselines, compare), plus the per-case
 *   score distributions on both sides for the charts;
 * - `drift.json` — the drift decision, signals, sample and most divergent pairs (drift).
 * Both carry `schemaVersion` and are written atomically.
 */
import { readTextIfExists } from '../util/read-text.js';
import path from 'node:path';
import { RunStateError } from '../errors.js';
import type { DriftResult } from '../drift/drift-result.js';
import type { GateReport } from '../gate/compare.js';
import { writeJsonAtomic } from '../util/atomic-write.js';
import type { GateOutcome } from '../gate/run-gate.js';
import type { CallRecord } from '../records/call-record.js';
import { scoreDistributions, type ScoreDistribution } from './distributions.js';
import { answersOf } from '../baselines/baseline-stream.js';

export const GATE_FILE = 'gate.json';
export const DRIFT_FILE = 'drift.json';
export const RESULTS_SCHEMA_VERSION = 1;

export interface GateResultFile {
  readonly schemaVersion: typeof RESULTS_SCHEMA_VERSION;
  readonly runId: string;
  readonly report: GateReport;
  readonly withoutBaseline: readonly string[];
  readonly distributions: readonly ScoreDistribution[];
  /** Per suite, `target/caseId` → the baseline's first output, for side-by-side case tables. */
  readonly baselineOutputs: Readonly<Record<string, Readonly<Record<string, string>>>>;
}

export type DriftResultFile = { readonly schemaVersion: typeof RESULTS_SCHEMA_VERSION } & Omit<
  DriftResult,
  'exitCode' | 'historyFile' | 'runDir'
> & {
    readonly exitCode: number;
    /** Relative to the run directory's project, never an absolute path of the machine that ran it. */
    readonly historyFile: string;
  };

export async function writeGateResult(runDir: string, value: Omit<GateResultFile, 'schemaVersion'>): Promise<void> {
  await writeJsonAtomic(path.join(runDir, GATE_FILE), { schemaVersion: RESULTS_SCHEMA_VERSION, ...value });
}

/** What `eval` and `compare` keep of a comparison, so reports can be rendered later from the run directory. */
export async function saveGateOutcome(
  runDir: string,
  runId: string,
  outcome: GateOutcome,
  records: readonly CallRecord[],
): Promise<void> {
  const suites = outcome.report.suites.map((s) => s.suite).filter((s, i, all) => all.indexOf(s) === i);
  await writeGateResult(runDir, {
    runId,
    report: outcome.report,
    withoutBaseline: outcome.withoutBaseline,
    distributions: suites.flatMap((s) => scoreDistributions(s, outcome.baselines.get(s), records)),
    // The gate held the baselines without their answers: read from the files, a case at a time.
    baselineOutputs: Object.fromEntries(
      await Promise.all(suites.map(async (s) => [s, await baselineAnswers(outcome, s)] as const)),
    ),
  });
}

async function baselineAnswers(outcome: GateOutcome, suite: string): Promise<Record<string, string>> {
  const file = outcome.baselineFiles.get(suite);
  return file ? Object.fromEntries(await answersOf(file)) : {};
}

export async function writeDriftResult(runDir: string, result: DriftResult, projectDir: string): Promise<void> {
  const { runDir: _dir, historyFile, ...rest } = result;
  await writeJsonAtomic(path.join(runDir, DRIFT_FILE), {
    schemaVersion: RESULTS_SCHEMA_VERSION,
    ...rest,
    historyFile: path.relative(projectDir, historyFile),
  });
}

/** Undefined when the file does not exist; a corrupt or newer file is bad input (exit 2). */
export async function readResultFile<T extends { schemaVersion: number }>(file: string): Promise<T | undefined> {
  const text = await readTextIfExists(file);
  if (text === undefined) return undefined;
  let value: T;
  try {
    value = JSON.parse(text) as T;
  } catch {
    throw new RunStateError(`${file}: not valid JSON`);
  }
  if (value.schemaVersion !== RESULTS_SCHEMA_VERSION) {
    throw new RunStateError(
      `${file}: schemaVersion ${String(value.schemaVersion)} is not supported by this driftgate (expected ${RESULTS_SCHEMA_VERSION}); upgrade driftgate`,
    );
  }
  return value;
}
