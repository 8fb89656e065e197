/**
 * Re-scoring a baseline: when a scorer changed since the baseline was accepted (a rubric edit, a
 * new judge model, another threshold: another `scorerId`), its stored scores came from another
 * scorer and cannot be paired with today's. The baseline's stored outputs are scored again with
 * today's scorer — judge calls cached and budgeted like any other — so the gate compares the same
 * scorer on both sides instead of losing the metric. A scorer the baseline never had stays "new".
 */
import type { Baseline, BaselineCase, BaselineScore } from '../baselines/baseline-file.js';
import { toBaselineScore } from '../baselines/from-run.js';
import type { PreparedSuite } from '../runner/plan/plan.js';
import type { CallRecord } from '../records/call-record.js';
import { JOURNAL_SCHEMA_VERSION } from '../records/call-record.js';
import type { Scorer, ScoringInput, ScoringServices } from '../scorers/types.js';
import { safeScore } from '../runner/scoring/scoring.js';

export interface Rescored {
  readonly metric: string;
  /** Baseline outputs scored again. */
  readonly outputs: number;
  /** Judge calls made (from the cache or not), and what they cost when produced. */
  readonly calls: number;
  readonly cached: number;
  readonly costUsd: number | null;
  readonly errors: number;
}

/** Scorers of today whose id differs from the baseline's scorer of the same name. */
export function changedScorers(baseline: Baseline, scorers: readonly Scorer[]): Scorer[] {
  const before = new Map(baseline.scorers.map((s) => [s.name, s.scorerId]));
  return scorers.filter((s) => before.has(s.name) && before.get(s.name) !== s.id);
}

function recordOf(baseline: Baseline, c: BaselineCase): CallRecord {
  return {
    schemaVersion: JOURNAL_SCHEMA_VERSION,
    itemId: `${baseline.suite}/${c.caseId}/${c.target}/${c.repeat}`,
    suite: baseline.suite,
    caseId: c.caseId,
    target: c.target,
    repeat: c.repeat,
    key: 'baseline',
    inputHash: c.inputHash,
    status: 'ok',
    output: c.output,
    ...(c.toolCalls ? { toolCalls: c.toolCalls } : {}),
    finishReason: null,
    inputTokens: null,
    outputTokens: c.outputTokens,
    costUsd: c.costUsd,
    latencyMs: c.latencyMs,
    model: c.target,
    providerModel: null,
    systemFingerprint: null,
    cached: true,
    attempts: 0,
    scores: [],
    finishedAt: baseline.acceptedAt,
  };
}

/**
 * The baseline with `scorers` applied again to its stored outputs (cases whose input is no longer
 * in the suite are left as they were), and what each re-scoring took.
 */
export async function rescoreBaseline(
  baseline: Baseline,
  suite: PreparedSuite,
  scorers: readonly Scorer[],
  services: ScoringServices,
): Promise<{ baseline: Baseline; rescored: Rescored[] }> {
  if (scorers.length === 0) return { baseline, rescored: [] };
  const byKey = new Map(baseline.cases.map((c) => [`${c.caseId}\u0000${c.target}\u0000${c.repeat}`, c]));
  const tally = new Map(
    scorers.map((s) => [
      s.name,
      { metric: s.name, outputs: 0, calls: 0, cached: 0, costUsd: 0 as number | null, errors: 0 },
    ]),
  );
  const cases: BaselineCase[] = [];
  for (const c of baseline.cases) {
    const prepared = suite.caseById.get(c.caseId);
    if (!prepared) {
      cases.push(c);
      continue;
    }
    const fresh: BaselineScore[] = [];
    for (const scorer of scorers) {
      if (scorer.against === c.target) continue;
      const other = scorer.against ? byKey.get(`${c.caseId}\u0000${scorer.against}\u0000${c.repeat}`) : undefined;
      // Scorers that read other scores (derived metrics) see the baseline's, updated as far as re-scored.
      const known = [
        ...c.scores.filter((s) => !fresh.some((f) => f.name === s.name)),
        ...fresh,
      ] as unknown as CallRecord['scores'];
      const input: ScoringInput = {
        case: prepared.case,
        messages: prepared.messages,
        ...(prepared.options.tools ? { tools: prepared.options.tools } : {}),
        output: c.output,
        record: { ...recordOf(baseline, c), scores: known },
        ...(other
          ? {
              other: {
                target: other.target,
                output: other.output,
                ...(other.toolCalls ? { toolCalls: other.toolCalls } : {}),
              },
            }
          : {}),
      };
      const score = await safeScore(scorer, input, services);
      const t = tally.get(scorer.name) as NonNullable<ReturnType<typeof tally.get>>;
      t.outputs++;
      if (score.error !== undefined) t.errors++;
      const judge = (score as { details?: { judge?: { calls?: number; cached?: number; costUsd?: number | null } } })
        .details?.judge;
      if (judge) {
        t.calls += judge.calls ?? 0;
        t.cached += judge.cached ?? 0;
        t.costUsd =
          t.costUsd === null || judge.costUsd === null || judge.costUsd === undefined
            ? null
            : t.costUsd + judge.costUsd;
      }
      fresh.push(toBaselineScore(score));
    }
    const names = new Set(fresh.map((s) => s.name));
    cases.push({ ...c, scores: [...c.scores.filter((s) => !names.has(s.name)), ...fresh] });
  }
  const ids = new Map(scorers.map((s) => [s.name, s.id]));
  return {
    baseline: {
      ...baseline,
      scorers: baseline.scorers.map((s) => (ids.has(s.name) ? { ...s, scorerId: ids.get(s.name) as string } : s)),
      cases,
    },
    rescored: [...tally.values()],
  };
}
