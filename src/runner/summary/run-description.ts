/**
 * What a finished eval run says about its records — per-suite summaries, each scorer's health, and
 * the paired behaviour test between targets — computed from the records alone, so a run made by
 * `driftgate merge` describes itself exactly as one unsharded run would.
 */
import type { LoadedConfig } from '../../config/load.js';
import type { Case } from '../../datasets/case.js';
import { quarantineOf } from '../../config/quarantine.js';
import type { CallRecord } from '../../records/call-record.js';
import type { RecordFacts } from '../../records/record-facts.js';
import type { PreparedSuite } from '../plan/plan.js';
import type { RunMeta } from '../store/run-dir.js';
import { scorerHealth } from '../scoring/scorer-health.js';
import { summariseSuites } from './summary.js';
import { targetBehaviour } from '../../signals/target-behaviour.js';

/**
 * `records`: every record of the run, whole or as facts. `answers`: the whole records of the suites
 * with several targets, whose answers the behaviour test reads (readRunFacts keeps just those).
 */
export interface RunToDescribe {
  readonly records: readonly RecordFacts[];
  readonly suites: readonly string[];
  readonly prepared: readonly PreparedSuite[];
  readonly loaded: LoadedConfig;
  readonly answers: readonly CallRecord[];
}

export function describeRun(
  run: RunToDescribe,
): Required<Pick<RunMeta, 'summaries' | 'scorers'>> & Pick<RunMeta, 'behaviour'> {
  const { records, suites, prepared, loaded, answers } = run;
  const health = scorerHealth(
    records,
    prepared.map((p) => ({ suite: p.config.name, scorers: p.scorers })),
    loaded.config.runner.max_scorer_errors,
  );
  const summaries = summariseSuites(
    records,
    suites,
    new Map(prepared.map((p) => [p.config.name, labelledCases(p)])),
    new Map(prepared.map((p) => [p.config.name, p.scorers])),
  ).map((s) => {
    const config = prepared.find((p) => p.config.name === s.suite)?.config;
    const quarantined = config ? quarantineOf(loaded.rootDir, config) : [];
    return quarantined.length ? { ...s, quarantined } : s;
  });
  const behaviour = targetBehaviour(
    answers,
    prepared.map((p) => ({ name: p.config.name, targets: p.config.targets })),
  );
  return { summaries, scorers: health, ...(behaviour.length > 0 ? { behaviour } : {}) };
}

/** The cases with human labels (what calibration reads), by id — not every case of a large suite. */
function labelledCases(p: PreparedSuite): Map<string, Case> {
  const out = new Map<string, Case>();
  for (const { case: c } of p.cases)
    if (c.labels.humanScore !== undefined || c.labels.humanPass !== undefined) out.set(c.id, c);
  return out;
}
