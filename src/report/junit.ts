/**
 * `junit.xml`: one testcase per (case, scorer) and target, so any CI test view lists them.
 * A check that passed in the baseline and fails now is a failure (a regression); with no baseline
 * a failing check is a failure. A gated metric that regressed is a failing testcase of its own;
 * a call that errored is an error. Drift runs have one testcase per signal, drifted = failure.
 */
import { renderAnswer } from '../conversation/types.js';
import type { CallRecord } from '../records/call-record.js';
import { groupBy } from '../util/group-by.js';
import { escapeXml } from './escape.js';
import { formatDelta } from './format-metric.js';
import type { ReportModel } from './report-model.js';

interface TestCase {
  readonly name: string;
  readonly classname: string;
  readonly time: number;
  readonly failure?: { readonly message: string; readonly body: string };
  readonly error?: { readonly message: string };
  readonly out?: string;
}

const attr = (v: string) => escapeXml(v);

function renderSuite(name: string, cases: readonly TestCase[]): string {
  const failures = cases.filter((c) => c.failure).length;
  const errors = cases.filter((c) => c.error).length;
  const time = cases.reduce((a, c) => a + c.time, 0);
  const body = cases.map((c) => {
    const inner = [
      c.failure
        ? `      <failure message="${attr(c.failure.message)}" type="regression">${escapeXml(c.failure.body)}</failure>`
        : '',
      c.error ? `      <error message="${attr(c.error.message)}" type="call-error"/>` : '',
      c.out ? `      <system-out>${escapeXml(c.out)}</system-out>` : '',
    ].filter(Boolean);
    const open = `    <testcase name="${attr(c.name)}" classname="${attr(c.classname)}" time="${c.time.toFixed(3)}"`;
    return inner.length ? `${open}>\n${inner.join('\n')}\n    </testcase>` : `${open}/>`;
  });
  return [
    `  <testsuite name="${attr(name)}" tests="${cases.length}" failures="${failures}" errors="${errors}" time="${time.toFixed(3)}">`,
    ...body,
    '  </testsuite>',
  ].join('\n');
}

function caseTests(model: ReportModel, suite: string, target: string, records: readonly CallRecord[]): TestCase[] {
  const comparison = model.gate?.report.suites.find((s) => s.suite === suite && s.target === target);
  const flips = new Map((comparison?.flips ?? []).filter((f) => f.direction === 'regressed').map((f) => [f.caseId, f]));
  const classname = `${suite}.${target}`;
  const out: TestCase[] = [];
  for (const r of records) {
    const time = (r.latencyMs ?? 0) / 1000;
    const label = r.repeat > 0 ? `${r.caseId}#${r.repeat}` : r.caseId;
    if (r.status === 'error') {
      out.push({
        name: `${label} › call`,
        classname,
        time,
        error: { message: `${r.error?.kind ?? 'error'}: ${r.error?.message ?? ''}` },
      });
      continue;
    }
    for (const s of r.scores) {
      const name = `${label} › ${s.name}`;
      const shown = `${s.name} = ${s.value === null ? 'error' : s.value.toFixed(3)}${s.reason ? ` (${s.reason})` : ''}`;
      if (s.error !== undefined) {
        out.push({ name, classname, time, error: { message: `scorer failed: ${s.error}` } });
        continue;
      }
      const flip = flips.get(r.caseId);
      const regressed = comparison ? Boolean(flip?.checks.includes(s.name)) : s.pass === false;
      if (regressed) {
        const message = comparison ? `${s.name} passed in the baseline and fails now` : `${s.name} fails`;
        const full = `${shown}\n\n${flip ? `baseline output:\n${flip.baselineOutput}\n\n` : ''}output now:\n${renderAnswer(r.output ?? '', r.toolCalls)}`;
        const body =
          full.length > MAX_BODY_CHARS ? `${full.slice(0, MAX_BODY_CHARS)}… (the rest is in cases.jsonl)` : full;
        out.push({ name, classname, time, failure: { message, body } });
      } else {
        out.push({
          name,
          classname,
          time,
          out: `${shown}${s.pass === false ? ' — fails, as it did in the baseline' : ''}`,
        });
      }
    }
  }
  for (const m of comparison?.metrics ?? []) {
    if (!m.gated || m.status !== 'compared') continue;
    const name = `metric › ${m.metric}`;
    out.push(
      m.verdict === 'regressed'
        ? {
            name,
            classname,
            time: 0,
            failure: {
              message: `${m.metric} regressed: ${formatDelta(m)}, p (adjusted) ${m.pAdjusted?.toPrecision(2)}`,
              body: '',
            },
          }
        : { name, classname, time: 0, out: `${m.verdict ?? ''} ${formatDelta(m)}` },
    );
  }
  return out;
}

/** Testcases written at most (failures and errors first): CI test views choke on 300,000. */
export const MAX_TESTCASES = 10_000;
/** Characters of a failure body (two outputs and a score); the rest is in cases.jsonl. */
const MAX_BODY_CHARS = 8_000;

/**
 * The gated metrics' testcases, failures and errors first, then passing testcases, up to `max`; a
 * note testcase says what was left out.
 */
function bounded(cases: readonly TestCase[], max: number, classname: string): TestCase[] {
  if (cases.length <= max) return [...cases];
  const first = (c: TestCase) => Boolean(c.failure || c.error || c.name.startsWith('metric › '));
  const bad = cases.filter(first);
  const kept = [...bad.slice(0, max), ...cases.filter((c) => !first(c)).slice(0, Math.max(0, max - bad.length))];
  const out = `${(cases.length - kept.length).toLocaleString('en-US')} testcases left out (cap ${max.toLocaleString('en-US')}, failures and errors first); every result is in cases.jsonl`;
  return [...kept, { name: 'left out', classname, time: 0, out }];
}

export function renderJunit(model: ReportModel, maxTestcases = MAX_TESTCASES): string {
  const suites: { name: string; cases: TestCase[] }[] = [];
  if (model.drift) {
    const tests: TestCase[] = model.drift.decision.signals.map((s) => ({
      name: s.name,
      classname: 'drift',
      time: 0,
      ...(s.drifted
        ? {
            failure: {
              message: `drift: ${s.effectLabel} ${s.effect.toPrecision(3)}, p (Holm) ${s.pAdjusted?.toPrecision(2)}`,
              body: s.test,
            },
          }
        : {
            out: `${s.test}: effect ${Number.isFinite(s.effect) ? s.effect.toPrecision(3) : '–'}, p (Holm) ${s.pAdjusted ?? '–'}`,
          }),
    }));
    suites.push({ name: 'drift', cases: tests });
  } else {
    for (const [key, records] of groupBy(model.records, (r) => `${r.suite}\u0000${r.target}`)) {
      const [suite = '', target = ''] = key.split('\u0000');
      suites.push({ name: `${suite} · ${target}`, cases: caseTests(model, suite, target, records) });
    }
    // The cap is shared across suites in proportion to their size.
    const total = suites.reduce((n, s) => n + s.cases.length, 0);
    if (total > maxTestcases)
      for (const s of suites)
        s.cases = bounded(
          s.cases,
          Math.max(1, Math.floor((maxTestcases * s.cases.length) / total)),
          s.name.replace(' · ', '.'),
        );
  }
  const all = suites.flatMap((s) => s.cases);
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="driftgate ${attr(model.meta.runId)}" tests="${all.length}" failures="${all.filter((c) => c.failure).length}" errors="${all.filter((c) => c.error).length}">`,
    ...suites.map((s) => renderSuite(s.name, s.cases)),
    '</testsuites>',
    '',
  ].join('\n');
}
