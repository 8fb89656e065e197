/**
 * Per-case reliability with `repeats: k`: a case passes a call when every thresholded score of that
 * call passes (as `pass_rate` counts). Per case: its passes of k; pass^k (all k passed) and pass@k
 * (at least one did) over the suite; flaky cases — that both passed and failed — most flaky first
 * (closest to half passing). Calls whose scoring failed are left out.
 */
import type { RecordFacts } from '../../records/record-facts.js';

export interface FlakyCase {
  readonly caseId: string;
  readonly passes: number;
  readonly of: number;
}

export interface Reliability {
  /** Repeats per case (the most any case had). */
  readonly k: number;
  readonly cases: number;
  /** Share of cases whose every call passed. */
  readonly passAll: number;
  /** Share of cases with at least one passing call. */
  readonly passAny: number;
  readonly flaky: readonly FlakyCase[];
}

/** Undefined without repeats or without thresholded scores. */
export function reliability(records: readonly RecordFacts[]): Reliability | undefined {
  // Without repeats there is nothing to say: no list per case for a suite of single calls.
  const caseIds = new Set<string>();
  if (!records.some((r) => caseIds.size === caseIds.add(r.caseId).size)) return undefined;
  const byCase = new Map<string, boolean[]>();
  for (const r of records) {
    if (r.status !== 'ok') continue;
    const thresholded = r.scores.filter((s) => s.pass !== undefined || s.error !== undefined);
    if (thresholded.length === 0 || thresholded.some((s) => s.error !== undefined)) continue;
    const list = byCase.get(r.caseId) ?? [];
    list.push(thresholded.every((s) => s.pass === true));
    byCase.set(r.caseId, list);
  }
  const k = Math.max(0, ...[...byCase.values()].map((v) => v.length));
  if (k < 2 || byCase.size === 0) return undefined;
  const cases = [...byCase];
  const passes = (v: boolean[]) => v.filter(Boolean).length;
  const flaky = cases
    .filter(([, v]) => passes(v) > 0 && passes(v) < v.length)
    .map(([caseId, v]) => ({ caseId, passes: passes(v), of: v.length }))
    .sort(
      (a, b) => Math.abs(a.passes / a.of - 0.5) - Math.abs(b.passes / b.of - 0.5) || (a.caseId < b.caseId ? -1 : 1),
    );
  return {
    k,
    cases: cases.length,
    passAll: cases.filter(([, v]) => passes(v) === v.length).length / cases.length,
    passAny: cases.filter(([, v]) => passes(v) > 0).length / cases.length,
    flaky,
  };
}

/** "reliability over 3 repeats: pass^3 82.4% · pass@3 94.1% · 4 flaky cases: q12 (1/3), q7 (2/3), …" */
export function describeReliability(r: Reliability, show = 10): string {
  const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
  const list = r.flaky.slice(0, show).map((f) => `${f.caseId} (${f.passes}/${f.of})`);
  const more = r.flaky.length > show ? `, … ${r.flaky.length - show} more` : '';
  return `reliability over ${r.k} repeats: pass^${r.k} ${pct(r.passAll)} · pass@${r.k} ${pct(r.passAny)} · ${r.flaky.length} flaky case${r.flaky.length === 1 ? '' : 's'}${r.flaky.length ? `: ${list.join(', ')}${more}` : ''}`;
}
