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
import type { CallRecord, Score } from '../records/call-record.js';

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

function passOf(scores: readonly AnyScore[], only?: ReadonlySet<string>): number | undefined {
  const thresholded = scores.filter(
    (s) => (s.pass !== undefined || s.error !== undefined) && (only === undefined || only.has(s.name)),
  );
  if (thresholded.length === 0 || thresholded.some((s) => s.error !== undefined)) return undefined;
  return thresholded.every((s) => s.pass === true) ? 1 : 0;
}

function scoreValue(scores: readonly AnyScore[], name: string, scorerId: string): number | undefined {
  const s = scores.find((x) => x.name === name);
  if (!s || s.scorerId !== scorerId || s.error !== undefined || s.value === null) return undefined;
  return s.kind === 'binary' ? ((s.pass ?? s.value === 1) ? 1 : 0) : s.value;
}

/**
 * `passScorers`: for `pass_rate`, the scorers it is computed over (those identical on both sides,
 * so a scorer added since the baseline does not change what "passes" means); default all.
 */
export function valueOf(
  spec: MetricSpec,
  o: Observation,
  scorerId?: string,
  passScorers?: ReadonlySet<string>,
): number | undefined {
  switch (spec.name) {
    case 'pass_rate':
      return passOf(o.scores, passScorers);
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

export interface PairingInput {
  readonly spec: MetricSpec;
  readonly caseIds: readonly string[];
  readonly baseline: ReadonlyMap<string, readonly BaselineCase[]>;
  readonly current: ReadonlyMap<string, readonly CallRecord[]>;
  /** A scorer metric's id now: only baseline scores with the same id pair. */
  readonly scorerId?: string | undefined;
  /** pass_rate: the scorers both sides ran alike. */
  readonly passScorers?: ReadonlySet<string>;
}

export function pairValues(input: PairingInput): PairedValues {
  const { spec, caseIds, baseline, current, scorerId, passScorers } = input;
  const out: PairedValues = { caseIds: [], baseline: [], current: [], binarySingle: true };
  let binarySingle = spec.shape === 'rate';
  for (const id of caseIds) {
    const b = (baseline.get(id) ?? [])
      .map((o) => valueOf(spec, o, scorerId, passScorers))
      .filter((v): v is number => v !== undefined);
    const c = (current.get(id) ?? [])
      .map((o) => valueOf(spec, o, scorerId, passScorers))
      .filter((v): v is number => v !== undefined);
    if (b.length === 0 || c.length === 0) continue;
    if (b.length > 1 || c.length > 1) binarySingle = false;
    out.caseIds.push(id);
    out.baseline.push(meanOf(b));
    out.current.push(meanOf(c));
  }
  return { ...out, binarySingle };
}

/**
 * Current-side observations on the compared cases that have no value of this metric because a
 * scorer failed (pass_rate: any of its scorers failed).
 */
export function scoringErrors(
  spec: MetricSpec,
  caseIds: readonly string[],
  current: ReadonlyMap<string, readonly CallRecord[]>,
  passScorers?: ReadonlySet<string>,
): { errors: number; of: number } {
  let errors = 0;
  let of = 0;
  for (const id of caseIds) {
    for (const r of current.get(id) ?? []) {
      const relevant = r.scores.filter((s) =>
        spec.name === 'pass_rate' ? passScorers === undefined || passScorers.has(s.name) : s.name === spec.name,
      );
      if (spec.name !== 'pass_rate' && relevant.length === 0) continue;
      of++;
      if (relevant.some((s) => s.error !== undefined || s.value === null)) errors++;
    }
  }
  return { errors, of };
}
