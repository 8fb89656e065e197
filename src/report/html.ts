/**
 * `report.html`: one self-contained file that works offline — inline CSS, inline SVG charts, one
 * inline script (the case filter), no external resource. A Content-Security-Policy allows only that
 * script, by its hash, so even a mistake in escaping could not run a script carried by model output.
 */
import { createHash } from 'node:crypto';
import { formatEffect, type MetricComparison } from '../gate/compare.js';
import { isCompared } from '../gate/comparison.js';
import { escapeHtml as esc } from './escape.js';
import {
  describeAdaptive,
  describeQuarantine,
  formatDelta,
  formatForecast,
  formatP,
  formatRedactions,
  formatScoreValue,
  formatSignalEffect,
  formatSignalP,
  formatValue,
  scorerHealthLines,
  verdictText,
} from './format-metric.js';
import { caseTableHtml, FILTER_SCRIPT } from './html-cases.js';
import { driftTargets, type ReportModel } from './report-model.js';
import { headlineOf, verdictOf } from './summary-json.js';
import { describeTargetBehaviour } from '../signals/target-behaviour.js';
import { describeReliability } from '../runner/summary/reliability.js';
import { describeJudgeVariance } from '../runner/scoring/judge-variance.js';
import { formatDriftForecast, formatStratumCost } from '../drift/cost-by-stratum.js';
import { productionHtml } from './html-production.js';
import { behaviourDetail, formatItemEffect, formatStratum } from './behaviour-detail.js';
import { barsSvg, histogramSvg, intervalsSvg, type IntervalRow } from './svg-charts.js';

const SYMBOL: Record<string, string> = {
  regressed: '✗ regressed',
  improved: '✓ improved',
  unchanged: '= unchanged',
  inconclusive: '? inconclusive',
};

const STYLE = `body{font:14px/1.45 system-ui,-apple-system,Segoe UI,sans-serif;margin:24px auto;max-width:1200px;padding:0 16px;color:#1d2330}
h1{font-size:22px}h2{font-size:18px;margin-top:28px;border-bottom:1px solid #ddd}h3{font-size:15px}
table{border-collapse:collapse;width:100%;margin:8px 0}th,td{border:1px solid #ddd;padding:4px 6px;vertical-align:top;text-align:left}
th{background:#f4f6f8}td.num{text-align:right;font-variant-numeric:tabular-nums}
pre{white-space:pre-wrap;word-break:break-word;margin:0;max-height:320px;overflow:auto;font-size:12px}
.verdict{padding:10px 14px;border-radius:6px;font-weight:600}.verdict.bad{background:#fdecec}.verdict.good{background:#e9f7ef}.verdict.info{background:#eef3fb}
.status.regressed,.status.error,.v-regressed{color:#b3261e;font-weight:600}.status.improved,.v-improved{color:#1f8a4c;font-weight:600}.status.failing{color:#9a6700}
.charts{display:flex;flex-wrap:wrap;gap:12px}.chart{background:#fff;border:1px solid #eee}
.filters{display:flex;gap:16px;align-items:center;margin:8px 0}.meta{color:#555}`;

function metricTable(metrics: readonly MetricComparison[], alpha: number, correction: string): string {
  const rows = metrics
    .map(
      (m) =>
        `<tr><td>${esc(m.metric)}</td><td class="num">${esc(formatValue(m, m.baseline))}</td><td class="num">${esc(formatValue(m, m.current))}</td><td>${esc(formatDelta(m))}</td><td class="num">${esc(formatP(m.pAdjusted))}</td><td class="v-${esc(m.verdict ?? '')}">${esc(verdictText(m, SYMBOL))}</td></tr>`,
    )
    .join('\n');
  return `<table class="metrics"><thead><tr><th>metric</th><th>baseline</th><th>now</th><th>change [${Math.round((1 - 2 * alpha) * 100)}% interval]</th><th>p (${correction === 'bh' ? 'BH' : 'Holm'})</th><th>verdict</th></tr></thead><tbody>${rows}</tbody></table>`;
}

