/**
 * Per-suite, per-target summaries of a run's journal: calls, errors, tokens, dollars, latency, and
 * the model ids the provider reported. Means carry 95% intervals over cases (repeats averaged
 * within a case first, so cases are the independent units).
 */
import { caseIndex, caseMeans, meanInterval } from '../../stats/mean-interval.js';
import { quantile } from '../../stats/quantile.js';
import type { RecordFacts } from '../../records/record-facts.js';
import type { Case } from '../../datasets/case.js';
import { scoreMetrics, scoringCostUsd, type ScoreMetric, type ScorerDeclaration } from './score-summary.js';
import { calibrate, type Calibration } from '../scoring/calibration.js';
import { reliability, type Reliability } from './reliability.js';

export interface MetricSummary {
  /** e.g. `cost_per_call`, `latency_ms`. */
  readonly metric: string;
  readonly n: number;
  readonly mean: number;
  readonly ci: readonly [number, number] | null;
}

export interface TargetSummary {
  readonly target: string;
  readonly model: string;
  /** Distinct provider-reported model ids and system fingerprints (a change reveals a silent update). */
  readonly providerModels: readonly string[];
  readonly systemFingerprints: readonly string[];
  readonly cases: number;
  readonly calls: number;
  readonly errors: number;
  readonly cached: number;
  readonly inputTokens: number;
  readonly outputTokens: number;
  /** Total dollars of the answers (null when any answer is unpriced). */
  readonly costUsd: number | null;
  /** Dollars of the judge verdicts on these answers (null when unpriced). */
  readonly scoringCostUsd: number | null;
  readonly latencyP50Ms: number | null;
  readonly latencyP95Ms: number | null;
  readonly metrics: readonly MetricSummary[];
  /** Pass rates and score means with their intervals (score-summary.ts). */
  readonly scores: readonly ScoreMetric[];
  /** Judge-vs-human agreement on labelled cases. */
  readonly calibration: readonly Calibration[];
  /** With repeats: pass^k, pass@k and the flaky cases (reliability.ts). */
  readonly reliability?: Reliability;
}

export interface SuiteSummary {
  readonly suite: string;
  /** Quarantined case ids (run and reported, left out of the gate). */
  readonly quarantined?: readonly string[];
  readonly targets: readonly TargetSummary[];
}

export interface RunTotals {
  readonly calls: number;
  readonly errors: number;
  readonly cached: number;
  readonly inputTokens: number;
  readonly outputTokens: number;
  /** Dollars paid by this run: answers, judge verdicts and embeddings not served from the cache. */
  readonly spentUsd: number;
  /** Dollars the answers cost when produced; null when any is unpriced. */
  readonly costUsd: number | null;
}

export function summariseSuites(
  records: readonly RecordFacts[],
  suiteOrder: readonly string[],
  casesBySuite: ReadonlyMap<string, ReadonlyMap<string, Case>> = new Map(),
  scorersBySuite: ReadonlyMap<string, readonly ScorerDeclaration[]> = new Map(),
): SuiteSummary[] {
  const bySuite = groupBy(records, (r) => r.suite);
  return suiteOrder
    .filter((s) => bySuite.has(s))
    .map((suite) => {
      const byTarget = groupBy(bySuite.get(suite) ?? [], (r) => r.target);
      const cases = casesBySuite.get(suite) ?? new Map<string, Case>();
      const declared = scorersBySuite.get(suite) ?? [];
      return {
        suite,
        targets: [...byTarget].map(([target, rs]) =>
          summariseTarget(
            target,
            rs,
            cases,
            declared.filter((d) => d.against !== target),
          ),
        ),
      };
    });
}

function summariseTarget(
  target: string,
  records: readonly RecordFacts[],
  cases: ReadonlyMap<string, Case>,
  declared: readonly ScorerDeclaration[],
): TargetSummary {
  const ok = records.filter((r) => r.status === 'ok');
  const latencies = ok.map((r) => r.latencyMs).filter((v): v is number => v !== null);
  const priced = ok.every((r) => r.costUsd !== null);
  const reliabilityOf = reliability(records);
  // One map of the cases serves every per-case mean below.
  const index = caseIndex(records, (r) => r.caseId);
  return {
    target,
    model: records[0]?.model ?? '',
    providerModels: distinct(ok.map((r) => r.providerModel)),
    systemFingerprints: distinct(ok.map((r) => r.systemFingerprint)),
    cases: index.size,
    calls: records.length,
    errors: records.length - ok.length,
    cached: records.filter((r) => r.cached).length,
    inputTokens: sum(ok.map((r) => r.inputTokens ?? 0)),
    outputTokens: sum(ok.map((r) => r.outputTokens ?? 0)),
    costUsd: priced ? sum(ok.map((r) => r.costUsd ?? 0)) : null,
    scoringCostUsd: scoringCostUsd(ok),
    latencyP50Ms: latencies.length ? quantile(latencies, 0.5) : null,
    latencyP95Ms: latencies.length ? quantile(latencies, 0.95) : null,
    metrics: [
      ...(priced ? [perCaseMetric('cost_per_call', ok, (r) => r.costUsd, index)] : []),
      perCaseMetric('latency_ms', ok, (r) => r.latencyMs, index),
      perCaseMetric('output_tokens', ok, (r) => r.outputTokens, index),
    ].filter((m) => m.n > 0),
    scores: scoreMetrics(records, declared, index),
    ...(reliabilityOf ? { reliability: reliabilityOf } : {}),
    calibration: calibrate(ok, cases),
  };
}

function perCaseMetric(
  metric: string,
  records: readonly RecordFacts[],
  value: (r: RecordFacts) => number | null,
  index: ReadonlyMap<string, number>,
): MetricSummary {
  const m = meanInterval(
    caseMeans(
      records,
      (r) => r.caseId,
      (r) => value(r) ?? undefined,
      index,
    ).means,
  );
  return { metric, n: m.n, mean: m.mean, ci: m.ci };
}

export function runTotals(records: readonly RecordFacts[]): RunTotals {
  const ok = records.filter((r) => r.status === 'ok');
  return {
    calls: records.length,
    errors: records.length - ok.length,
    cached: records.filter((r) => r.cached).length,
    inputTokens: sum(ok.map((r) => r.inputTokens ?? 0)),
    outputTokens: sum(ok.map((r) => r.outputTokens ?? 0)),
    spentUsd: sum(ok.filter((r) => !r.cached).map((r) => r.costUsd ?? 0)),
    costUsd: ok.every((r) => r.costUsd !== null) ? sum(ok.map((r) => r.costUsd ?? 0)) : null,
  };
}

function groupBy<T>(items: readonly T[], key: (item: T) => string): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    const list = out.get(k);
    if (list) list.push(item);
    else out.set(k, [item]);
  }
  return out;
}

const sum = (xs: readonly number[]): number => xs.reduce((a, b) => a + b, 0);
const distinct = (xs: readonly (string | null)[]): string[] =>
  [...new Set(xs.filter((x): x is string => x !== null))].sort();
