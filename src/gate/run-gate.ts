/**
 * The gate as the commands use it: read the baselines of a run's suites, compare, and say whether
 * the gate passed. Suites without a baseline are reported as such and never fail the gate.
 */
import path from 'node:path';
import type { LoadedConfig } from '../config/load.js';
import { baselinePath, readBaseline, type Baseline } from '../baselines/baseline-file.js';
import type { CallRecord } from '../runner/call-record.js';
import { compareRun, type GateReport, type GateSettings, type SuiteComparisonInput } from './compare.js';

export interface GateOutcome {
  readonly report: GateReport;
  /** Suites of the run that have no baseline yet. */
  readonly withoutBaseline: readonly string[];
  /** The baselines compared with, by suite (for the reports' distributions and side-by-side outputs). */
  readonly baselines: ReadonlyMap<string, Baseline>;
}

export function gateSettingsFor(loaded: LoadedConfig, suite: string): GateSettings {
  const suiteConfig = loaded.config.suites.find((s) => s.name === suite);
  const gate = suiteConfig?.gate;
  return {
    alpha: gate?.alpha ?? 0.05,
    minEffect: gate?.min_effect ?? 0.03,
    minRelativeEffect: gate?.min_relative_effect ?? 0.1,
    ...(gate?.metrics ? { metrics: gate.metrics } : {}),
    correction: gate?.correction ?? 'holm',
    ...(suiteConfig?.forecast ? { monthlyCalls: suiteConfig.forecast.monthly_calls } : {}),
  };
}

/** Undefined when none of the suites has a baseline (nothing to compare). */
/**
 * `baselinesDir` (default `<project>/baselines`) lets the Action compare with the baselines of a
 * pull request's base branch rather than the ones the pull request may have edited.
 */
export async function runGate(
  loaded: LoadedConfig,
  suites: readonly string[],
  records: readonly CallRecord[],
  baselinesDir?: string,
  runIncomplete?: string,
): Promise<GateOutcome | undefined> {
  const inputs: SuiteComparisonInput[] = [];
  const withoutBaseline: string[] = [];
  const baselines = new Map<string, Baseline>();
  for (const suite of suites) {
    const baseline = await readBaseline(baselinesDir ? path.join(baselinesDir, `${suite}.json`) : baselinePath(loaded.rootDir, suite));
    if (!baseline) {
      withoutBaseline.push(suite);
      continue;
    }
    baselines.set(suite, baseline);
    inputs.push({ suite, baseline, records: records.filter((r) => r.suite === suite), gate: gateSettingsFor(loaded, suite) });
  }
  if (inputs.length === 0) return undefined;
  return { report: compareRun(inputs, runIncomplete), withoutBaseline, baselines };
}
