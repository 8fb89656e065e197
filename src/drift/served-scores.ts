/**
 * The drift scorers on the answers production actually served — the sample's logged outputs — with
 * no generation cost (a judge still grades, through the run's cache). Each scorer's mean over the
 * sample, and per stratum, becomes a weekly metric (`served <scorer>`, `served <scorer> · <stratum>`)
 * that the history tests against the trailing runs (z-test, then EWMA), so "the quality of what we
 * served fell in `essay-feedback`" is reported even in a week nobody replays. Where users left 1/0
 * feedback on a sampled answer, each scorer's pass is compared with it (Cohen's κ): whether the
 * judge measures what users feel.
 */
import pLimit from 'p-limit';
import { weightedKappa } from '../stats/agreement.js';
import { JOURNAL_SCHEMA_VERSION, type OkRecord } from '../records/call-record.js';
import type { Scorer, ScoringServices } from '../scorers/types.js';
import type { PreparedCase } from '../runner/plan/plan.js';
import { safeScore } from '../runner/scoring/scoring.js';
import type { WeeklyMetric } from './history.js';
import { DRIFT_SUITE } from './drift-plan.js';
import type { SampledLog } from './sample-logs.js';

export const SERVED_TARGET = 'served';

/** The judge's (or a rule's) pass on a served answer against the user's own 1/0 feedback on it. */
export interface UserAgreement {
  readonly scorer: string;
  readonly feedback: string;
  readonly n: number;
  /** Cohen's κ of pass (value ≥ 0.5) against thumbs up. */
  readonly kappa: number;
  /** Share of items where the two agree. */
  readonly agreement: number;
}

export interface ServedScores {
  readonly metrics: Record<string, WeeklyMetric>;
  readonly agreement: readonly UserAgreement[];
}

/** Fewest items with both a score and the user's feedback for κ to be reported. */
const MIN_AGREEMENT_N = 20;

/**
 * Fewest scored answers for a weekly metric: below it the history's z-test false-alarms (simulated
 * in bench/production.ts, `servedHistory`: 3.2% at α 1% with 50 answers a run, 1.3% with 100, 1.0% with 200).
 */
export const MIN_SERVED_N = 100;

function metric(values: readonly number[]): WeeklyMetric | undefined {
  const n = values.length;
  if (n < MIN_SERVED_N) return undefined;
  const mean = values.reduce((a, b) => a + b, 0) / n;
  const variance = values.reduce((s, v) => s + (v - mean) ** 2, 0) / (n - 1);
  return { mean, se: Math.sqrt(variance / n), n };
}

export async function servedScores(options: {
  readonly items: readonly SampledLog[];
  /** The sample's cases, in the items' order (driftCases keeps it). */
  readonly cases: readonly PreparedCase[];
  readonly scorers: readonly Scorer[];
  readonly services: ScoringServices;
  readonly now: Date;
}): Promise<ServedScores> {
  // A scorer comparing with another target has no other answer here.
  const scorers = options.scorers.filter((s) => !s.against);
  const limit = pLimit(8);
  const byScorer = new Map<string, { all: number[]; strata: Map<string, number[]> }>();
  const pairs = new Map<string, { scorer: string; feedback: string; a: number[]; b: number[] }>();
  await Promise.all(
    options.items.flatMap((item, i) => {
      const prepared = options.cases[i];
      if (item.output === undefined || !prepared) return [];
      const record: OkRecord = {
        schemaVersion: JOURNAL_SCHEMA_VERSION,
        itemId: `${DRIFT_SUITE}/${prepared.case.id}/${SERVED_TARGET}/0`,
        suite: DRIFT_SUITE,
        caseId: prepared.case.id,
        target: SERVED_TARGET,
        repeat: 0,
        key: '',
        inputHash: '',
        status: 'ok',
        output: item.output,
        finishReason: null,
        inputTokens: null,
        outputTokens: null,
        costUsd: null,
        latencyMs: null,
        model: item.model ?? SERVED_TARGET,
        providerModel: item.model ?? null,
        systemFingerprint: null,
        cached: false,
        attempts: 0,
        scores: [],
        finishedAt: options.now.toISOString(),
      };
      return scorers.map((scorer) =>
        limit(async () => {
          const score = await safeScore(
            scorer,
            { case: prepared.case, messages: prepared.messages, output: item.output ?? '', record },
            options.services,
          );
          if (score.value === null) return;
          const entry = byScorer.get(scorer.name) ?? { all: [], strata: new Map<string, number[]>() };
          entry.all.push(score.value);
          entry.strata.set(item.stratum, [...(entry.strata.get(item.stratum) ?? []), score.value]);
          byScorer.set(scorer.name, entry);
          for (const f of item.feedback ?? []) {
            if (f.value !== 0 && f.value !== 1) continue;
            const key = `${scorer.name}\u0000${f.name}`;
            const p = pairs.get(key) ?? { scorer: scorer.name, feedback: f.name, a: [], b: [] };
            p.a.push(score.value >= 0.5 ? 1 : 0);
            p.b.push(f.value);
            pairs.set(key, p);
          }
        }),
      );
    }),
  );
  const out: Record<string, WeeklyMetric> = {};
  for (const [name, entry] of [...byScorer].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const all = metric(entry.all);
    if (all) out[`served ${name}`] = all;
    if (entry.strata.size > 1)
      for (const [stratum, values] of [...entry.strata].sort(([a], [b]) => (a < b ? -1 : 1))) {
        const m = metric(values);
        if (m) out[`served ${name} · ${stratum}`] = m;
      }
  }
  const agreement = [...pairs.values()]
    .filter((p) => p.a.length >= MIN_AGREEMENT_N)
    .map((p) => ({
      scorer: p.scorer,
      feedback: p.feedback,
      n: p.a.length,
      kappa: weightedKappa(p.a, p.b, 0, 1, 'none'),
      agreement: p.a.filter((v, i) => v === p.b[i]).length / p.a.length,
    }));
  return { metrics: out, agreement };
}
