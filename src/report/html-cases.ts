/**
 * The per-case table of the HTML report: one row per case and target, the output beside the
 * baseline's (eval with a baseline) or beside the pinned model's (drift), scores, status. Rows
 * carry data attributes the page's filter reads; every cell is escaped text.
 */
import { renderAnswer } from '../conversation/types.js';
import type { CallRecord } from '../records/call-record.js';
import { escapeHtml as esc } from './escape.js';
import { driftTargets, type ReportModel } from './report-model.js';

interface Row {
  readonly suite: string;
  readonly target: string;
  readonly caseId: string;
  readonly status: 'regressed' | 'improved' | 'failing' | 'error' | 'ok';
  readonly scores: string;
  readonly left: { readonly label: string; readonly text: string } | undefined;
  readonly right: string;
}

const scoreText = (r: CallRecord) =>
  r.scores
    .map(
      (s) =>
        `${s.name} ${s.error !== undefined ? 'error' : s.value === null ? '–' : s.value.toFixed(2)}${s.pass === false ? ' ✗' : s.pass === true ? ' ✓' : ''}`,
    )
    .join(' · ');

function rowsOf(model: ReportModel): Row[] {
  const first = model.records.filter((r) => r.repeat === 0);
  if (model.drift) {
    const targets = driftTargets(model);
    const pinned = new Map(first.filter((r) => r.target === targets.pinned).map((r) => [r.caseId, r]));
    return first
      .filter((r) => r.target === targets.current)
      .map((r) => {
        const p = pinned.get(r.caseId);
        return {
          suite: r.suite,
          target: r.target,
          caseId: r.caseId,
          status: r.status === 'error' ? 'error' : r.scores.some((s) => s.pass === false) ? 'failing' : 'ok',
          scores: `${scoreText(r)}${p ? ` (pinned: ${scoreText(p)})` : ''}`,
          left: {
            label: `pinned (${targets.pinned})`,
            text: p?.output != null ? renderAnswer(p.output, p.toolCalls) : (p?.error?.message ?? ''),
          },
          right: r.output != null ? renderAnswer(r.output, r.toolCalls) : (r.error?.message ?? ''),
        };
      });
  }
  const flips = new Map(
    (model.gate?.report.suites ?? []).flatMap((s) =>
      s.flips.map((fl) => [`${s.suite}/${s.target}/${fl.caseId}`, fl.direction] as const),
    ),
  );
  return first.map((r) => {
    const base = model.gate?.baselineOutputs[r.suite]?.[`${r.target}/${r.caseId}`];
    const flip = flips.get(`${r.suite}/${r.target}/${r.caseId}`);
    return {
      suite: r.suite,
      target: r.target,
      caseId: r.caseId,
      status: r.status === 'error' ? 'error' : (flip ?? (r.scores.some((s) => s.pass === false) ? 'failing' : 'ok')),
      scores: scoreText(r),
      left: base === undefined ? undefined : { label: 'baseline', text: base },
      right:
        r.output != null
          ? renderAnswer(r.output, r.toolCalls)
          : `${r.error?.kind ?? 'error'}: ${r.error?.message ?? ''}`,
    };
  });
}

/** Rows shown at most: a 100,000-case run still makes a page a browser opens. */
export const MAX_CASE_ROWS = 2_000;
/** Characters of one output shown in a cell; the rest is in cases.jsonl. */
export const MAX_CELL_CHARS = 4_000;
const SEVERITY: Readonly<Record<Row['status'], number>> = { regressed: 0, error: 1, failing: 2, improved: 3, ok: 4 };

const clip = (text: string): string =>
  text.length > MAX_CELL_CHARS
    ? `${text.slice(0, MAX_CELL_CHARS)}… (${(text.length - MAX_CELL_CHARS).toLocaleString('en-US')} more characters in cases.jsonl)`
    : text;

export function caseTableHtml(model: ReportModel, maxRows = MAX_CASE_ROWS): string {
  const all = rowsOf(model);
  // Worst first (stable within a status), then cut: what is left out is only ever the calmer rows.
  const rows = all
    .map((r, i) => [r, i] as const)
    .sort((a, b) => SEVERITY[a[0].status] - SEVERITY[b[0].status] || a[1] - b[1])
    .slice(0, maxRows)
    .map(([r]) => r);
  const leftOut = all.length - rows.length;
  const leftOutNote =
    leftOut > 0
      ? `<p class="note">${leftOut.toLocaleString('en-US')} more rows (${[
          ...new Set(
            all
              .slice()
              .sort((a, b) => SEVERITY[a.status] - SEVERITY[b.status])
              .slice(maxRows)
              .map((r) => r.status),
          ),
        ].join(
          ', ',
        )}) left out: the table shows the ${maxRows.toLocaleString('en-US')} worst; every case is in cases.jsonl.</p>\n`
      : '';
  const leftLabel = rows.find((r) => r.left)?.left?.label;
  const statuses = ['regressed', 'failing', 'error', 'improved', 'ok'].filter((s) => rows.some((r) => r.status === s));
  const head = `<tr><th>case</th><th>suite · target</th><th>status</th><th>scores</th>${leftLabel ? `<th>${esc(leftLabel)} output</th>` : ''}<th>${model.drift ? `current (${driftTargets(model).current})` : 'output now'}</th></tr>`;
  const body = rows
    .map(
      (r) =>
        `<tr class="case-row" data-status="${r.status}"><td><code>${esc(r.caseId)}</code></td><td>${esc(r.suite)} · ${esc(r.target)}</td><td class="status ${r.status}">${r.status}</td><td>${esc(r.scores)}</td>${leftLabel ? `<td><pre>${esc(clip(r.left?.text ?? ''))}</pre></td>` : ''}<td><pre>${esc(clip(r.right))}</pre></td></tr>`,
    )
    .join('\n');
  return `<section id="cases"><h2>Cases</h2>
<div class="filters"><label>Filter <input id="case-filter" type="search" placeholder="case id, text in outputs or scores"></label>
<label>Status <select id="status-filter"><option value="">all</option>${statuses.map((s) => `<option value="${s}">${s}</option>`).join('')}</select></label>
<span id="case-count">${rows.length} of ${rows.length} rows</span></div>
${leftOutNote}<table class="cases"><thead>${head}</thead><tbody>
${body}
</tbody></table></section>`;
}

/** The page's only script: filter rows by text and status. Its hash goes into the page's CSP. */
export const FILTER_SCRIPT = `(function () {
  var text = document.getElementById('case-filter');
  var status = document.getElementById('status-filter');
  var count = document.getElementById('case-count');
  var rows = Array.prototype.slice.call(document.querySelectorAll('tr.case-row'));
  function apply() {
    var q = (text.value || '').toLowerCase();
    var s = status.value;
    var shown = 0;
    rows.forEach(function (row) {
      var ok = (!s || row.getAttribute('data-status') === s) && (!q || row.textContent.toLowerCase().indexOf(q) !== -1);
      row.hidden = !ok;
      if (ok) shown++;
    });
    count.textContent = shown + ' of ' + rows.length + ' rows';
  }
  text.addEventListener('input', apply);
  status.addEventListener('change', apply);
})();`;
