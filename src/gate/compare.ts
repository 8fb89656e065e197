/**
 * Compares a run with the stored baselines, suite by suite and target by target (a pure function
 * of plain values). Cases pair by stable id; new, removed and edited cases (input hash changed) are
 * listed and left out. Holm's adjustment (or BH, when every suite asks for it) runs across every
 * gated metric of every suite in the run; the gate fails when any gated metric is `regressed`.
 */
import { answered, type CallRecord } from '../records/call-record.js';
import { benjaminiHochberg, holm } from '../stats/multiplicity.js';
import { groupBy } from '../util/group-by.js';
import { casesNeeded, minimumDetectableEffect } from '../stats/power.js';
import { seedFrom } from '../stats/rng.js';
import { findFlips, type Flip } from './flips.js';
import { pairValues, scoringErrors, type MetricSpec } from './metric-values.js';
import { testMetric, type MetricTest } from './test-metric.js';
import { decideVerdict, type Verdict } from './verdict.js';

export {
  GATE_REPORT_SCHEMA_VERSION,
  type CaseStatus,
  type GateReport,
  type GateSettings,
  type MetricComparison,
  type SuiteComparison,
  type SuiteComparisonInput,
} from './comparison.js';
import {
  GATE_REPORT_SCHEMA_VERSION,
  type CaseStatus,
  type ComparedMetric,
  isCompared,
  type GateReport,
  type MetricComparison,
  type UncomparedMetric,
  type SuiteComparison,
  type SuiteComparisonInput,
} from './comparison.js';

/** Before the verdicts: a compared metric carries its test, not yet its adjusted p and verdict. */
export type PendingMetric =
  | (Omit<ComparedMetric, 'pAdjusted' | 'verdict'> & { readonly test: MetricTest })
  | (UncomparedMetric & { readonly test?: undefined });

export type PendingCompared = Extract<PendingMetric, { readonly status: 'compared' }>;

export const isPendingCompared = (m: PendingMetric): m is PendingCompared => m.status === 'compared';

/** An uncompared metric's row as reported: its pending form without the (absent) test. */
export function uncomparedRow(m: Exclude<PendingMetric, PendingCompared>): UncomparedMetric {
  const { test: _test, ...row } = m;
  return row;
}

/**
 * How a compared metric gets its verdict: `compareRun`'s fixed design (Holm at α over the run's
 * family), or the group-sequential one of `gate.adaptive` (sequential-gate.ts).
 */
export type DecideMetrics = (pending: readonly Pending[]) => (p: Pending, m: PendingMetric) => MetricComparison;

const group = <T extends { caseId: string }>(items: readonly T[]): Map<string, T[]> =>
  groupBy(items, (item) => item.caseId);

function specsFor(records: readonly CallRecord[]): MetricSpec[] {
  const scorers = new Map<string, 'binary' | 'continuous'>();
  for (const r of records) for (const s of r.scores) if (!scorers.has(s.name)) scorers.set(s.name, s.kind);
  const hasThresholds = records.some((r) => r.scores.some((s) => s.pass !== undefined));
  return [
    ...(hasThresholds ? [{ name: 'pass_rate', shape: 'rate' as const, higherIsBetter: true }] : []),
    ...[...scorers].map(([name, kind]) => ({
      name,
      shape: kind === 'binary' ? ('rate' as const) : ('mean' as const),
      higherIsBetter: true,
    })),
    { name: 'cost', shape: 'relative-mean', higherIsBetter: false },
    { name: 'latency', shape: 'relative-mean', higherIsBetter: false },
    { name: 'latency_p95', shape: 'relative-p95', higherIsBetter: false },
  ];
}

export interface Pending {
  readonly input: SuiteComparisonInput;
  readonly target: string;
  readonly cases: CaseStatus;
  /** The compared case ids, sorted (adaptive rounds choose among them). */
  readonly comparedIds: readonly string[];
  readonly metrics: PendingMetric[];
  readonly flips: readonly Flip[];
  readonly quarantined: readonly string[];
}

