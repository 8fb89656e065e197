/**
 * Summaries of scores, chosen by each score's kind (SPEC "Statistics"):
 * - binary → pass rate with a Wilson interval (one sample per case), or a t interval over case
 *   means when cases have repeats (repeats of a case are not independent);
 * - continuous → mean with a percentile bootstrap interval over case means (scores are bounded and
 *   skewed), plus a pass rate when it has a threshold;
 * - `pass_rate` → share of calls whose every thresholded score passed.
 * Error scores are left out and counted (`errors`), never counted as failures of the model.
 */
import { judgeCostOf } from '../../records/score-details.js';
import { caseIndex, caseMeans, meanInterval } from '../../stats/mean-interval.js';
import { wilson } from '../../stats/wilson.js';
import { bootstrapMeanInterval } from '../../stats/bootstrap.js';
import { mulberry32, seedFrom } from '../../stats/rng.js';
import type { RecordFacts, ScoreFacts } from '../../records/record-facts.js';

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

const noValues = (metric: string, kind: ScoreMetric['kind'], errors: number): ScoreMetric => ({
  metric,
  kind,
  n: 0,
  mean: null,
  ci: null,
  errors,
});

/** Pass/fail per call, with the call's case: parallel lists, not an object per call. */
interface Passes {
  readonly caseIds: string[];
  readonly passes: number[];
}

const noPasses = (): Passes => ({ caseIds: [], passes: [] });

function rateOverCases(
  metric: string,
  calls: Passes,
  errors: number,
  index?: ReadonlyMap<string, number>,
): ScoreMetric {
  const n = calls.passes.length;
  if (n === 0) return noValues(metric, 'rate', errors);
  const { means, repeated } = caseMeans(
    calls.passes.keys(),
    (i) => calls.caseIds[i] as string,
    (i) => calls.passes[i],
    index,
  );
  if (!repeated) {
    const w = wilson(
      calls.passes.reduce((a, b) => a + b, 0),
      n,
    );
    return { metric, kind: 'rate', n: w.n, mean: w.rate, ci: w.ci, errors };
  }
  const m = meanInterval(means);
  const ci = m.ci ? ([Math.max(0, m.ci[0]), Math.min(1, m.ci[1])] as const) : null;
  return { metric, kind: 'rate', n: m.n, mean: m.mean, ci, errors };
}

/**
 * `declared`: the suite's scorers; each gets its row (n 0, no value, its error count) even when it
 * scored nothing. Outputs a declared scorer applies to but carry no score of it count as errors.
 * Written as loops over the records, without a list or an object per record: at 100,000 cases the
 * per-record lists cost more memory than the run's facts.
 */
export function scoreMetrics(
  records: readonly RecordFacts[],
  declared: readonly ScorerDeclaration[] = [],
  index = caseIndex(records, (r) => r.caseId),
): ScoreMetric[] {
  const ok = records.filter((r) => r.status === 'ok');
  const names = new Set(declared.map((d) => d.name));
  for (const r of ok) for (const s of r.scores) names.add(s.name);
  const declaredOf = new Map(declared.map((d) => [d.name, d]));
  const metrics: ScoreMetric[] = [];

  let gated = 0;
  const overall = noPasses();
  for (const r of ok) {
    if (!r.scores.some((s) => s.pass !== undefined || s.error !== undefined)) continue;
    gated++;
    if (!r.scores.every((s) => s.error === undefined)) continue;
    overall.caseIds.push(r.caseId);
    overall.passes.push(r.scores.every((s) => s.pass !== false) ? 1 : 0);
  }
  if (gated > 0) metrics.push(rateOverCases('pass_rate', overall, gated - overall.passes.length, index));

  for (const name of names) {
    // Every score of this name, and of them the valid ones (with their case), in record order.
    let scored = 0;
    let kindSeen: ScoreFacts['kind'] | undefined;
    const validCases: string[] = [];
    const validScores: ScoreFacts[] = [];
    for (const r of ok) {
      for (const s of r.scores) {
        if (s.name !== name) continue;
        scored++;
        kindSeen ??= s.kind;
        if (s.error === undefined && s.value !== null) {
          validCases.push(r.caseId);
          validScores.push(s);
        }
      }
    }
    const decl = declaredOf.get(name);
    const applicable = decl ? ok.reduce((n, r) => (r.target !== decl.against ? n + 1 : n), 0) : scored;
    const errors = Math.max(scored, applicable) - validScores.length;
    const kind = kindSeen ?? decl?.kind;
    if (validScores.length === 0) {
      metrics.push(noValues(name, kind === 'binary' ? 'rate' : 'mean', errors));
      continue;
    }
    if (kind === 'binary') {
      metrics.push(
        rateOverCases(
          name,
          { caseIds: validCases, passes: validScores.map((s) => ((s.pass ?? s.value === 1) ? 1 : 0)) },
          errors,
          index,
        ),
      );
      continue;
    }
    // Scores are bounded in [0, 1] and often piled up at one end: a percentile bootstrap over case
    // means stays inside the bounds and follows the skew, where a t interval would not.
    const { means } = caseMeans(
      validScores.keys(),
      (i) => validCases[i] as string,
      (i) => (validScores[i] as ScoreFacts).value as number,
      index,
    );
    const mean = means.reduce((a, b) => a + b, 0) / means.length;
    const ci = bootstrapMeanInterval(means, mulberry32(seedFrom(name)));
    metrics.push({ metric: name, kind: 'mean', n: means.length, mean, ci, errors });
    const thresholded = noPasses();
    for (const [i, s] of validScores.entries()) {
      if (s.pass === undefined) continue;
      thresholded.caseIds.push(validCases[i] as string);
      thresholded.passes.push(s.pass ? 1 : 0);
    }
    if (thresholded.passes.length > 0) metrics.push(rateOverCases(`${name}.pass_rate`, thresholded, errors, index));
  }
  return metrics;
}

/** Dollars spent on judging and embedding these records' outputs (null when any call was unpriced). */
export function scoringCostUsd(records: readonly RecordFacts[]): number | null {
  let total = 0;
  for (const r of records) {
    for (const s of r.scores) {
      const judge = judgeCostOf(s);
      if (judge === undefined) continue;
      if (judge.costUsd === null) return null;
      total += judge.costUsd;
    }
  }
  return total;
}
