/** The terminal verdict table: per suite and target, each metric with its interval and verdict, then flips. */
import type { GateReport } from '../gate/compare.js';
import {
  describeAdaptive,
  describeQuarantine,
  formatDelta,
  formatForecast,
  formatP,
  formatValue,
  verdictText as verdictWords,
} from '../report/format-metric.js';
import { renderTable } from './table.js';

const SYMBOL: Record<string, string> = {
  regressed: '✗ regressed',
  improved: '✓ improved',
  unchanged: '= unchanged',
  inconclusive: '? inconclusive',
};

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
      return [
        m.metric,
        formatValue(m, m.baseline),
        formatValue(m, m.current),
        formatDelta(m),
        formatP(m.pAdjusted),
        verdictWords(m, SYMBOL),
      ];
    });
    lines.push(
      renderTable(
        [
          'metric',
          'baseline',
          'now',
          `change [${coverage}% interval]`,
          `p (${report.correction === 'bh' ? 'BH' : 'Holm'})`,
          'verdict',
        ],
        rows,
      ),
    );
    const forecast = s.metrics.map(formatForecast).find((x) => x !== undefined);
    if (forecast) lines.push('', forecast);
    const regressed = s.flips.filter((f) => f.direction === 'regressed');
    const improved = s.flips.filter((f) => f.direction === 'improved');
    if (s.flips.length > 0) {
      lines.push(
        '',
        `flipped cases: ${regressed.length} passed before and fail now, ${improved.length} failed before and pass now`,
      );
      for (const f of [...regressed.slice(0, 10), ...improved.slice(0, 5)]) {
        lines.push(`  ${f.direction === 'regressed' ? '✗' : '✓'} ${f.caseId}: ${f.checks.join(', ')}`);
      }
      if (regressed.length > 10)
        lines.push(`  … and ${regressed.length - 10} more regressed cases (--json lists all, with both outputs)`);
    }
    if (s.quarantined?.length) lines.push(describeQuarantine(s.quarantined));
    if (c.changed.length > 0)
      lines.push(
        `edited since the baseline (not compared): ${c.changed.slice(0, 10).join(', ')}${c.changed.length > 10 ? ' …' : ''}`,
      );
    lines.push('');
  }
  const adaptive = describeAdaptive(report);
  if (adaptive) lines.push(adaptive);
  if (withoutBaseline.length > 0)
    lines.push(`no baseline yet for: ${withoutBaseline.join(', ')} (accept a run with: driftgate baseline update)`);
  lines.push(
    `${report.incomplete?.length ? 'GATE INCOMPLETE' : report.failed ? 'GATE FAILED' : 'gate passed'} · ${report.headline}`,
  );
  return lines.join('\n');
}
