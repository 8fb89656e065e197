/**
 * `report.md`: the PR comment and the job summary. Per suite a verdict table (metric, baseline, now,
 * change with interval, adjusted p, verdict), the cost change, and flipped cases in collapsible
 * sections with both outputs; for drift runs the signals and the most divergent pairs. It fits
 * GitHub's comment limit (65,536 characters) by cutting case details, never the verdict tables.
 */
import type { MetricComparison, SuiteComparison } from '../gate/compare.js';
import { fenced, mdCell } from './escape.js';
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
  signalState,
  verdictText,
} from './format-metric.js';
import type { ReportModel } from './report-model.js';
import { headlineOf, verdictOf } from './summary-json.js';
import { describeTargetBehaviour } from '../signals/target-behaviour.js';
import { describeReliability } from '../runner/summary/reliability.js';
import { describeJudgeVariance } from '../runner/scoring/judge-variance.js';
import { formatDriftForecast, formatStratumCost } from '../drift/cost-by-stratum.js';
import { productionLines } from '../production/production-lines.js';
import { behaviourDetail, formatItemEffect, formatStratum } from './behaviour-detail.js';

export const GITHUB_COMMENT_LIMIT = 65_536;
/** Longest output shown per side in a case detail; the HTML report has them whole. */
const OUTPUT_CHARS = 1_500;

const SYMBOL: Record<string, string> = {
  regressed: '🔴 regressed',
  improved: '🟢 improved',
  unchanged: '⚪ unchanged',
  inconclusive: '🟡 inconclusive',
};
const TITLE: Record<string, string> = {
  failed: '❌ driftgate: gate failed',
  passed: '✅ driftgate: gate passed',
  drift: '⚠️ driftgate: drift detected',
  'no-drift': '✅ driftgate: no drift',
  'no-baseline': 'ℹ️ driftgate: no baseline yet',
  incomplete: '⚠️ driftgate: run incomplete',
};

export interface MarkdownOptions {
  /** Characters the whole report may take (default GitHub's comment limit). */
  readonly maxChars?: number;
  /** Prepended verbatim (the Action's hidden marker); counted in the limit. */
  readonly prefix?: string;
  /** Where the full reports are, for the truncation note (e.g. the workflow run's artifacts). */
  readonly detailsUrl?: string;
}

const clip = (text: string, n = OUTPUT_CHARS) =>
  text.length > n ? `${text.slice(0, n)}\n… (${(text.length - n).toLocaleString('en-US')} more characters)` : text;
const dollars = (v: number | null | undefined) =>
  v === null || v === undefined ? '–' : `$${v.toFixed(v < 0.01 ? 5 : 4)}`;

function metricRow(m: MetricComparison): string {
  return `| ${mdCell(m.metric)} | ${formatValue(m, m.baseline)} | ${formatValue(m, m.current)} | ${formatDelta(m)} | ${formatP(m.pAdjusted)} | ${mdCell(verdictText(m, SYMBOL))} |`;
}

function suiteTable(s: SuiteComparison, alpha: number, correction: string): string {
  const coverage = Math.round((1 - 2 * alpha) * 100);
  const c = s.cases;
  const cost = s.metrics.find((m) => m.metric === 'cost' && m.status === 'compared');
  return [
    `### ${s.incomplete?.length ? '⚠️' : s.failed ? '❌' : '✅'} ${mdCell(s.suite)} · ${mdCell(s.target)}`,
    `${c.compared} cases compared with baseline run \`${s.baselineRunId}\` (accepted ${s.acceptedAt.slice(0, 10)}) · ${c.new.length} new · ${c.removed.length} removed · ${c.changed.length} edited (not compared)`,
    '',
    `| metric | baseline | now | change [${coverage}% interval] | p (${correction === 'bh' ? 'BH' : 'Holm'}) | verdict |`,
    '|---|---:|---:|---|---:|---|',
    ...s.metrics.map(metricRow),
    ...(cost?.delta !== undefined
      ? [
          '',
          `Cost per answer: ${formatValue(cost, cost.baseline)} → ${formatValue(cost, cost.current)} (${formatDelta(cost)}).`,
        ]
      : []),
    ...(cost && formatForecast(cost) ? ['', `💰 ${formatForecast(cost)}`] : []),
    ...(s.quarantined?.length ? ['', `🧪 ${mdCell(describeQuarantine(s.quarantined))}`] : []),
  ].join('\n');
}

