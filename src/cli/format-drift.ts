/** The terminal drift report: the sample, each signal with its effect and adjusted p, the most divergent pairs, the verdict. */
import path from 'node:path';
import type { DriftResult } from '../drift/run-drift.js';
import { formatRedactions, formatSignalEffect, formatSignalP, scorerHealthLines, signalState } from '../report/format-metric.js';
import { renderTable } from './table.js';

const short = (text: string, n = 90) => {
  const one = text.replace(/\s+/g, ' ').trim();
  return one.length > n ? `${one.slice(0, n - 1)}…` : one;
};

export function formatDriftReport(r: DriftResult): string {
  const s = r.sample;
  const lines = [
    `driftgate drift · run ${r.runId} · seed ${s.seed}`,
    `sample: ${s.size} distinct inputs from ${s.lines.toLocaleString('en-US')} log lines (${s.outsideWindow} outside the window, ${s.badLines} unusable) · redacted: ${formatRedactions(r.redactions)}`,
    ...(s.strata.length > 1 ? [`strata: ${s.strata.map((x) => `${x.stratum} ${x.sampled}/${x.lines}`).join(', ')}`] : []),
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
  const failing = scorerHealthLines(r.scorers);
  if (failing.length) lines.push('', 'scorer errors:', ...failing.map((l) => `  ${l}`));
  const identity = r.decision.signals.find((x) => x.name === 'model identity')?.details as { pinned: string[]; current: string[] } | undefined;
  if (identity) lines.push('', `models reported: pinned ${identity.pinned.join(', ') || '–'} · current ${identity.current.join(', ') || '–'}`);
  if (r.divergent.length > 0) {
    lines.push('', 'most divergent pairs (lowest similarity first):');
    for (const d of r.divergent) {
      lines.push(`  ${d.caseId} · similarity ${d.similarity.toFixed(3)} · input: ${short(d.input, 70)}`);
      lines.push(`    pinned:  ${short(d.pinned)}`, `    current: ${short(d.current)}`);
      const scores = Object.entries(d.scores).filter(([, v]) => v.pinned !== null || v.current !== null);
      if (scores.length) lines.push(`    scores (pinned → current): ${scores.map(([n, v]) => `${n} ${v.pinned?.toFixed(2) ?? '–'} → ${v.current?.toFixed(2) ?? '–'}`).join(', ')}`);
    }
  }
  lines.push('', `history: ${path.relative(process.cwd(), r.historyFile)}${r.incompleteReason ? ' (not appended: run incomplete)' : ''}`);
  if (r.incompleteReason) lines.push(`incomplete: ${r.incompleteReason}`);
  lines.push(r.decision.drifted ? `DRIFT at α = ${r.decision.alpha}: ${r.decision.signals.filter((x) => x.drifted).map((x) => x.name).join(', ')}` : `no drift at α = ${r.decision.alpha}`);
  return lines.join('\n');
}
