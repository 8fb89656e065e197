/**
 * The gate as the commands use it: read the baselines of a run's suites, compare, and say whether
 * the gate passed. Suites without a baseline are reported as such and never fail the gate.
 */
import path from 'node:path';
import type { LoadedConfig } from '../config/load.js';
import { baselinePath, readBaseline, type Baseline } from '../baselines/baseline-file.js';
import { readBaselineForGate } from '../baselines/baseline-stream.js';
import type { CallRecord } from '../records/call-record.js';
import { compareRun, type GateReport, type GateSettings, type Pending, type SuiteComparisonInput } from './compare.js';
import { changedScorers, rescoreBaseline, type Rescored } from './rescore.js';
import { quarantineOf } from '../config/quarantine.js';
import { uncalibratedJudges } from './calibration-gate.js';
import { prepareSuites, suiteScorers } from '../runner/plan/plan.js';
import { buildRunServices } from '../runner/calls/services.js';
import { ResponseCache } from '../runner/cache/cache.js';
import type { ScoringServices } from '../scorers/types.js';
import { sequentialComparison, type LookPlan } from './sequential-gate.js';
import { repeatLimits } from '../runner/plan/adaptive-rounds.js';
import type { RunMeta } from '../runner/store/run-dir.js';

export interface GateOutcome {
  readonly report: GateReport;
  /** Suites of the run that have no baseline yet. */
  readonly withoutBaseline: readonly string[];
  /**
   * The baselines compared with, by suite, without their answers (baselines/baseline-stream.ts):
   * for the reports' distributions. `baselineFiles` says where each was read, for the answers.
   */
  readonly baselines: ReadonlyMap<string, Baseline>;
  readonly baselineFiles: ReadonlyMap<string, string>;
  /** gate.adaptive: the last look's comparison, for choosing the next round's cases. */
  readonly lastLook?: readonly Pending[];
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
    ...(suiteConfig?.quarantine ? { quarantine: quarantineOf(loaded.rootDir, suiteConfig) } : {}),
    ...(gate?.adaptive
      ? {
          adaptive: {
            maxRounds: gate.adaptive.max_rounds,
            maxExtraCalls: gate.adaptive.max_extra_calls,
            spending: gate.adaptive.spending,
          },
        }
      : {}),
  };
}

/** Undefined when none of the suites has a baseline (nothing to compare). */
/**
 * `baselinesDir` (default `<project>/baselines`) lets the Action compare with the baselines of a
 * pull request's base branch rather than the ones the pull request may have edited.
 */
export interface RescoreOptions {
  readonly env: NodeJS.ProcessEnv;
  /** Replay verdicts from the cache only. */
  readonly offline?: boolean;
  readonly maxCostUsd?: number;
}

/**
 * `adaptive`: the run's extra rounds so far (run.json `adaptive`). With gate.adaptive in a suite the
 * gate is the group-sequential one (sequential-gate.ts); a run with no rounds recorded is its last
 * look, unless `moreToCome` (the eval loop may still add rounds).
 */
export interface GateLooks {
  readonly adaptive?: RunMeta['adaptive'];
  readonly moreToCome?: boolean;
}

/** What the gate compares: a run's suites and records, against which baselines, with what else known. */
export interface GateRequest {
  readonly loaded: LoadedConfig;
  readonly suites: readonly string[];
  /** The run's records, or how to read them: read only once a suite turns out to have a baseline. */
  readonly records: readonly CallRecord[] | (() => Promise<readonly CallRecord[]>);
  readonly baselinesDir?: string | undefined;
  /** Why the run is incomplete, if it is: every verdict then says so. */
  readonly runIncomplete?: string | undefined;
  /** Re-score a baseline whose scorer changed (gate.rescore: auto); without it, such metrics are not compared. */
  readonly rescore?: RescoreOptions | undefined;
  readonly looks?: GateLooks;
}

export async function runGate(request: GateRequest): Promise<GateOutcome | undefined> {
  const { loaded, suites, records: runRecords, baselinesDir, runIncomplete, rescore, looks = {} } = request;
  const inputs: SuiteComparisonInput[] = [];
  let services: ScoringServices | undefined;
  const withoutBaseline: string[] = [];
  const baselines = new Map<string, Baseline>();
  const baselineFiles = new Map<string, string>();
  let records: readonly CallRecord[] | undefined;
  for (const suite of suites) {
    const file = baselinesDir ? path.join(baselinesDir, `${suite}.json`) : baselinePath(loaded.rootDir, suite);
    const baseline = await readBaselineForGate(file);
    if (!baseline) {
      withoutBaseline.push(suite);
      continue;
    }
    const config = loaded.config.suites.find((s) => s.name === suite);
    let compared = baseline;
    let rescored: Rescored[] = [];
    if (rescore && config && (config.gate?.rescore ?? 'auto') === 'auto') {
      const changed = changedScorers(
        baseline,
        await suiteScorers(loaded, config, loaded.config.suites.indexOf(config)),
      );
      // The cases (the whole dataset) only when a baseline is to be scored again.
      const [prepared] = changed.length > 0 ? await prepareSuites(loaded, [config]) : [];
      if (prepared) {
        services ??= buildRunServices(
          loaded.config,
          new ResponseCache(path.join(loaded.rootDir, '.driftgate', 'cache')),
          {
            offline: rescore.offline ?? false,
            useCache: true,
            env: rescore.env,
            ...(rescore.maxCostUsd !== undefined ? { maxCostUsd: rescore.maxCostUsd } : {}),
          },
        ).services;
        // Re-scoring reads the stored answers: the whole baseline, this once.
        ({ baseline: compared, rescored } = await rescoreBaseline(
          (await readBaseline(file)) ?? baseline,
          prepared,
          changed,
          services,
        ));
      }
    }
    records ??= typeof runRecords === 'function' ? await runRecords() : runRecords;
    const suiteRecords = records.filter((r) => r.suite === suite);
    let gate = gateSettingsFor(loaded, suite);
    const required = config?.gate?.require_calibration;
    if (config && required) {
      const [prepared] = await prepareSuites(loaded, [config]);
      if (prepared) gate = { ...gate, ungated: uncalibratedJudges(loaded.rootDir, prepared, suiteRecords, required) };
    }
    baselines.set(suite, compared);
    baselineFiles.set(suite, file);
    inputs.push({
      suite,
      baseline: compared,
      records: suiteRecords,
      gate,
      repeats: config?.repeats ?? 1,
      ...(rescored.length ? { rescored } : {}),
    });
  }
  if (inputs.length === 0) return undefined;
  if (!inputs.some((i) => i.gate.adaptive))
    return { report: compareRun(inputs, runIncomplete), withoutBaseline, baselines, baselineFiles };
  const rounds = looks.adaptive?.rounds ?? [];
  const plan: LookPlan = {
    rounds: rounds.length,
    final: looks.moreToCome ? false : (looks.adaptive?.final ?? true),
    repeatLimits: repeatLimits(
      loaded.config.suites.filter((s) => suites.includes(s.name)),
      rounds,
    ),
    extraCalls: looks.adaptive?.extraCalls ?? 0,
  };
  const { report, lastLook } = sequentialComparison(inputs, plan, runIncomplete);
  return { report, withoutBaseline, baselines, baselineFiles, lastLook };
}