/** `normalTests`: z-tests only (the sequential design's looks), see testMetric. */
function compareTarget(input: SuiteComparisonInput, target: string, normalTests: boolean): Pending {
  const { baseline, gate } = input;
  const baseCases = group(baseline.cases.filter((c) => c.target === target));
  const runRecords = answered(input.records, (r) => r.target === target);
  const runCases = group(runRecords);
  const compared: string[] = [];
  const changed: string[] = [];
  const quarantine = new Set(gate.quarantine ?? []);
  const quarantined = [...runCases.keys()].filter((id) => quarantine.has(id)).sort();
  for (const [id, recs] of runCases) {
    const base = baseCases.get(id);
    if (!base || quarantine.has(id)) continue;
    if (base.some((b) => b.inputHash !== recs[0]?.inputHash)) changed.push(id);
    else compared.push(id);
  }
  // Case order feeds the resampling tests: sorted, the verdict does not depend on the order calls
  // finished in (a merged sharded run and an unsharded one give the same numbers).
  compared.sort();
  const cases: CaseStatus = {
    compared: compared.length,
    new: [...runCases.keys()].filter((id) => !baseCases.has(id)).sort(),
    removed: [...baseCases.keys()].filter((id) => !runCases.has(id)).sort(),
    changed: changed.sort(),
  };
  const runScorerIds = new Map(runRecords.flatMap((r) => r.scores.map((s) => [s.name, s.scorerId] as const)));
  const baseScorerIds = new Map(baseline.scorers.map((s) => [s.name, s.scorerId] as const));
  const changedScorers = [...runScorerIds]
    .filter(([name, id]) => baseScorerIds.has(name) && baseScorerIds.get(name) !== id)
    .map(([name]) => name);
  // pass_rate counts only the scorers both sides ran alike: one added since the baseline is
  // reported as new without changing what "passes" means for the others.
  const sharedScorers = new Map([...runScorerIds].filter(([name, id]) => baseScorerIds.get(name) === id));
  const passScorers = new Set(sharedScorers.keys());
  const gatedNames = gate.metrics ?? ['pass_rate', ...runScorerIds.keys()];
  const metrics = specsFor(runRecords).map((spec) => {
    const base = {
      metric: spec.name,
      shape: spec.shape,
      higherIsBetter: spec.higherIsBetter,
      gated: gatedNames.includes(spec.name) && !gate.ungated?.has(spec.name),
      ...(gatedNames.includes(spec.name) && gate.ungated?.has(spec.name)
        ? { notGatedReason: gate.ungated.get(spec.name) as string }
        : {}),
      minEffect: spec.shape.startsWith('relative') ? gate.minRelativeEffect : gate.minEffect,
    };
    const scorerId = runScorerIds.get(spec.name);
    const isScorer = scorerId !== undefined;
    if (isScorer && !baseScorerIds.has(spec.name)) return { ...base, status: 'new' as const };
    if (
      (isScorer && baseScorerIds.get(spec.name) !== scorerId) ||
      (spec.name === 'pass_rate' && changedScorers.length > 0)
    ) {
      return { ...base, status: 'scorer-changed' as const };
    }
    const rescored = input.rescored?.find((r) => r.metric === spec.name);
    if (rescored) Object.assign(base, { rescored });
    const scorerSpec = isScorer || spec.name === 'pass_rate';
    const errors = scorerSpec ? scoringErrors(spec, compared, runCases, passScorers) : { errors: 0, of: 0 };
    const withErrors = errors.errors > 0 ? { scoringErrors: errors } : {};
    const values = pairValues({
      spec,
      caseIds: compared,
      baseline: baseCases,
      current: runCases,
      scorerId,
      passScorers,
    });
    const test = testMetric(spec, values, gate.alpha, seedFrom(`${input.suite}/${target}/${spec.name}`), normalTests);
    if (!test) {
      const failedNow = errors.errors > 0 && values.current.length === 0;
      return { ...base, ...withErrors, status: failedNow ? ('no-values-now' as const) : ('no-data' as const) };
    }
    const forecast =
      spec.name === 'cost' && gate.monthlyCalls !== undefined && test.baseline !== undefined
        ? { forecast: monthlyForecast(test.baseline, test.delta, test.deltaInterval, gate.monthlyCalls) }
        : {};
    return { ...base, ...test, ...withErrors, ...forecast, status: 'compared' as const, test };
  });
  const flips = findFlips({
    caseIds: compared,
    baseline: baseCases,
    current: runCases,
    scorerIds: sharedScorers,
    comparable: changedScorers.length === 0,
  });
  return { input, target, cases, comparedIds: compared, metrics, flips, quarantined };
}

