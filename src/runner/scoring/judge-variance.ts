/**
 * Judge variance apart from generator variance (`driftgate eval --judge-repeats k`): the same frozen
 * outputs graded k more times. A one-way random-effects decomposition over outputs: with MSW the
 * mean within-output variance of the verdicts and MSB the between-output mean square,
 * σ²_judge = MSW and σ²_outputs = max(0, (MSB − MSW) / k'), where k' is the verdicts per output;
 * the judge's share of the score variance is σ²_judge / (σ²_judge + σ²_outputs), with a percentile
 * bootstrap interval over outputs. An output whose pass/fail flips between gradings is judge-flaky.
 */
import { bootstrapStatistic } from '../../stats/bootstrap.js';
import { mulberry32, seedFrom } from '../../stats/rng.js';
import type { ScoringServices } from '../../scorers/types.js';
import { answered, type CallRecord } from '../../records/call-record.js';
import type { PreparedSuite } from '../plan/plan.js';

/** Sample offset of re-grade j (1-based): far from the retry offset, so keys never collide. */
export const REGRADE_OFFSET = 100_000;

export interface JudgeVariance {
  readonly suite: string;
  readonly scorer: string;
  /** Verdicts per output (the original and the re-grades). */
  readonly verdicts: number;
  readonly outputs: number;
  /** Share of the score variance that is the judge's, in [0, 1], with a 95% interval. */
  readonly judgeShare: number;
  readonly interval: readonly [number, number] | null;
  /** Outputs whose pass/fail differed between gradings. */
  readonly judgeFlaky: readonly string[];
}

/** σ²_judge / (σ²_judge + σ²_outputs) for verdict groups of equal size. */
export function judgeShare(groups: readonly (readonly number[])[]): number {
  const k = groups[0]?.length ?? 0;
  const n = groups.length;
  if (n < 2 || k < 2) return Number.NaN;
  const means = groups.map((g) => g.reduce((a, b) => a + b, 0) / k);
  const grand = means.reduce((a, b) => a + b, 0) / n;
  const msw =
    groups.reduce((s, g, i) => s + g.reduce((t, v) => t + (v - (means[i] as number)) ** 2, 0), 0) / (n * (k - 1));
  const msb = (k * means.reduce((s, m) => s + (m - grand) ** 2, 0)) / (n - 1);
  const between = Math.max(0, (msb - msw) / k);
  return msw + between > 0 ? msw / (msw + between) : 0;
}

export async function judgeVariance(
  suites: readonly PreparedSuite[],
  records: readonly CallRecord[],
  services: ScoringServices,
  repeats: number,
): Promise<JudgeVariance[]> {
  const out: JudgeVariance[] = [];
  for (const suite of suites) {
    for (const judge of suite.scorers.filter((s) => s.type === 'judge' && s.phase === 'inline')) {
      const groups: number[][] = [];
      const flaky: string[] = [];
      for (const r of answered(records, (x) => x.suite === suite.config.name)) {
        const first = r.scores.find((s) => s.name === judge.name && s.error === undefined && s.value !== null);
        const prepared = suite.caseById.get(r.caseId);
        if (!first || !prepared) continue;
        const values = [first.value as number];
        const passes = [first.pass];
        for (let j = 1; j <= repeats; j++) {
          const again = await judge.score(
            {
              case: prepared.case,
              messages: prepared.messages,
              output: r.output,
              record: r,
              sampleOffset: REGRADE_OFFSET * j,
            },
            services,
          );
          if (again.error !== undefined || again.value === null) continue;
          values.push(again.value);
          passes.push(again.pass);
        }
        if (values.length !== repeats + 1) continue;
        groups.push(values);
        if (new Set(passes).size > 1) flaky.push(r.repeat > 0 ? `${r.caseId}#${r.repeat}` : r.caseId);
      }
      const share = judgeShare(groups);
      const interval =
        groups.length >= 10
          ? bootstrapStatistic(
              groups,
              judgeShare,
              mulberry32(seedFrom(`judge-variance/${suite.config.name}/${judge.name}`)),
            )
          : null;
      out.push({
        suite: suite.config.name,
        scorer: judge.name,
        verdicts: repeats + 1,
        outputs: groups.length,
        judgeShare: Number.isFinite(share) ? share : 0,
        interval,
        judgeFlaky: flaky,
      });
    }
  }
  return out;
}

/** "judge: 33% of the score variance is the judge's [24%, 41%] (6 verdicts on each of 200 outputs) · 12 judge-flaky outputs: q3, …" */
export function describeJudgeVariance(v: JudgeVariance): string {
  const pct = (x: number) => `${Math.round(x * 100)}%`;
  return `${v.suite} · ${v.scorer}: ${pct(v.judgeShare)} of the score variance is the judge's${v.interval ? ` [${pct(v.interval[0])}, ${pct(v.interval[1])}]` : ''} (${v.verdicts} verdicts on each of ${v.outputs} outputs) · ${v.judgeFlaky.length} judge-flaky output${v.judgeFlaky.length === 1 ? '' : 's'}${v.judgeFlaky.length ? `: ${v.judgeFlaky.slice(0, 10).join(', ')}${v.judgeFlaky.length > 10 ? ', …' : ''}` : ''}`;
}
