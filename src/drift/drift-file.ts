/** `drift.json` in the run directory: the drift decision, signals, sample and most divergent pairs. */
import path from 'node:path';
import type { DriftResult } from './drift-result.js';
import { writeJsonAtomic } from '../util/atomic-write.js';
import { RESULTS_SCHEMA_VERSION } from '../runner/store/results-file.js';

export const DRIFT_FILE = 'drift.json';

export type DriftResultFile = { readonly schemaVersion: typeof RESULTS_SCHEMA_VERSION } & Omit<
  DriftResult,
  'exitCode' | 'historyFile' | 'runDir'
> & {
    readonly exitCode: number;
    /** Relative to the run directory's project, never an absolute path of the machine that ran it. */
    readonly historyFile: string;
  };

export async function writeDriftResult(runDir: string, result: DriftResult, projectDir: string): Promise<void> {
  const { runDir: _dir, historyFile, ...rest } = result;
  await writeJsonAtomic(path.join(runDir, DRIFT_FILE), {
    schemaVersion: RESULTS_SCHEMA_VERSION,
    ...rest,
    historyFile: path.relative(projectDir, historyFile),
  });
}