/** Every suite × target of the run, compared case by case, before any verdict. */
export function comparePending(inputs: readonly SuiteComparisonInput[], normalTests = false): Pending[] {
  const pending: Pending[] = [];
  for (const input of inputs) {
    const targets = [...new Set(input.baseline.cases.map((c) => c.target))].filter((t) =>
      input.records.some((r) => r.target === t),
    );
    for (const target of targets) pending.push(compareTarget(input, target, normalTests));
  }
  return pending;
}

/** The run's family of gated, compared metrics: Holm (or BH when every suite asks for it) at α. */
export function familyCorrection(inputs: readonly SuiteComparisonInput[]): 'holm' | 'bh' {
  return inputs.length > 0 && inputs.every((i) => i.gate.correction === 'bh') ? 'bh' : 'holm';
}

/** The fixed design: one look, the family's adjusted p-values against α. */
const fixedDesign: DecideMetrics = (pending) => {
  const family = pending.flatMap((p) => p.metrics.filter(isPendingCompared).filter((m) => m.gated));
  const correction = familyCorrection(pending.map((p) => p.input));
  const adjusted = (correction === 'bh' ? benjaminiHochberg : holm)(family.map((m) => m.test.pWorse));
  const pAdjustedOf = new Map<PendingMetric, number>(family.map((m, i) => [m, adjusted[i] ?? 1]));
  return (p, original): MetricComparison => {
    if (!isPendingCompared(original)) return uncomparedRow(original);
    const { test, ...m } = original;
    const alpha = p.input.gate.alpha;
    const pAdjusted = m.gated ? (pAdjustedOf.get(original) ?? test.pWorse) : test.pWorse;
    const verdict = decideVerdict({
      effect: test.effect,
      interval: test.effectInterval,
      pAdjusted,
      alpha,
      minEffect: m.minEffect,
    });
    return { ...m, pAdjusted, verdict, ...powerNote(verdict, test, alpha, m.minEffect) };
  };
};

/** For an inconclusive verdict: the minimum detectable effect and roughly how many cases would decide it. */
export function powerNote(
  verdict: Verdict,
  test: MetricTest,
  alpha: number,
  minEffect: number,
): Pick<MetricComparison, 'mde' | 'casesNeeded' | 'underpowered'> {
  if (verdict !== 'inconclusive' || !Number.isFinite(test.se)) return {};
  const mde = minimumDetectableEffect(test.se, alpha);
  return { mde, casesNeeded: casesNeeded(test.n, mde, minEffect), underpowered: mde > minEffect };
}

/** `runIncomplete`: the run's own incomplete reason (unfinished calls, failing scorers), if any. */
export function compareRun(inputs: readonly SuiteComparisonInput[], runIncomplete?: string): GateReport {
  return assembleReport(inputs, comparePending(inputs), fixedDesign, runIncomplete);
}

export function assembleReport(
  inputs: readonly SuiteComparisonInput[],
  pending: readonly Pending[],
  decideMetrics: DecideMetrics,
  runIncomplete?: string,
): GateReport {
  const correction = familyCorrection(inputs);
  const decide = decideMetrics(pending);
  const suites: SuiteComparison[] = pending.map((p) => {
    const metrics = p.metrics.map((m) => decide(p, m));
    const failed = metrics.some((m) => m.gated && m.verdict === 'regressed');
    const incomplete = metrics
      .filter((m) => m.gated && m.status === 'no-values-now')
      .map(
        (m) =>
          `${p.input.suite} · ${p.target}: ${m.metric} has no values now (${m.scoringErrors?.errors ?? 0} of ${m.scoringErrors?.of ?? 0} scorings failed)`,
      );
    return {
      suite: p.input.suite,
      target: p.target,
      baselineRunId: p.input.baseline.runId,
      acceptedAt: p.input.baseline.acceptedAt,
      cases: p.cases,
      metrics,
      flips: p.flips,
      failed,
      ...(p.quarantined.length ? { quarantined: p.quarantined } : {}),
      ...(incomplete.length ? { incomplete } : {}),
    };
  });
  const failed = suites.some((s) => s.failed);
  const incomplete = [
    ...(runIncomplete ? [`run incomplete: ${runIncomplete}`] : []),
    ...suites.flatMap((s) => s.incomplete ?? []),
    ...comparedNothing(inputs, suites),
  ];
  return {
    schemaVersion: GATE_REPORT_SCHEMA_VERSION,
    alpha: inputs[0]?.gate.alpha ?? 0.05,
    correction,
    suites,
    failed,
    ...(incomplete.length ? { incomplete } : {}),
    headline: incomplete.length
      ? `Gate incomplete: ${incomplete.join(' · ')}${failed ? ` · and ${headline(suites)}` : ''}`
      : headline(suites),
  };
}