function gateSections(model: ReportModel): string {
  const gate = model.gate;
  if (!gate) return '';
  const adaptive = describeAdaptive(gate.report);
  return (
    (adaptive ? `<p class="adaptive">${esc(adaptive)}</p>\n` : '') +
    gate.report.suites
      .map((s) => {
        const compared = s.metrics.filter(isCompared).filter((m) => Number.isFinite(m.delta));
        const rows: IntervalRow[] = compared.map((m) => ({
          label: m.metric,
          estimate: m.delta,
          interval: [m.deltaInterval[0], m.deltaInterval[1]],
          floor: m.minEffect,
          verdict: m.verdict,
          text: `${formatEffect(m, m.delta)} · ${m.verdict}`,
        }));
        const dists = gate.distributions.filter(
          (d) => d.suite === s.suite && d.target === s.target && (d.baseline.length || d.current.length),
        );
        const cost = s.metrics.find((m) => m.metric === 'cost' && m.status === 'compared');
        const costChart = cost
          ? barsSvg(`Cost per answer, ${s.target}`, [
              { label: 'baseline', value: cost.baseline ?? 0, text: formatValue(cost, cost.baseline), reference: true },
              {
                label: 'now',
                value: cost.current ?? 0,
                text: formatValue(cost, cost.current),
                highlight: cost.verdict === 'regressed',
              },
            ])
          : '';
        return `<section class="suite"><h2>${s.failed ? '✗' : '✓'} ${esc(s.suite)} · ${esc(s.target)}</h2>
<p class="meta">${s.cases.compared} cases compared with baseline run <code>${esc(s.baselineRunId)}</code> (accepted ${esc(s.acceptedAt.slice(0, 10))}) · ${s.cases.new.length} new · ${s.cases.removed.length} removed · ${s.cases.changed.length} edited</p>
${metricTable(s.metrics, gate.report.alpha, gate.report.correction)}
${cost && formatForecast(cost) ? `<p class="forecast">${esc(formatForecast(cost) as string)}</p>` : ''}
${s.quarantined?.length ? `<p class="quarantine">${esc(describeQuarantine(s.quarantined))}</p>` : ''}
<div class="charts">${rows.length ? intervalsSvg('Change vs baseline with interval (dashed: minimum effect)', rows) : ''}${costChart}</div>
<div class="charts">${dists.map((d) => histogramSvg({ title: `${d.scorer}: per-case scores`, a: d.baseline, b: d.current, labels: ['baseline', 'now'] })).join('')}</div>
</section>`;
      })
      .join('\n')
  );
}

