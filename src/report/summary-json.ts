/**
 * `summary.json`: the machine-readable outcome of a run — what the Action's outputs and any script
 * read. Small on purpose: the verdict, counts, headline and cost; the full detail is in the run
 * directory's `run.json`, `gate.json` and `drift.json`.
 */
import type { ReportModel } from './report-model.js';
import { driftHeadline } from '../signals/signals.js';
import { isCompared } from '../gate/comparison.js';

export const SUMMARY_SCHEMA_VERSION = 1;

/**
 * `failed` / `passed`: a gate comparison ran; `drift` / `no-drift`: a drift run; `no-baseline`: an
 * eval with nothing to compare; `incomplete`: the run did not finish (its verdict would rest on
 * missing calls).
 */
export type RunVerdict = 'passed' | 'failed' | 'drift' | 'no-drift' | 'no-baseline' | 'incomplete';

export interface RegressionSummary {
  readonly suite: string;
  readonly target: string;
  readonly metric: string;
  readonly delta: number;
  readonly interval: readonly [number, number];
  readonly pAdjusted: number;
}

export interface RunSummaryJson {
  readonly schemaVersion: typeof SUMMARY_SCHEMA_VERSION;
  readonly runId: string;
  readonly command: 'eval' | 'drift';
  readonly status: string;
  readonly verdict: RunVerdict;
  readonly headline: string;
  readonly regressions: readonly RegressionSummary[];
  readonly driftedSignals: readonly string[];
  /** Drift runs: `worse` when a quality signal got worse, `changed` when only behaviour changed, else `unchanged`. */
  readonly driftKind?: 'worse' | 'changed' | 'unchanged';
  /** Dollars of this run's answers and judge verdicts at their original price (cache replays included). */
  readonly costUsd: number | null;
  /** Dollars actually spent by this run (cache replays cost nothing). */
  readonly spentUsd: number | null;
  readonly calls: number;
  readonly errors: number;
  readonly incompleteReason?: string;
}

export function verdictOf(model: ReportModel): RunVerdict {
  if (model.meta.status !== 'complete') return 'incomplete';
  if (model.drift) return (model.drift.decision.failed ?? model.drift.decision.drifted) ? 'drift' : 'no-drift';
  if (model.gate)
    return model.gate.report.incomplete?.length ? 'incomplete' : model.gate.report.failed ? 'failed' : 'passed';
  return 'no-baseline';
}

export function regressionsOf(model: ReportModel): RegressionSummary[] {
  return (model.gate?.report.suites ?? []).flatMap((s) =>
    s.metrics
      .filter(isCompared)
      .filter((m) => m.gated && m.verdict === 'regressed')
      .map((m) => ({
        suite: s.suite,
        target: s.target,
        metric: m.metric,
        delta: m.delta,
        interval: [m.deltaInterval[0], m.deltaInterval[1]],
        pAdjusted: m.pAdjusted,
      })),
  );
}

export function headlineOf(model: ReportModel): string {
  const verdict = verdictOf(model);
  if (verdict === 'incomplete')
    return model.meta.incompleteReason
      ? `Run incomplete: ${model.meta.incompleteReason}`
      : (model.gate?.report.headline ?? 'Run incomplete: not finished');
  if (model.drift) return driftHeadline(model.drift.decision);
  if (model.gate) return model.gate.report.headline;
  return `No baseline to compare with for ${model.meta.suites.join(', ')} (accept a run with: driftgate baseline update)`;
}

export function buildSummaryJson(model: ReportModel): RunSummaryJson {
  const totals = model.meta.totals;
  const scoring = (model.meta.summaries ?? []).flatMap((s) => s.targets.map((t) => t.scoringCostUsd));
  const scoringUsd = scoring.some((v) => v === null) ? null : scoring.reduce<number>((a, b) => a + (b ?? 0), 0);
  const costUsd =
    totals && totals.costUsd !== null && scoringUsd !== null ? totals.costUsd + scoringUsd : (totals?.costUsd ?? null);
  return {
    schemaVersion: SUMMARY_SCHEMA_VERSION,
    runId: model.meta.runId,
    command: model.meta.command,
    status: model.meta.status,
    verdict: verdictOf(model),
    headline: headlineOf(model),
    regressions: regressionsOf(model),
    driftedSignals: (model.drift?.decision.signals ?? []).filter((s) => s.drifted).map((s) => s.name),
    ...(model.drift
      ? {
          driftKind: model.drift.decision.worse
            ? ('worse' as const)
            : model.drift.decision.drifted
              ? ('changed' as const)
              : ('unchanged' as const),
        }
      : {}),
    costUsd,
    spentUsd: totals?.spentUsd ?? null,
    calls: model.records.length,
    errors: model.records.filter((r) => r.status === 'error').length,
    ...(model.meta.incompleteReason || model.gate?.report.incomplete?.length
      ? { incompleteReason: model.meta.incompleteReason ?? (model.gate?.report.incomplete ?? []).join(' · ') }
      : {}),
  };
}
