/**
 * The one model every reporter reads: a run directory's metadata, journal, and the gate or drift
 * results written beside them. Reporters are pure functions of this model.
 */
import path from 'node:path';
import type { CallRecord } from '../records/call-record.js';
import type { RunMeta } from '../runner/store/run-dir.js';
import { loadRun } from '../gate/load-run.js';
import { GATE_FILE, type GateResultFile } from '../gate/gate-file.js';
import { DRIFT_FILE, type DriftResultFile } from '../drift/drift-file.js';
import { readResultFile } from '../runner/store/results-file.js';

export interface ReportModel {
  readonly meta: RunMeta;
  readonly records: readonly CallRecord[];
  readonly gate?: GateResultFile;
  readonly drift?: DriftResultFile;
}

export async function loadReportModel(runDir: string): Promise<ReportModel> {
  const run = await loadRun(runDir);
  const gate = await readResultFile<GateResultFile>(path.join(runDir, GATE_FILE));
  const drift = await readResultFile<DriftResultFile>(path.join(runDir, DRIFT_FILE));
  return { meta: run.meta, records: run.records, ...(gate ? { gate } : {}), ...(drift ? { drift } : {}) };
}

/** A drift run's two targets, pinned first (the order of `drift.targets`, kept in run.json). */
export function driftTargets(model: ReportModel): { pinned: string; current: string } {
  const [pinned = 'pinned', current = 'current'] = Object.keys(model.meta.models);
  return { pinned, current };
}
