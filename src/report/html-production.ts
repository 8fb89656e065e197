/**
 * The production section of a drift report in HTML: its findings as a list, and the weeks as trend
 * charts — cost a month per feature, users' feedback, the served-model timeline (each id's share
 * of the calls per window), and the served answers' scores.
 */
import type { ProductionSection } from '../production/production-section.js';
import { productionLines } from '../production/production-lines.js';
import { escapeHtml as esc } from './escape.js';
import { linesSvg, type LineSeries } from './svg-charts.js';

/** The `top` largest keys over the points, one line each. */
function series<T>(trend: readonly T[], pick: (p: T) => Readonly<Record<string, number>>, top = 6): LineSeries[] {
  const totals = new Map<string, number>();
  for (const p of trend) for (const [k, v] of Object.entries(pick(p))) totals.set(k, (totals.get(k) ?? 0) + v);
  return [...totals]
    .sort((a, b) => b[1] - a[1])
    .slice(0, top)
    .map(([name]) => ({ name, values: trend.map((p) => pick(p)[name] ?? null) }));
}

type ServedTrend = readonly { readonly end: string; readonly scores: Readonly<Record<string, number>> }[];

export function productionHtml(p: ProductionSection | undefined, servedTrend?: ServedTrend): string {
  if (!p || p.week.lines === 0) return '';
  const items = productionLines(p)
    .map((l) => `<li>${esc(l)}</li>`)
    .join('\n');
  const labels = p.trend.map((t) => t.end.slice(5, 10) || '?');
  const charts =
    p.trend.length >= 2
      ? [
          linesSvg(
            'Cost a month per feature ($, at each window’s rate)',
            labels,
            series(p.trend, (t) => t.monthlyUsdByFeature),
          ),
          ...(p.trend.some((t) => Object.keys(t.feedback).length)
            ? [
                linesSvg(
                  'Users’ feedback (mean; thumbs-up share)',
                  labels,
                  series(p.trend, (t) => t.feedback),
                ),
              ]
            : []),
          linesSvg(
            'Served model ids (share of calls)',
            labels,
            series(p.trend, (t) => t.servedShare),
          ),
          ...(servedTrend && servedTrend.length >= 2
            ? [
                linesSvg(
                  'Served-answer quality (mean score of what users saw)',
                  servedTrend.map((t) => t.end.slice(5, 10)),
                  series(servedTrend, (t) => t.scores),
                ),
              ]
            : []),
        ].join('\n')
      : '';
  return `<section class="production"><h2>Production (${p.week.lines.toLocaleString('en-US')} log lines in the window)</h2>
<ul>${items}</ul>
${charts ? `<div class="charts">${charts}</div>` : ''}
</section>`;
}
