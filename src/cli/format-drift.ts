/** The terminal drift report: the sample, each signal with its effect and adjusted p, the most divergent pairs, the verdict. */
import path from 'node:path';
import type { DriftResult } from '../drift/run-drift.js';
import {
  formatRedactions,
  formatSignalEffect,
  formatSignalP,
  scorerHealthLines,
  signalState,
} from '../report/format-metric.js';
import { renderTable } from './table.js';
import { productionLines } from '../production/production-lines.js';
import { behaviourDetail, formatItemEffect, formatStratum } from '../report/behaviour-detail.js';
import { driftHeadline } from '../signals/signals.js';
import { formatDriftForecast, formatStratumCost } from '../drift/cost-by-stratum.js';

const short = (text: string, n = 90) => {
  const one = text.replace(/\s+/g, ' ').trim();
  return one.length > n ? `${one.slice(0, n - 1)}…` : one;
};

export function formatDriftReport(r: DriftResult): string {
  const s = r.sample;
  const lines = [
    `driftgate drift · run ${r.runId} · seed ${s.seed}`,
    `sample: ${s.size} distinct inputs from ${s.lines.toLocaleString('en-US')} log lines (${s.outsideWindow} outside the window, ${s.badLines} unusable) · redacted: ${formatRedactions(r.redactions)}`,
    ...(s.strata.length > 1
      ? [`strata: ${s.strata.map((x) => `${x.stratum} ${x.sampled}/${x.lines}`).join(', ')}`]
      : []),
    ...s.firstBad.map((b) => `  unusable: ${path.basename(b.file)}:${b.line}: ${b.reason}`),
    '',
  ];
  const rows = r.decision.signals.map((x) => [
    x.name,
    x.role === 'decides' ? 'decides' : 'explains',
    x.test,
    String(x.n),
    formatSignalEffect(x),
    formatSignalP(x),
    { drift: 'DRIFT', changed: 'changed', '': '' }[signalState(x, r.decision.alpha)],
  ]);
  lines.push(renderTable(['signal', 'role', 'test', 'n', 'effect', 'p (Holm)', ''], rows));
  const detail = behaviourDetail(r.decision.signals);
  if (detail && detail.whatChanged.length > 0) {
    lines.push('', 'what changed (standardised paired difference, current − pinned [95% interval]):');
    detail.whatChanged.forEach((item, i) => {
      lines.push(`  ${i + 1}. ${item.text}  ${formatItemEffect(item)}`);
      if (item.example)
        lines.push(
          `     e.g. ${item.example.caseId}: pinned "${short(item.example.pinned, 60)}" · current "${short(item.example.current, 60)}"`,
        );
    });
  }
  if (detail && detail.strata.length > 0)
    lines.push(
      '',
      'where it changed (the same test per stratum, Holm across strata):',
      ...detail.strata.map((x) => `  ${formatStratum(x, r.decision.alpha)}`),
    );
  if (r.cost) {
    lines.push(
      '',
      'cost per answer, pinned → current:',
      ...[...r.cost.strata, ...(r.cost.strata.length > 1 ? [r.cost.overall] : [])].map(
        (c) => `  ${formatStratumCost(c)}`,
      ),
    );
    const forecast = formatDriftForecast(r.cost);
    if (forecast) lines.push(`  ${forecast}`);
  }
  if (r.replaySkipped) lines.push('', `replay skipped: ${r.replaySkipped}; 0 model calls`);
  const production = r.production ? productionLines(r.production) : [];
  if (production.length)
    lines.push(
      '',
      `production (${r.production?.week.lines.toLocaleString('en-US')} log lines in the window):`,
      ...production.map((l) => `  ${l}`),
    );
  for (const a of r.userAgreement ?? [])
    lines.push(
      `  ${a.scorer} agrees with users' ${a.feedback} on the sampled answers: κ ${a.kappa.toFixed(2)} (${Math.round(a.agreement * 100)}% the same, n ${a.n})`,
    );
  const near = (r.nearDuplicates ?? []).filter((n) => n.nearDuplicates > 0);
  if (near.length)
    lines.push(
      `  near-duplicate questions (similarity ≥ 0.95 among the sample's distinct inputs): ${near
        .map((n) => `${n.stratum} ${Math.round(n.share * 100)}% (${n.nearDuplicates} of ${n.inputs})`)
        .join(' · ')}`,
    );
  const failing = scorerHealthLines(r.scorers);
  if (failing.length) lines.push('', 'scorer errors:', ...failing.map((l) => `  ${l}`));
  const identity = r.decision.signals.find((x) => x.name === 'model identity')?.details as
    { pinned: string[]; current: string[] } | undefined;
  if (identity)
    lines.push(
      '',
      `models reported: pinned ${identity.pinned.join(', ') || '–'} · current ${identity.current.join(', ') || '–'}`,
    );
  if (r.divergent.length > 0) {
    lines.push('', 'most divergent pairs (lowest similarity first):');
    for (const d of r.divergent) {
      lines.push(`  ${d.caseId} · similarity ${d.similarity.toFixed(3)} · input: ${short(d.input, 70)}`);
      lines.push(`    pinned:  ${short(d.pinned)}`, `    current: ${short(d.current)}`);
      const scores = Object.entries(d.scores).filter(([, v]) => v.pinned !== null || v.current !== null);
      if (scores.length)
        lines.push(
          `    scores (pinned → current): ${scores.map(([n, v]) => `${n} ${v.pinned?.toFixed(2) ?? '–'} → ${v.current?.toFixed(2) ?? '–'}`).join(', ')}`,
        );
    }
  }
  lines.push(
    '',
    `history: ${path.relative(process.cwd(), r.historyFile)}${r.incompleteReason ? ' (not appended: run incomplete)' : ''}`,
  );
  if (r.incompleteReason) lines.push(`incomplete: ${r.incompleteReason}`);
  if (r.notified)
    lines.push(r.notified.sent ? 'notified: the webhook took the message' : `warning: ${r.notified.warning ?? ''}`);
  const fired = r.decision.signals.filter((x) => x.drifted).map((x) => x.name);
  lines.push(
    `${r.decision.drifted ? 'DRIFT' : 'no drift'} · ${driftHeadline(r.decision)}${fired.length ? ` · signals: ${fired.join(', ')}` : ''}${r.decision.drifted && !r.decision.failed ? ' · exit 0 (drift.fail_on: worse)' : ''}`,
  );
  return lines.join('\n');
}
