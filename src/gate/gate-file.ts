/**
 * `gate.json` in the run directory: the comparison with the baselines (eval with baselines,
 * compare), plus the per-case score distributions on both sides for the charts and the baseline's
 * answers for side-by-side case tables, so reports render later from the run directory alone.
 */
import path from 'node:path';
import type { GateReport } from './comparison.js';
import { writeJsonAtomic } from '../util/atomic-write.js';
import type { GateOutcome } from './run-gate.js';
import type { CallRecord } from '../records/call-record.js';
import { scoreDistributions, type ScoreDistribution } from './distributions.js';
import { answersOf } from '../baselines/baseline-stream.js';
import { RESULTS_SCHEMA_VERSION } from '../runner/store/results-file.js';

export const GATE_FILE = 'gate.json';

export interface GateResultFile {
  readonly schemaVersion: typeof RESULTS_SCHEMA_VERSION;
  readonly runId: string;
  readonly report: GateReport;
  readonly withoutBaseline: readonly string[];
  readonly distributions: readonly ScoreDistribution[];
  /** Per suite, `target/caseId` → the baseline's first output, for side-by-side case tables. */
  readonly baselineOutputs: Readonly<Record<string, Readonly<Record<string, string>>>>;
}

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
