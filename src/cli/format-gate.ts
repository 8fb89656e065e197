/** The terminal verdict table: per suite and target, each metric with its interval and verdict, then flips. */
import type { GateReport, MetricComparison } from '../gate/compare.js';
import { formatEffect } from '../gate/compare.js';
import { renderTable } from './table.js';

const SYMBOL: Record<string, string> = { regressed: '✗ regressed', improved: '✓ improved', unchanged: '= unchanged', inconclusive: '? inconclusive' };

function formatValue(m: MetricComparison, v: number | undefined): string {
  if (v === undefined || !Number.isFinite(v)) return '–';
  if (m.metric === 'cost') return `$${v.toPrecision(3)}`;
  if (m.metric.startsWith('latency')) return `${Math.round(v).toLocaleString('en-US')} ms`;
  return m.shape === 'rate' ? `${(v * 100).toFixed(1)}%` : v.toFixed(3);
}

function verdictText(m: MetricComparison): string {
  if (m.status === 'scorer-changed') return 'not compared: scorer changed since the baseline';
  if (m.status === 'no-data') return 'not compared: no shared cases with values';
  let text = SYMBOL[m.verdict ?? ''] ?? '';
  if (m.verdict === 'inconclusive' && m.mde !== undefined) {
    text += ` (detects ${formatEffect(m, m.mde).replace(/^\+/, '')}; ~${m.casesNeeded?.toLocaleString('en-US')} cases would decide ${formatEffect(m, m.minEffect).replace(/^\+/, '')}${m.underpowered ? '; underpowered' : ''})`;
  }
  if (!m.gated) text += ' · not gated';
  return text;
}

export function formatGateReport(report: GateReport, withoutBaseline: readonly string[] = []): string {
  const lines: string[] = [];
  const coverage = Math.round((1 - 2 * report.alpha) * 100);
  for (const s of report.suites) {
    const c = s.cases;
    lines.push(
      `${s.suite} · ${s.target} vs baseline (run ${s.baselineRunId}, accepted ${s.acceptedAt.slice(0, 10)}) · ${c.compared} cases compared` +
        ` · ${c.new.length} new · ${c.removed.length} removed · ${c.changed.length} edited`,
      '',
    );
    const rows = s.metrics.map((m) => {
      const [lo, hi] = m.deltaInterval ?? [Number.NaN, Number.NaN];
      const delta = m.delta === undefined || !Number.isFinite(m.delta) ? '–' : `${formatEffect(m, m.delta)} [${formatEffect(m, lo)}, ${formatEffect(m, hi)}]`;
      const p = m.pAdjusted === undefined ? '–' : m.pAdjusted < 0.001 ? '<0.001' : m.pAdjusted.toFixed(3);
      return [m.metric, formatValue(m, m.baseline), formatValue(m, m.current), delta, p, verdictText(m)];
    });
    lines.push(renderTable(['metric', 'baseline', 'now', `change [${coverage}% interval]`, `p (${report.correction === 'bh' ? 'BH' : 'Holm'})`, 'verdict'], rows));
    const regressed = s.flips.filter((f) => f.direction === 'regressed');
    const improved = s.flips.filter((f) => f.direction === 'improved');
    if (s.flips.length > 0) {
      lines.push('', `flipped cases: ${regressed.length} passed before and fail now, ${improved.length} failed before and pass now`);
      for (const f of [...regressed.slice(0, 10), ...improved.slice(0, 5)]) {
        lines.push(`  ${f.direction === 'regressed' ? '✗' : '✓'} ${f.caseId}: ${f.checks.join(', ')}`);
      }
      if (regressed.length > 10) lines.push(`  … and ${regressed.length - 10} more regressed cases (--json lists all, with both outputs)`);
    }
    if (c.changed.length > 0) lines.push(`edited since the baseline (not compared): ${c.changed.slice(0, 10).join(', ')}${c.changed.length > 10 ? ' …' : ''}`);
    lines.push('');
  }
  if (withoutBaseline.length > 0) lines.push(`no baseline yet for: ${withoutBaseline.join(', ')} (accept a run with: driftgate baseline update)`);
  lines.push(`${report.failed ? 'GATE FAILED' : 'gate passed'} · ${report.headline}`);
  return lines.join('\n');
}
