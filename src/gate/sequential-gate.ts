/**
 * The gate of `gate.adaptive`: a group-sequential design over looks 1 … L, where look 1 is the run
 * as planned and look ℓ + 1 adds the ℓ-th extra round of repeats (records with repeat index
 * < repeats + ℓ). Every look compares with the baseline by a z-test on the per-case differences
 * (test-metric.ts, `normal`); the look statistics then share the canonical joint distribution
 * (corr = √(I_j / I_k)), because every round only adds current-side repeats to a case set chosen
 * from the baseline alone (adaptive-selection.ts) — so each look's mean difference is unbiased.
 *
 * Alpha is spent with a Lan–DeMets function (Pocock type by default, O'Brien–Fleming type on
 * request) over the fraction of planned looks, α(ℓ / L_max); the last look spends what is left (the number of looks stops short of L_max only
 * for a reason that does not read the effect: the budget). A metric is decided at the first look
 * where its verdict is not "inconclusive" at that look's nominal level α*_ℓ, and keeps it.
 * Several gated metrics: Holm over p · α / α*_ℓ at each look (each metric's p measured against its
 * own boundary; for one metric exactly "p < α*_ℓ").
 */
import normalQuantile from '@stdlib/stats-base-dists-normal-quantile';
import { holm } from '../stats/multiplicity.js';
import {
  nominalLevels,
  obrienFlemingSpending,
  pocockSpending,
  sequentialBoundaries,
  type SpendingFunction,
} from '../stats/group-sequential.js';
import {
  assembleReport,
  comparePending,
  powerNote,
  type GateReport,
  type MetricComparison,
  type Pending,
  isPendingCompared,
  uncomparedRow,
  type SuiteComparisonInput,
} from './compare.js';
import { decideVerdict } from './verdict.js';
import type { SelectionInput } from './adaptive-selection.js';
import { groupBy } from '../util/group-by.js';

export interface LookPlan {
  /** Extra rounds made so far (looks = rounds + 1). */
  readonly rounds: number;
  /** No further round will come (the budget or max_rounds is reached): the last look spends the rest of α. */
  readonly final: boolean;
  /**
   * Per suite, the repeat index each look reads up to (exclusive), looks 1 … rounds + 1. A round may
   * add several repeats per case; default: one per round (repeats + ℓ).
   */
  readonly repeatLimits?: Readonly<Record<string, readonly number[]>>;
  /** Answer calls the rounds made (for the report). */
  readonly extraCalls?: number;
}

/**
 * One-sided nominal levels of looks 1 … ses.length for one metric, from its standard error at each
 * look (information = 1 / se²), `maxLooks` planned, the last one given spending all of α when `final`.
 */
export function lookLevels(
  alpha: number,
  maxLooks: number,
  ses: readonly number[],
  final: boolean,
  spending: SpendingFunction = pocockSpending,
): number[] {
  const spent = ses.map((_, i) => (final && i === ses.length - 1 ? alpha : spending(alpha, (i + 1) / maxLooks)));
  const information = ses.map((se) => (se > 0 && Number.isFinite(se) ? 1 / (se * se) : 1e12));
  return nominalLevels(sequentialBoundaries(spent, information));
}

const keyOf = (p: Pending, m: { metric: string }) => `${p.input.suite}\u0000${p.target}\u0000${m.metric}`;

function atLook(inputs: readonly SuiteComparisonInput[], plan: LookPlan, look: number): SuiteComparisonInput[] {
  return inputs.map((input) => {
    const limit = plan.repeatLimits?.[input.suite]?.[look] ?? (input.repeats ?? 1) + look;
    return { ...input, records: input.records.filter((r) => r.repeat < limit) };
  });
}

export function compareRunSequential(
  inputs: readonly SuiteComparisonInput[],
  plan: LookPlan,
  runIncomplete?: string,
): GateReport {
  return sequentialComparison(inputs, plan, runIncomplete).report;
}

/** The report, and the last look's comparison (what choosing the next round's cases reads). */
export interface SequentialComparison {
  readonly report: GateReport;
  readonly lastLook: readonly Pending[];
}

