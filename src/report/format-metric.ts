/** How a compared metric reads in every report: values, the change with its interval, p, verdict. */
import type { Signal } from '../signals/signals.js';
import { formatEffect, type GateReport, type MetricComparison } from '../gate/compare.js';
import { describeHealth, type ScorerHealth } from '../runner/scoring/scorer-health.js';

/** One line per scorer that failed on any output ("judge: 30 of 30 verdicts failed — …"), suite-prefixed when a run has several. */
export function scorerHealthLines(health: readonly ScorerHealth[] | undefined): string[] {
  const failing = (health ?? []).filter((h) => h.errors > 0);
  const suites = new Set((health ?? []).map((h) => h.suite));
  return failing.map(
    (h) =>
      `${suites.size > 1 ? `${h.suite} · ` : ''}${describeHealth(h)}${h.errors > h.allowed ? ` (allowed: ${h.allowed})` : ''}`,
  );
}

/** Failed scorings across the run. */
export const scorerErrorCount = (health: readonly ScorerHealth[] | undefined): number =>
  (health ?? []).reduce((a, h) => a + h.errors, 0);

export function formatValue(m: MetricComparison, v: number | undefined): string {
  if (v === undefined || !Number.isFinite(v)) return '–';
  if (m.metric === 'cost') return `$${v.toPrecision(3)}`;
  if (m.metric.startsWith('latency')) return `${Math.round(v).toLocaleString('en-US')} ms`;
  return m.shape === 'rate' ? `${(v * 100).toFixed(1)}%` : v.toFixed(3);
}

export function formatDelta(m: MetricComparison): string {
  if (m.delta === undefined || !Number.isFinite(m.delta)) return '–';
  const [lo, hi] = m.deltaInterval ?? [Number.NaN, Number.NaN];
  return `${formatEffect(m, m.delta)} [${formatEffect(m, lo)}, ${formatEffect(m, hi)}]`;
}

const money = (v: number): string => {
  const abs = Math.abs(v);
  const digits = abs >= 100 ? 0 : abs >= 1 ? 2 : 4;
  return `${v < 0 ? '−' : '+'}$${abs.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits })}`;
};

/** "cost per answer +38% [+31%, +45%] → +$1,240 / month at 200,000 calls [+$1,016, +$1,468]", or undefined. */
export function formatForecast(m: MetricComparison): string | undefined {
  const f = m.forecast;
  if (!f || m.delta === undefined) return undefined;
  return `cost per answer ${formatDelta(m)} → ${money(f.deltaUsd)} / month at ${f.monthlyCalls.toLocaleString('en-US')} calls [${money(f.intervalUsd[0])}, ${money(f.intervalUsd[1])}]`;
}

/** "2 quarantined cases, run and reported but not gated: q3, q9" */
/** "adaptive re-runs: 2 extra rounds, 1,240 answer calls; verdicts from a group-sequential test (…)". */
export function describeAdaptive(report: Pick<GateReport, 'adaptive' | 'alpha'>): string | undefined {
  const a = report.adaptive;
  if (!a) return undefined;
  const rounds = a.looks - 1;
  return `adaptive re-runs: ${rounds === 0 ? 'none needed' : `${rounds} extra round${rounds === 1 ? '' : 's'}, ${a.extraCalls.toLocaleString('en-US')} answer calls`}; verdicts from a group-sequential z-test over ${a.looks} look${a.looks === 1 ? '' : 's'} (Lan–DeMets alpha spending, overall α ${report.alpha})`;
}

export function describeQuarantine(ids: readonly string[]): string {
  return `${ids.length} quarantined case${ids.length === 1 ? '' : 's'}, run and reported but not gated: ${ids.join(', ')}`;
}

export function formatP(p: number | undefined | null): string {
  if (p === undefined || p === null) return '–';
  return p < 0.001 ? '<0.001' : p.toFixed(3);
}

export const VERDICT_WORDS: Record<string, string> = {
  regressed: 'regressed',
  improved: 'improved',
  unchanged: 'unchanged',
  inconclusive: 'inconclusive',
};

/** The verdict in words with its qualifiers (MDE and cases needed when inconclusive; not gated). */
export function verdictText(m: MetricComparison, symbols: Readonly<Record<string, string>>): string {
  if (m.status === 'scorer-changed') return 'not compared: scorer changed since the baseline';
  if (m.status === 'no-data') return 'not compared: no shared cases with values';
  if (m.status === 'new') return 'new since the baseline, not compared';
  if (m.status === 'no-values-now')
    return `INCOMPLETE: no values now, ${m.scoringErrors?.errors ?? 0} of ${m.scoringErrors?.of ?? 0} scorings failed`;
  let text = symbols[m.verdict ?? ''] ?? '';
  if (m.scoringErrors) text += ` (${m.scoringErrors.errors} of ${m.scoringErrors.of} scorings failed, left out)`;
  if (m.verdict === 'inconclusive' && m.mde !== undefined) {
    text += ` (detects ${formatEffect(m, m.mde).replace(/^\+/, '')}; ~${m.casesNeeded?.toLocaleString('en-US')} cases would decide ${formatEffect(m, m.minEffect).replace(/^\+/, '')}${m.underpowered ? '; underpowered' : ''})`;
  }
  if (m.sequential && m.sequential.looks > 1)
    text += ` · look ${m.sequential.look} of ${m.sequential.looks} (α* ${formatP(m.sequential.nominalAlpha)})`;
  if (m.rescored) {
    const r = m.rescored;
    const cost =
      r.costUsd === null ? 'unpriced' : `$${r.costUsd < 0.01 ? r.costUsd.toPrecision(2) : r.costUsd.toFixed(2)}`;
    text += ` · baseline re-scored with today's scorer (${r.outputs} outputs, ${r.calls} judge calls, ${r.cached} cached, worth ${cost})`;
  }
  if (!m.gated) text += m.notGatedReason ? ` · not gated (${m.notGatedReason})` : ' · not gated';
  return text;
}

/** A score summary's value: rates as percentages, means on their [0, 1] scale. */
export function formatScoreValue(kind: 'rate' | 'mean', v: number | null): string {
  if (v === null || !Number.isFinite(v)) return '–';
  return kind === 'rate' ? `${(v * 100).toFixed(1)}%` : v.toFixed(3);
}

/** `3 EMAIL, 1 PHONE`, or `nothing`. */
export function formatRedactions(redactions: Readonly<Record<string, number>>): string {
  return (
    Object.entries(redactions)
      .map(([type, n]) => `${n} ${type}`)
      .join(', ') || 'nothing'
  );
}

/** A signal's adjusted p, or why it was not tested; failed scorings noted beside. */
export function formatSignalP(s: Pick<Signal, 'pAdjusted' | 'notTested' | 'scoringErrors'>): string {
  if (s.notTested) return `not tested: ${s.notTested}`;
  const e = s.scoringErrors;
  return `${formatP(s.pAdjusted)}${e ? ` (${e.errors} of ${e.of} scorings failed)` : ''}`;
}

export function formatSignalEffect(s: Pick<Signal, 'effect'>): string {
  return Number.isFinite(s.effect) ? s.effect.toPrecision(3) : '–';
}

/** `drift` for a signal that fired; `changed` for an explaining signal significant at α; else ''. */
export function signalState(
  s: Pick<Signal, 'drifted' | 'role' | 'pAdjusted'>,
  alpha: number,
): 'drift' | 'changed' | '' {
  if (s.drifted) return 'drift';
  return s.role === 'explains' && s.pAdjusted !== undefined && s.pAdjusted < alpha ? 'changed' : '';
}
