/**
 * The shapes of a comparison with the baselines: the gate's settings and inputs, each metric's and
 * each suite's result, and the report the commands write (gate.json). compare.ts computes them.
 */
import type { Baseline } from '../baselines/baseline-file.js';
import type { CallRecord } from '../records/call-record.js';
import type { Flip } from './flips.js';
import type { MetricShape } from './metric-values.js';
import type { MetricTest } from './test-metric.js';
import type { Verdict } from './verdict.js';
import type { Rescored } from './rescore.js';

export const GATE_REPORT_SCHEMA_VERSION = 1;

export interface GateSettings {
  readonly alpha: number;
  readonly minEffect: number;
  readonly minRelativeEffect: number;
  readonly metrics?: readonly string[];
  /** Holm (default) controls the family-wise error rate; BH the false discovery rate. */
  readonly correction?: 'holm' | 'bh';
  /** Production calls a month (`forecast.monthly_calls`): the cost change in dollars a month. */
  readonly monthlyCalls?: number;
  /** Case ids that run and are reported but are left out of every gated comparison. */
  readonly quarantine?: readonly string[];
  /** Metrics that may not gate this run, with why (a judge below gate.require_calibration). */
  readonly ungated?: ReadonlyMap<string, string>;
  /** gate.adaptive: inconclusive metrics get extra rounds of the current side, looked at group-sequentially. */
  readonly adaptive?: {
    readonly maxRounds: number;
    readonly maxExtraCalls: number;
    readonly spending?: 'obrien-fleming' | 'pocock';
  };
}

export interface SuiteComparisonInput {
  readonly suite: string;
  readonly baseline: Baseline;
  /** The run's records of this suite (latest per item). */
  readonly records: readonly CallRecord[];
  readonly gate: GateSettings;
  /** Scorers whose baseline scores were recomputed with today's scorer (rescore.ts). */
  readonly rescored?: readonly Rescored[];
  /** The suite's planned repeats: records with a higher repeat index came from adaptive rounds. */
  readonly repeats?: number;
}

/** What every metric row carries, compared or not. */
interface MetricRow {
  readonly metric: string;
  readonly shape: MetricShape;
  readonly higherIsBetter: boolean;
  readonly gated: boolean;
  /** Why a metric that would gate does not (judge κ below the required calibration). */
  readonly notGatedReason?: string;
  readonly minEffect: number;
  /**
   * Cost only, with `forecast.monthly_calls`: the change in dollars a month, Δ = baseline cost per
   * answer × relative change × calls, its interval carried through from the relative change's.
   */
  readonly forecast?: {
    readonly monthlyCalls: number;
    readonly deltaUsd: number;
    readonly intervalUsd: readonly [number, number];
  };
  /** The baseline's outputs were scored again with today's scorer: how many, and the judge calls it took. */
  readonly rescored?: Rescored;
  /** Compared cases' current observations left out because a scorer failed on them, of all. */
  readonly scoringErrors?: { readonly errors: number; readonly of: number };
  readonly mde?: number;
  readonly casesNeeded?: number;
  readonly underpowered?: boolean;
  /**
   * gate.adaptive: the look (1-based) whose data decided the verdict, of the looks made, and the
   * one-sided nominal level that look's boundary stood at (what α became after spending).
   */
  readonly sequential?: { readonly look: number; readonly looks: number; readonly nominalAlpha: number };
}

/** A metric tested on the shared cases: its test, its adjusted p and its verdict. */
export interface ComparedMetric extends MetricRow, MetricTest {
  readonly status: 'compared';
  readonly pAdjusted: number;
  readonly verdict: Verdict;
}

/**
 * A metric not compared, and why: `scorer-changed` (another scorer id than the baseline's), `new`
 * (a scorer the baseline does not have: passes, with that note), `no-values-now` (the scorer failed
 * on every compared case: never passes, the gate is incomplete), `no-data` (no case has values on
 * both sides for another reason).
 */
export interface UncomparedMetric extends MetricRow, NoTest {
  readonly status: 'scorer-changed' | 'new' | 'no-values-now' | 'no-data';
}

/** An uncompared metric has none of a test's fields, so a reader may ask for them on any row. */
type NoTest = { readonly [K in keyof MetricTest | 'pAdjusted' | 'verdict']?: undefined };

export type MetricComparison = ComparedMetric | UncomparedMetric;

export const isCompared = (m: MetricComparison): m is ComparedMetric => m.status === 'compared';

export interface CaseStatus {
  readonly compared: number;
  readonly new: readonly string[];
  readonly removed: readonly string[];
  readonly changed: readonly string[];
}

export interface SuiteComparison {
  readonly suite: string;
  readonly target: string;
  readonly baselineRunId: string;
  readonly acceptedAt: string;
  readonly cases: CaseStatus;
  readonly metrics: readonly MetricComparison[];
  readonly flips: readonly Flip[];
  readonly failed: boolean;
  /** Quarantined cases of this run: reported, never compared. */
  readonly quarantined?: readonly string[];
  /** Why this comparison cannot pass (gated metrics without values now); empty when it can. */
  readonly incomplete?: readonly string[];
}

export interface GateReport {
  readonly schemaVersion: typeof GATE_REPORT_SCHEMA_VERSION;
  readonly alpha: number;
  readonly correction: 'holm' | 'bh';
  readonly suites: readonly SuiteComparison[];
  /** A gated metric regressed. */
  readonly failed: boolean;
  /**
   * Why the gate cannot decide: gated metrics with no values now, or a run that did not finish.
   * Non-empty means the verdict is `incomplete` (exit 3), never "passed".
   */
  readonly incomplete?: readonly string[];
  readonly headline: string;
  /** gate.adaptive: looks made (1 + extra rounds), the extra answer calls, and whether the last look was final. */
  readonly adaptive?: { readonly looks: number; readonly extraCalls: number; readonly final: boolean };
}