export function sequentialComparison(
  inputs: readonly SuiteComparisonInput[],
  plan: LookPlan,
  runIncomplete?: string,
): SequentialComparison {
  const looks = plan.rounds + 1;
  const perLook = Array.from({ length: looks }, (_, look) => comparePending(atLook(inputs, plan, look), true));
  const last = perLook[looks - 1] as Pending[];

  // Each gated metric's standard errors across looks, then its nominal level at every look.
  const ses = new Map<string, { input: SuiteComparisonInput; list: number[] }>();
  for (const pending of perLook) {
    for (const p of pending) {
      for (const m of p.metrics) {
        if (!m.gated || !m.test) continue;
        const entry = ses.get(keyOf(p, m)) ?? { input: p.input, list: [] };
        entry.list.push(m.test.se);
        ses.set(keyOf(p, m), entry);
      }
    }
  }
  const levels = new Map<string, number[]>();
  for (const [key, { input, list }] of ses) {
    const maxLooks = Math.max((input.gate.adaptive?.maxRounds ?? plan.rounds) + 1, list.length);
    const spending = input.gate.adaptive?.spending === 'obrien-fleming' ? obrienFlemingSpending : pocockSpending;
    levels.set(key, lookLevels(input.gate.alpha, maxLooks, list, plan.final, spending));
  }

  const decided = new Map<string, MetricComparison>();
  for (const [look, pending] of perLook.entries()) {
    const family = pending.flatMap((p) =>
      p.metrics
        .filter(isPendingCompared)
        .filter((m) => m.gated)
        .map((m) => ({ p, m })),
    );
    const scaled = family.map(({ p, m }) => {
      const level = levels.get(keyOf(p, m))?.[look] ?? p.input.gate.alpha;
      return Math.min(1, (m.test.pWorse * p.input.gate.alpha) / level);
    });
    const adjusted = holm(scaled);
    for (const [i, { p, m }] of family.entries()) {
      const key = keyOf(p, m);
      if (decided.has(key)) continue;
      const { test } = m;
      const alpha = p.input.gate.alpha;
      const nominalAlpha = levels.get(key)?.[look] ?? alpha;
      const zc = normalQuantile(1 - nominalAlpha, 0, 1);
      const effectInterval: [number, number] = [test.effect - zc * test.se, test.effect + zc * test.se];
      const pAdjusted = adjusted[i] as number;
      const verdict = decideVerdict({
        effect: test.effect,
        interval: effectInterval,
        pAdjusted,
        alpha,
        minEffect: m.minEffect,
      });
      if (verdict === 'inconclusive' && look < looks - 1) continue;
      const sign = m.higherIsBetter ? 1 : -1;
      const deltaInterval: [number, number] = sign > 0 ? effectInterval : [-effectInterval[1], -effectInterval[0]];
      const { test: _test, ...rest } = m;
      decided.set(key, {
        ...rest,
        effectInterval,
        deltaInterval,
        pAdjusted,
        verdict,
        sequential: { look: look + 1, looks, nominalAlpha },
        ...powerNote(verdict, { ...test, effectInterval }, nominalAlpha, m.minEffect),
      });
    }
  }

  const report = assembleReport(
    inputs,
    last,
    () => (p, original) => {
      const chosen = decided.get(keyOf(p, original));
      if (chosen) return chosen;
      if (!isPendingCompared(original)) return uncomparedRow(original);
      const { test, ...m } = original;
      // Reported, not gated: its own verdict at α on the last look.
      const verdict = decideVerdict({
        effect: test.effect,
        interval: test.effectInterval,
        pAdjusted: test.pWorse,
        alpha: p.input.gate.alpha,
        minEffect: m.minEffect,
      });
      return { ...m, pAdjusted: test.pWorse, verdict };
    },
    runIncomplete,
  );
  return {
    report: { ...report, adaptive: { looks, extraCalls: plan.extraCalls ?? 0, final: plan.final } },
    lastLook: last,
  };
}

/**
 * Where another round would help: every suite × target with a gated metric still inconclusive
 * (and no regression already decided in the run: a failed gate stops), with what the selection
 * of its cases needs. Empty when the gate has its verdict.
 */
export function roundCandidates({ report, lastLook: pending }: SequentialComparison): SelectionInput[] {
  if (report.failed || report.incomplete?.length) return [];
  const out: SelectionInput[] = [];
  for (const s of report.suites) {
    const open = s.metrics.filter((m) => m.gated && m.verdict === 'inconclusive');
    const p = pending.find((x) => x.input.suite === s.suite && x.target === s.target);
    if (open.length === 0 || !p || !p.input.gate.adaptive) continue;
    const scorerIds = new Map(p.input.baseline.scorers.map((x) => [x.name, x.scorerId] as const));
    out.push({
      suite: s.suite,
      target: s.target,
      comparedIds: p.comparedIds,
      baseline: groupBy(
        p.input.baseline.cases.filter((c) => c.target === s.target),
        (c) => c.caseId,
      ),
      metrics: open.map((m) => ({
        spec: { name: m.metric, shape: m.shape, higherIsBetter: m.higherIsBetter },
        ...(scorerIds.has(m.metric) ? { scorerId: scorerIds.get(m.metric) as string } : {}),
      })),
    });
  }
  return out;
}