function behaviourHtml(signals: NonNullable<ReportModel['drift']>['decision']['signals'], alpha: number): string {
  const detail = behaviourDetail(signals);
  if (!detail) return '';
  const items = detail.whatChanged;
  const chart = items.length
    ? barsSvg(
        'What changed: |standardised paired difference| (red: less often now)',
        items.map((item) => ({
          label: item.feature.length > 34 ? `${item.feature.slice(0, 33)}…` : item.feature,
          value: Math.abs(item.effect),
          text: formatItemEffect(item),
          highlight: item.effect < 0,
        })),
      )
    : '';
  const rows = items
    .map(
      (item, i) =>
        `<tr><td class="num">${i + 1}</td><td>${esc(item.text)}</td><td>${esc(formatItemEffect(item))}</td><td>${item.example ? `<code>${esc(item.example.caseId)}</code>: “${esc(item.example.pinned)}” → “${esc(item.example.current)}”` : ''}</td></tr>`,
    )
    .join('\n');
  const strata = detail.strata.length
    ? `<h3>Where it changed</h3><ul>${detail.strata.map((x) => `<li>${esc(formatStratum(x, alpha))}</li>`).join('')}</ul>`
    : '';
  return items.length || strata
    ? `<h3 id="what-changed">What changed</h3>
${items.length ? `<table><thead><tr><th>#</th><th>change</th><th>effect [95% interval]</th><th>example (pinned → current)</th></tr></thead><tbody>${rows}</tbody></table>` : ''}
<div class="charts">${chart}</div>${strata}`
    : '';
}

function driftSection(model: ReportModel): string {
  const d = model.drift;
  if (!d) return '';
  const signals = d.decision.signals.filter((s) => s.pAdjusted !== undefined);
  const rows = signals.map((s) => ({
    label: s.name,
    value: -Math.log10(Math.max(1e-12, s.pAdjusted as number)),
    text: `p ${formatP(s.pAdjusted)} · effect ${formatSignalEffect(s)}`,
    highlight: Boolean(s.drifted),
  }));
  const table = d.decision.signals
    .map(
      (s) =>
        `<tr><td>${esc(s.name)}</td><td>${s.role}</td><td>${esc(s.test)}</td><td class="num">${s.n}</td><td class="num">${formatSignalEffect(s)}</td><td>${esc(s.effectLabel)}</td><td class="num">${esc(formatSignalP(s))}</td><td class="${s.drifted ? 'v-regressed' : ''}">${s.drifted ? 'drift' : ''}</td></tr>`,
    )
    .join('\n');
  const byTarget = (target: string, scorer: string) =>
    model.records
      .filter((r) => r.target === target && r.repeat === 0)
      .map((r) => r.scores.find((s) => s.name === scorer && s.error === undefined)?.value)
      .filter((v): v is number => typeof v === 'number');
  const scorers = [
    ...new Set(model.records.flatMap((r) => r.scores.filter((s) => s.kind === 'continuous').map((s) => s.name))),
  ];
  const costOf = (target: string) => {
    const c = model.records
      .filter((r) => r.target === target && r.repeat === 0 && r.costUsd !== null)
      .map((r) => r.costUsd as number);
    return c.length ? c.reduce((a, b) => a + b, 0) / c.length : 0;
  };
  const t = driftTargets(model);
  const tokens = (target: string) =>
    model.records
      .filter((r) => r.target === target && r.repeat === 0 && r.outputTokens !== null)
      .map((r) => r.outputTokens as number);
  const [pinnedTokens, currentTokens] = [tokens(t.pinned), tokens(t.current)];
  const maxTokens = Math.max(1, ...pinnedTokens, ...currentTokens);
  const lengthChart =
    pinnedTokens.length + currentTokens.length
      ? histogramSvg({
          title: 'Output length (tokens): pinned vs current',
          a: pinnedTokens,
          b: currentTokens,
          labels: ['pinned', 'current'],
          bins: 12,
          domain: [0, maxTokens],
        })
      : '';
  return `<section class="drift"><h2>Drift signals (α = ${d.decision.alpha}, Holm within each family)</h2>
<p class="meta">Sample: ${d.sample.size} distinct inputs from ${d.sample.lines.toLocaleString('en-US')} log lines · seed <code>${esc(d.sample.seed)}</code> · redacted: ${esc(formatRedactions(d.redactions))}</p>
<table><thead><tr><th>signal</th><th>role</th><th>test</th><th>n</th><th>effect</th><th>effect means</th><th>p (Holm)</th><th></th></tr></thead><tbody>${table}</tbody></table>
<div class="charts">${rows.length ? barsSvg('Evidence per signal: −log10 adjusted p', rows, { value: -Math.log10(d.decision.alpha), label: `α = ${d.decision.alpha}` }) : ''}
${barsSvg(
  'Cost per answer',
  [t.pinned, t.current].map((x, i) => ({
    label: x,
    value: costOf(x),
    text: `$${costOf(x).toPrecision(3)}`,
    reference: i === 0,
  })),
)}</div>
${behaviourHtml(d.decision.signals, d.decision.alpha)}
${d.cost ? `<h3>Cost per answer, pinned → current</h3><ul>${[...d.cost.strata, ...(d.cost.strata.length > 1 ? [d.cost.overall] : [])].map((c) => `<li>${esc(formatStratumCost(c))}</li>`).join('')}</ul>${formatDriftForecast(d.cost) ? `<p class="forecast">${esc(formatDriftForecast(d.cost) as string)}</p>` : ''}` : ''}
<div class="charts">${lengthChart}${scorers.map((s) => histogramSvg({ title: `${s}: pinned vs current`, a: byTarget(t.pinned, s), b: byTarget(t.current, s), labels: ['pinned', 'current'] })).join('')}</div>
</section>`;
}

function runSection(model: ReportModel): string {
  const rows = (model.meta.summaries ?? []).flatMap((s) =>
    s.targets.flatMap((t) =>
      t.scores.map(
        (m) =>
          `<tr><td>${esc(s.suite)}</td><td>${esc(t.target)}</td><td>${esc(m.metric)}</td><td class="num">${m.n}</td><td class="num">${formatScoreValue(m.kind, m.mean)}</td><td>${m.ci ? esc(m.ci.map((v) => formatScoreValue(m.kind, v)).join(' – ')) : '–'}</td><td class="num">${m.errors}</td></tr>`,
      ),
    ),
  );
  return rows.length
    ? `<section><h2>Scores this run</h2><table><thead><tr><th>suite</th><th>target</th><th>metric</th><th>cases</th><th>value</th><th>95% interval</th><th>errors</th></tr></thead><tbody>${rows.join('\n')}</tbody></table></section>`
    : '';
}

function scorerHealthSection(health: ReportModel['meta']['scorers']): string {
  const lines = scorerHealthLines(health);
  return lines.length
    ? `<section id="scorer-errors"><h2>Scorer errors</h2><ul>${lines.map((l) => `<li>${esc(l)}</li>`).join('')}</ul></section>`
    : '';
}

function reliabilitySection(
  summaries: ReportModel['meta']['summaries'],
  judge: ReportModel['meta']['judgeVariance'],
): string {
  const lines = [
    ...(summaries ?? []).flatMap((s) =>
      s.targets.flatMap((t) =>
        t.reliability ? [`${s.suite} · ${t.target} ${describeReliability(t.reliability)}`] : [],
      ),
    ),
    ...(judge ?? []).map((v) => `judge variance · ${describeJudgeVariance(v)}`),
  ];
  return lines.length
    ? `<section id="reliability"><h2>Reliability across repeats</h2><ul>${lines.map((l) => `<li>${esc(l)}</li>`).join('')}</ul></section>`
    : '';
}

function targetBehaviourSection(behaviour: ReportModel['meta']['behaviour']): string {
  return behaviour?.length
    ? `<section id="target-behaviour"><h2>Targets compared (reported, not gated)</h2><ul>${behaviour.map((b) => `<li>${esc(describeTargetBehaviour(b))}</li>`).join('')}</ul></section>`
    : '';
}

export function renderHtml(model: ReportModel): string {
  const verdict = verdictOf(model);
  const tone =
    verdict === 'failed' || verdict === 'drift' || verdict === 'incomplete'
      ? 'bad'
      : verdict === 'no-baseline'
        ? 'info'
        : 'good';
  const hash = createHash('sha256').update(FILTER_SCRIPT).digest('base64');
  const m = model.meta;
  const csp = `default-src 'none'; style-src 'unsafe-inline'; img-src data:; script-src 'sha256-${hash}'`;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>driftgate report ${esc(m.runId)}</title>
<style>${STYLE}</style></head>
<body>
<h1>driftgate · ${esc(m.command)} run <code>${esc(m.runId)}</code></h1>
<p class="verdict ${tone}" id="verdict">${esc(verdict)}: ${esc(headlineOf(model))}</p>
<p class="meta">${esc(m.startedAt)}${m.gitSha ? ` · commit <code>${esc(m.gitSha.slice(0, 12))}</code>` : ''} · ${m.totals?.calls ?? model.records.length} calls (${m.totals?.cached ?? 0} from the cache) · answers cost ${m.totals?.costUsd === null || m.totals?.costUsd === undefined ? '–' : `$${m.totals.costUsd.toFixed(4)}`} · spent this run $${(m.totals?.spentUsd ?? 0).toFixed(4)}</p>
${scorerHealthSection(m.scorers)}
${targetBehaviourSection(m.behaviour)}
${reliabilitySection(m.summaries, m.judgeVariance)}
${gateSections(model)}
${driftSection(model)}
${productionHtml(model.drift?.production, model.drift?.servedTrend)}
${model.gate || model.drift ? '' : runSection(model)}
${caseTableHtml(model)}
<script>${FILTER_SCRIPT}</script>
</body></html>
`;
}
