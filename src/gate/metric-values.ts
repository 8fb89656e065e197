/**
 * Per-case values of each comparable metric, for the cases a baseline and a run share. Repeats are
 * averaged within a case, so cases are the independent units of every test.
 *
 * Metrics: `pass_rate` (a call passes when all its thresholded scores pass), one per scorer
 * (binary → pass share, continuous → mean value), `cost` (dollars per call), `latency` (mean ms)
 * and `latency_p95`. A scorer whose `scorerId` differs between the two sides is not compared: its
 * values would come from two different judges.
 */
import type { BaselineCase, BaselineScore } from '../baselines/baseline-file.js';
import type { CallRecord, Score } from '../runner/call-record.js';

export type MetricShape = 'rate' | 'mean' | 'relative-mean' | 'relative-p95';

export interface MetricSpec {
  readonly name: string;
  readonly shape: MetricShape;
  readonly higherIsBetter: boolean;
}

export interface PairedValues {
  readonly caseIds: string[];
  readonly baseline: number[];
  readonly current: number[];
  /** Every case has one 0/1 observation on each side: McNemar applies. */
  readonly binarySingle: boolean;
}

type AnyScore = Pick<Score, 'name' | 'kind' | 'scorerId' | 'value' | 'pass' | 'error'> | BaselineScore;

interface Observation {
  readonly scores: readonly AnyScore[];
  readonly costUsd: number | null;
  readonly latencyMs: number | null;
}

function passOf(scores: readonly AnyScore[]): number | undefined {
  const thresholded = scores.filter((s) => s.pass !== undefined || s.error !== undefined);
  if (thresholded.length === 0 || thresholded.some((s) => s.error !== undefined)) return undefined;
  return thresholded.every((s) => s.pass === true) ? 1 : 0;
}

function scoreValue(scores: readonly AnyScore[], name: string, scorerId: string): number | undefined {
  const s = scores.find((x) => x.name === name);
  if (!s || s.scorerId !== scorerId || s.error !== undefined || s.value === null) return undefined;
  return s.kind === 'binary' ? (s.pass ?? s.value === 1 ? 1 : 0) : s.value;
}

export function valueOf(spec: MetricSpec, o: Observation, scorerId?: string): number | undefined {
  switch (spec.name) {
    case 'pass_rate':
      return passOf(o.scores);
    case 'cost':
      return o.costUsd ?? undefined;
    case 'latency':
    case 'latency_p95':
      return o.latencyMs ?? undefined;
    default:
      return scorerId === undefined ? undefined : scoreValue(o.scores, spec.name, scorerId);
  }
}

const meanOf = (xs: readonly number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;

export function pairValues(
  spec: MetricSpec,
  caseIds: readonly string[],
  baseline: ReadonlyMap<string, readonly BaselineCase[]>,
  current: ReadonlyMap<string, readonly CallRecord[]>,
  scorerId?: string,
): PairedValues {
  const out: PairedValues = { caseIds: [], baseline: [], current: [], binarySingle: true };
  let binarySingle = spec.shape === 'rate';
  for (const id of caseIds) {
    const b = (baseline.get(id) ?? []).map((o) => valueOf(spec, o, scorerId)).filter((v): v is number => v !== undefined);
    const c = (current.get(id) ?? []).map((o) => valueOf(spec, o, scorerId)).filter((v): v is number => v !== undefined);
    if (b.length === 0 || c.length === 0) continue;
    if (b.length > 1 || c.length > 1) binarySingle = false;
    out.caseIds.push(id);
    out.baseline.push(meanOf(b));
    out.current.push(meanOf(c));
  }
  return { ...out, binarySingle };
}
