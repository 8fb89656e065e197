/**
 * Summaries of scores, chosen by each score's kind (SPEC "Statistics"):
 * - binary → pass rate with a Wilson interval (one sample per case), or a t interval over case
 *   means when cases have repeats (repeats of a case are not independent);
 * - continuous → mean with a percentile bootstrap interval over case means (scores are bounded and
 *   skewed), plus a pass rate when it has a threshold;
 * - `pass_rate` → share of calls whose every thresholded score passed.
 * Error scores are left out and counted (`errors`), never counted as failures of the model.
 */
import { caseMeans, meanInterval } from '../stats/mean-interval.js';
import { wilson } from '../stats/wilson.js';
import { bootstrapMeanInterval } from '../stats/bootstrap.js';
import { mulberry32, seedFrom } from '../stats/rng.js';
import type { RecordFacts } from '../records/record-facts.js';
import { groupBy } from '../util/group-by.js';

export interface ScoreMetric {
  /** `pass_rate`, a scorer's name (its rate or mean), or `<name>.pass_rate`. */
  readonly metric: string;
  readonly kind: 'rate' | 'mean';
  /** Independent units: cases. */
  readonly n: number;
  /** Null when no output has a value (every scoring failed): never NaN. */
  readonly mean: number | null;
  readonly ci: readonly [number, number] | null;
  /** Scores that failed to compute (left out of n). */
  readonly errors: number;
}

/** A configured scorer, so it has its row even when no record carries a score of it. */
export interface ScorerDeclaration {
  readonly name: string;
  readonly kind: 'binary' | 'continuous';
  readonly against?: string;
}

const noValues = (metric: string, kind: ScoreMetric['kind'], errors: number): ScoreMetric => ({ metric, kind, n: 0, mean: null, ci: null, errors });

function rateOverCases(metric: string, perRecord: readonly { caseId: string; pass: boolean }[], errors: number): ScoreMetric {
  if (perRecord.length === 0) return noValues(metric, 'rate', errors);
  const { means, repeated } = caseMeans(perRecord, (r) => r.caseId, (r) => (r.pass ? 1 : 0));
  if (!repeated) {
    const successes = perRecord.filter((r) => r.pass).length;
    const w = wilson(successes, perRecord.length);
    return { metric, kind: 'rate', n: w.n, mean: w.rate, ci: w.ci, errors };
  }
  const m = meanInterval(means);
  const ci = m.ci ? ([Math.max(0, m.ci[0]), Math.min(1, m.ci[1])] as const) : null;
  return { metric, kind: 'rate', n: m.n, mean: m.mean, ci, errors };
}

/**
 * `declared`: the suite's scorers; each gets its row (n 0, no value, its error count) even when it
 * scored nothing. Outputs a declared scorer applies to but carry no score of it count as errors.
 */
export function scoreMetrics(records: readonly RecordFacts[], declared: readonly ScorerDeclaration[] = []): ScoreMetric[] {
  const ok = records.filter((r) => r.status === 'ok');
  const names = [...new Set([...declared.map((d) => d.name), ...ok.flatMap((r) => r.scores.map((s) => s.name))])];
  const declaredOf = new Map(declared.map((d) => [d.name, d]));
  const metrics: ScoreMetric[] = [];

  const gated = ok.filter((r) => r.scores.some((s) => s.pass !== undefined || s.error !== undefined));
  if (gated.length > 0) {
    const clean = gated.filter((r) => r.scores.every((s) => s.error === undefined));
    metrics.push(rateOverCases('pass_rate', clean.map((r) => ({ caseId: r.caseId, pass: r.scores.every((s) => s.pass !== false) })), gated.length - clean.length));
  }
  for (const name of names) {
    const scores = ok.flatMap((r) => r.scores.filter((s) => s.name === name).map((s) => ({ caseId: r.caseId, s })));
    const valid = scores.filter(({ s }) => s.error === undefined && s.value !== null);
    const decl = declaredOf.get(name);
    const applicable = decl ? ok.filter((r) => r.target !== decl.against).length : scores.length;
    const errors = Math.max(scores.length, applicable) - valid.length;
    const kind = scores[0]?.s.kind ?? decl?.kind;
    if (valid.length === 0) {
      metrics.push(noValues(name, kind === 'binary' ? 'rate' : 'mean', errors));
      continue;
    }
    if (kind === 'binary') {
      metrics.push(rateOverCases(name, valid.map(({ caseId, s }) => ({ caseId, pass: s.pass ?? s.value === 1 })), errors));
      continue;
    }
    // Scores are bounded in [0, 1] and often piled up at one end: a percentile bootstrap over case
    // means stays inside the bounds and follows the skew, where a t interval would not.
    const { means } = caseMeans(valid, (v) => v.caseId, (v) => v.s.value as number);
    const mean = means.reduce((a, b) => a + b, 0) / means.length;
    const ci = bootstrapMeanInterval(means, mulberry32(seedFrom(name)));
    metrics.push({ metric: name, kind: 'mean', n: means.length, mean, ci, errors });
    const thresholded = valid.filter(({ s }) => s.pass !== undefined);
    if (thresholded.length > 0) metrics.push(rateOverCases(`${name}.pass_rate`, thresholded.map(({ caseId, s }) => ({ caseId, pass: s.pass === true })), errors));
  }
  return metrics;
}

/** Dollars spent on judging and embedding these records' outputs (null when any call was unpriced). */
export function scoringCostUsd(records: readonly RecordFacts[]): number | null {
  let total = 0;
  for (const r of records) {
    for (const s of r.scores) {
      const judge = s.details?.judge as { costUsd?: number | null } | undefined;
      if (judge === undefined) continue;
      if (judge.costUsd === null || judge.costUsd === undefined) return null;
      total += judge.costUsd;
    }
  }
  return total;
}