/** A bold label over the text in a fence, clipped: one side of a side-by-side case detail. */
const labelled = (label: string, text: string, chars = OUTPUT_CHARS): string[] => [
  `**${label}**`,
  '',
  fenced(clip(text, chars)),
  '',
];

function flipDetails(s: SuiteComparison): string[] {
  return s.flips.map((f) => {
    const mark = f.direction === 'regressed' ? '🔴 passed before, fails now' : '🟢 failed before, passes now';
    return [
      `<details><summary>${mark}: <code>${mdCell(f.caseId)}</code> (${mdCell(f.checks.join(', ') || 'scores dropped')})</summary>`,
      '',
      ...labelled('baseline', f.baselineOutput),
      ...labelled('now', f.currentOutput),
      '</details>',
    ].join('\n');
  });
}

/** What changed (a table of the features that moved most) and where (strata). */
function behaviourMarkdown(model: ReportModel): string[] {
  const d = model.drift;
  const detail = d ? behaviourDetail(d.decision.signals) : undefined;
  if (!d || !detail) return [];
  const out: string[] = [];
  if (detail.whatChanged.length > 0) {
    out.push(
      '',
      '#### What changed',
      '',
      '| # | change | effect [95% interval] | example (pinned → current) |',
      '|---:|---|---|---|',
    );
    detail.whatChanged.forEach((item, i) => {
      const e = item.example;
      out.push(
        `| ${i + 1} | ${mdCell(item.text)} | ${formatItemEffect(item)} | ${e ? `\`${mdCell(e.caseId)}\`: “${mdCell(e.pinned)}” → “${mdCell(e.current)}”` : ''} |`,
      );
    });
    out.push(
      '',
      '<sub>effect: standardised paired difference of the feature, current − pinned (presence for words and openings, log(1 + count) for style).</sub>',
    );
  }
  if (detail.strata.length > 0)
    out.push(
      '',
      '#### Where it changed',
      '',
      ...detail.strata.map((x) => `- ${mdCell(formatStratum(x, d.decision.alpha))}`),
    );
  if (d.cost) {
    out.push(
      '',
      '#### Cost per answer, pinned → current',
      '',
      ...[...d.cost.strata, ...(d.cost.strata.length > 1 ? [d.cost.overall] : [])].map(
        (c) => `- ${mdCell(formatStratumCost(c))}`,
      ),
    );
    const forecast = formatDriftForecast(d.cost);
    if (forecast) out.push('', `💰 ${mdCell(forecast)}`);
  }
  return out;
}

function driftSections(model: ReportModel): { tables: string[]; details: string[] } {
  const d = model.drift;
  if (!d) return { tables: [], details: [] };
  const s = d.sample;
  const table = [
    `Sample: ${s.size} distinct inputs from ${s.lines.toLocaleString('en-US')} log lines (seed \`${mdCell(s.seed)}\`; ${s.badLines} unusable lines) · redacted before sending: ${formatRedactions(d.redactions)}`,
    '',
    '| signal | role | test | n | effect | p (Holm) | |',
    '|---|---|---|---:|---:|---:|---|',
    ...d.decision.signals.map(
      (x) =>
        `| ${mdCell(x.name)} | ${x.role} | ${mdCell(x.test)} | ${x.n} | ${formatSignalEffect(x)} | ${mdCell(formatSignalP(x))} | ${{ drift: '⚠️ drift', changed: 'changed', '': '' }[signalState(x, d.decision.alpha)]} |`,
    ),
    ...behaviourMarkdown(model),
    ...(d.production && productionLines(d.production).length
      ? [
          '',
          `#### Production (${d.production.week.lines.toLocaleString('en-US')} log lines in the window)`,
          '',
          ...productionLines(d.production).map((l) => `- ${mdCell(l)}`),
        ]
      : []),
  ].join('\n');
  const details = d.divergent.map((p) =>
    [
      `<details><summary>similarity ${p.similarity.toFixed(3)}: <code>${mdCell(p.caseId)}</code></summary>`,
      '',
      ...labelled('input', p.input, 600),
      ...labelled('pinned', p.pinned),
      ...labelled('current', p.current),
      ...Object.entries(p.scores).map(
        ([n, v]) => `- ${mdCell(n)}: ${v.pinned?.toFixed(2) ?? '–'} → ${v.current?.toFixed(2) ?? '–'}`,
      ),
      '</details>',
    ].join('\n'),
  );
  return { tables: [table], details: details.length ? ['#### Most divergent pairs (worst first)', ...details] : [] };
}

function runSummaryTable(model: ReportModel): string {
  const rows = (model.meta.summaries ?? []).flatMap((s) =>
    s.targets.flatMap((t) =>
      t.scores.map(
        (m) =>
          `| ${mdCell(s.suite)} | ${mdCell(t.target)} | ${mdCell(m.metric)} | ${m.n} | ${formatScoreValue(m.kind, m.mean)} | ${m.ci ? `[${m.ci.map((v) => formatScoreValue(m.kind, v)).join(', ')}]` : '–'} | ${m.errors} |`,
      ),
    ),
  );
  if (rows.length === 0) return '';
  return [
    '| suite | target | metric | cases | value | 95% interval | errors |',
    '|---|---|---|---:|---:|---|---:|',
    ...rows,
  ].join('\n');
}

export function renderMarkdown(model: ReportModel, options: MarkdownOptions = {}): string {
  const limit = options.maxChars ?? GITHUB_COMMENT_LIMIT;
  const verdict = verdictOf(model);
  const m = model.meta;
  const cost = m.totals?.costUsd;
  const head = [
    `${options.prefix ?? ''}## ${TITLE[verdict]}`,
    '',
    `**${mdCell(headlineOf(model))}**`,
    '',
    `Run \`${m.runId}\`${m.gitSha ? ` · commit \`${m.gitSha.slice(0, 7)}\`` : ''} · ${m.totals?.calls ?? model.records.length} calls (${m.totals?.cached ?? 0} from the cache) · answers cost ${dollars(cost)} · spent this run ${dollars(m.totals?.spentUsd)}`,
    ...scorerHealthLines(m.scorers).map((line, i) => `${i === 0 ? '\n' : ''}- ⚠️ ${mdCell(line)}`),
    ...(m.cacheRefused
      ? [
          `\n- ⚠️ ${m.cacheRefused} cache entries were refused as answers (edited or mismatched) and called again: \`driftgate cache verify\` names them`,
        ]
      : []),
    ...(m.behaviour ?? []).map((b, i) => `${i === 0 ? '\n' : ''}- ${mdCell(describeTargetBehaviour(b))}`),
    ...(m.judgeVariance ?? []).map((v) => `\n- ${mdCell(`judge variance · ${describeJudgeVariance(v)}`)}`),
    ...(m.summaries ?? []).flatMap((s) =>
      s.targets.flatMap((t) =>
        t.reliability ? [`\n- ${mdCell(`${s.suite} · ${t.target} ${describeReliability(t.reliability)}`)}`] : [],
      ),
    ),
  ].join('\n');
  const gate = model.gate;
  const tables: string[] = [];
  let details: string[] = [];
  if (gate) {
    for (const s of gate.report.suites) tables.push(suiteTable(s, gate.report.alpha, gate.report.correction));
    if (gate.withoutBaseline.length)
      tables.push(`No baseline yet for: ${gate.withoutBaseline.map(mdCell).join(', ')}.`);
    const adaptive = describeAdaptive(gate.report);
    if (adaptive) tables.push(`🔁 ${mdCell(adaptive)}`);
    details = gate.report.suites.flatMap((s) => {
      const items = flipDetails(s);
      return items.length ? [`#### Flipped cases in ${mdCell(s.suite)} · ${mdCell(s.target)}`, ...items] : [];
    });
  } else if (model.drift) {
    const d = driftSections(model);
    tables.push(...d.tables);
    details = d.details;
  } else {
    const t = runSummaryTable(model);
    if (t) tables.push(t);
  }
  const footer =
    '\n\n<sub>driftgate · paired tests against the baseline, Holm-adjusted; a regression must be significant and larger than the minimum effect.</sub>';
  let body = [head, ...tables].join('\n\n');
  if (body.length + footer.length > limit) {
    // The tables are the verdict: they are never cut. A limit too small for them is the caller's mistake.
    return body + footer;
  }
  const kept: string[] = [];
  let used = body.length + footer.length;
  const noteRoom = 200;
  let dropped = 0;
  for (const [i, d] of details.entries()) {
    const room = limit - used - noteRoom;
    if (d.length + 2 <= room) {
      kept.push(d);
      used += d.length + 2;
    } else {
      dropped = details.length - i;
      break;
    }
  }
  if (kept.length) body += `\n\n${kept.join('\n\n')}`;
  if (dropped > 0)
    body += `\n\n_${dropped} more case details left out to fit GitHub's comment limit${options.detailsUrl ? `; all of them are in the [HTML report](${options.detailsUrl})` : '; the HTML report has all of them'}._`;
  return body + footer;
}
