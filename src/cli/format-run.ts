/** The terminal summary of an eval run: one row per suite and target. */
import path from 'node:path';
import type { RunMeta } from '../runner/store/run-dir.js';
import type { DryRunEstimate } from '../runner/plan/dry-run.js';
import { formatScoreValue, scorerErrorCount, scorerHealthLines } from '../report/format-metric.js';
import { renderTable } from './table.js';
import { describeTargetBehaviour } from '../signals/target-behaviour.js';
import { describeReliability } from '../runner/summary/reliability.js';
import { describeJudgeVariance } from '../runner/scoring/judge-variance.js';
import { describeQuarantine } from '../report/format-metric.js';

const int = (n: number): string => n.toLocaleString('en-US');

export function formatUsd(usd: number | null): string {
  if (usd === null) return 'unpriced';
  if (usd === 0) return '$0';
  return usd < 0.01 ? `$${usd.toPrecision(2)}` : `$${usd.toFixed(2)}`;
}

const ms = (v: number | null): string => (v === null ? '–' : `${int(Math.round(v))}`);

export function formatRunSummary(meta: RunMeta, runDir: string): string {
  const rows: string[][] = [];
  for (const suite of meta.summaries ?? []) {
    for (const t of suite.targets) {
      rows.push([
        suite.suite,
        t.target,
        t.providerModels.join(', ') || t.model,
        int(t.cases),
        int(t.calls),
        int(t.cached),
        int(t.errors),
        `${int(t.inputTokens)} / ${int(t.outputTokens)}`,
        formatUsd(t.costUsd),
        `${ms(t.latencyP50Ms)} / ${ms(t.latencyP95Ms)}`,
      ]);
    }
  }
  const table = renderTable(
    [
      'suite',
      'target',
      'model (reported)',
      'cases',
      'calls',
      'cached',
      'errors',
      'tokens in / out',
      'cost',
      'latency p50 / p95 ms',
    ],
    rows,
  );
  const scoreRows: string[][] = [];
  const calibrationLines: string[] = [];
  for (const suite of meta.summaries ?? []) {
    for (const t of suite.targets) {
      for (const m of t.scores) {
        const show = (v: number | null) => formatScoreValue(m.kind, v);
        scoreRows.push([
          suite.suite,
          t.target,
          m.metric,
          int(m.n),
          show(m.mean),
          m.ci ? `[${show(m.ci[0])}, ${show(m.ci[1])}]` : '–',
          int(m.errors),
        ]);
      }
      for (const c of t.calibration) {
        const f = (v: number | null) => (v === null ? '–' : v.toFixed(2));
        calibrationLines.push(
          `judge calibration · ${suite.suite} ${t.target} ${c.scorer}: weighted κ ${f(c.weightedKappa)}, Spearman ρ ${f(c.spearman)} on ${c.scoreLabels} human scores; pass agreement ${c.passAgreement === null ? '–' : `${(c.passAgreement * 100).toFixed(0)}%`} (κ ${f(c.passKappa)}) on ${c.passLabels} human pass labels`,
        );
      }
    }
  }
  const totals = meta.totals;
  const judging = (meta.summaries ?? []).flatMap((x) => x.targets.map((t) => t.scoringCostUsd));
  const judgingUsd = judging.includes(null) ? null : judging.reduce<number>((a, b) => a + (b ?? 0), 0);
  const lines = [
    `driftgate eval · run ${meta.runId} · ${meta.status}`,
    '',
    table,
    ...(scoreRows.length
      ? ['', renderTable(['suite', 'target', 'metric', 'n', 'value', '95% interval', 'errors'], scoreRows)]
      : []),
    ...(calibrationLines.length ? ['', ...calibrationLines] : []),
    '',
    totals
      ? `total: ${int(totals.calls)} calls (${int(totals.cached)} from cache, ${int(totals.errors)} errors) · ${int(scorerErrorCount(meta.scorers))} scorer errors · answers worth ${formatUsd(totals.costUsd)}${judgingUsd !== 0 ? ` · judging worth ${formatUsd(judgingUsd)}` : ''} · spent now ${formatUsd(totals.spentUsd)}`
      : '',
    ...scorerHealthLines(meta.scorers),
    ...(meta.behaviour ?? []).map((b) => describeTargetBehaviour(b)),
    ...(meta.summaries ?? []).flatMap((s) =>
      s.targets.flatMap((t) =>
        t.reliability ? [`${s.suite} · ${t.target} ${describeReliability(t.reliability)}`] : [],
      ),
    ),
    ...(meta.judgeVariance ?? []).map((v) => `judge variance · ${describeJudgeVariance(v)}`),
    ...(meta.cacheRefused
      ? [
          `${int(meta.cacheRefused)} cache entries refused as answers (edited or mismatched; each was a miss): driftgate cache verify names them`,
        ]
      : []),
    ...(meta.batches ?? []).map(
      (b) =>
        `batch ${b.batchId} (${b.phase}, ${b.target}): ${b.state}, ${int(b.answered)} answered, ${int(b.failed)} not`,
    ),
    ...(meta.summaries ?? []).flatMap((s) =>
      s.quarantined?.length ? [`${s.suite}: ${describeQuarantine(s.quarantined)}`] : [],
    ),
    `results: ${path.relative(process.cwd(), runDir) || '.'}`,
  ];
  if (meta.incompleteReason) lines.push('', `incomplete: ${meta.incompleteReason}`);
  return lines.join('\n');
}

export function formatDryRun(estimate: DryRunEstimate): string {
  const cost =
    estimate.costUsd === null
      ? `unknown (no price for ${estimate.unpricedModels.join(', ')})`
      : `≈ ${formatUsd(estimate.costUsd)}`;
  return [
    'driftgate eval --dry-run: nothing was sent',
    `calls planned: ${int(estimate.calls)} · in cache: ${int(estimate.cached)} · to send: ${int(estimate.toSend)}`,
    `tokens to send: ≈ ${int(estimate.inputTokens)} in / ≈ ${int(estimate.outputTokens)} out (estimates: characters ÷ 4; output from max_tokens, else 256 per call)`,
    `cost: ${cost}${estimate.batch ? ' (batch price: half the online one)' : ''}`,
  ].join('\n');
}