/**
 * A gate with a baseline that compares nothing must not pass: a renamed target, a run pointed at a
 * target the baseline does not hold, no case in common, or every gated metric "not compared" each
 * make a check that cannot fail. One reason per suite (or suite · target) that compared nothing.
 */
function comparedNothing(inputs: readonly SuiteComparisonInput[], suites: readonly SuiteComparison[]): string[] {
  const reasons: string[] = [];
  for (const input of inputs) {
    const mine = suites.filter((s) => s.suite === input.suite);
    if (mine.length === 0) {
      const held = [...new Set(input.baseline.cases.map((c) => c.target))].sort();
      const ran = [...new Set(input.records.map((r) => r.target))].sort();
      reasons.push(
        `${input.suite}: nothing compared — the baseline holds target${held.length === 1 ? '' : 's'} ${held.join(', ') || '(none)'}, the run answered ${ran.join(', ') || 'nothing'} (a renamed target needs a new baseline: driftgate baseline update)`,
      );
      continue;
    }
    for (const s of mine) {
      if (s.incomplete?.length || s.metrics.some((m) => m.gated && m.status === 'compared')) continue;
      const c = s.cases;
      const why =
        c.compared === 0
          ? `no case in common with the baseline (${c.new.length} new, ${c.removed.length} removed, ${c.changed.length} edited)`
          : `no gated metric could be compared (${
              s.metrics
                .filter((m) => m.gated)
                .map((m) => `${m.metric}: ${m.status}`)
                .join(', ') || 'none is gated'
            })`;
      reasons.push(`${s.suite} · ${s.target}: nothing compared — ${why}`);
    }
  }
  return reasons;
}

/** Dollars a month: baseline cost per answer × relative change × calls, and its interval alike. */
export function monthlyForecast(
  baselinePerCall: number,
  relativeChange: number,
  relativeInterval: readonly [number, number],
  monthlyCalls: number,
): NonNullable<MetricComparison['forecast']> {
  const scale = baselinePerCall * monthlyCalls;
  return {
    monthlyCalls,
    deltaUsd: scale * relativeChange,
    intervalUsd: [scale * relativeInterval[0], scale * relativeInterval[1]],
  };
}

export function formatEffect(m: MetricComparison, value: number): string {
  if (m.shape.startsWith('relative')) return `${value >= 0 ? '+' : '−'}${Math.abs(value * 100).toFixed(0)}%`;
  if (m.shape === 'rate') return `${value >= 0 ? '+' : '−'}${Math.abs(value * 100).toFixed(1)} pts`;
  return `${value >= 0 ? '+' : '−'}${Math.abs(value).toFixed(3)}`;
}

function headline(suites: readonly SuiteComparison[]): string {
  const regressions = suites.flatMap((s) =>
    s.metrics
      .filter(isCompared)
      .filter((m) => m.gated && m.verdict === 'regressed')
      .map((m) => ({ s, m })),
  );
  if (regressions.length > 0) {
    const bySuite = groupBy(
      regressions,
      ({ s }) => s.suite,
      ({ m }) => {
        const [lo, hi] = m.deltaInterval;
        return `${m.metric} ${formatEffect(m, m.delta)} [${formatEffect(m, lo)}, ${formatEffect(m, hi)}]`;
      },
    );
    return [...bySuite]
      .map(
        ([suite, parts]) => `${parts.length} regression${parts.length > 1 ? 's' : ''} in ${suite}: ${parts.join('; ')}`,
      )
      .join(' · ');
  }
  const all = suites.flatMap((s) => s.metrics.filter((m) => m.gated && m.verdict));
  const count = (v: Verdict) => all.filter((m) => m.verdict === v).length;
  return `No regressions: ${count('unchanged')} unchanged, ${count('improved')} improved, ${count('inconclusive')} inconclusive of ${all.length} gated metrics`;
}
