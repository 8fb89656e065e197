/**
 * Per-case score values on both sides of a comparison, for the report's distribution charts:
 * each case's mean over its repeats (the unit the gate tests), per scorer and target.
 */
import { renderAnswer } from '../conversation/types.js';
import type { Baseline } from '../baselines/baseline-file.js';
import type { CallRecord } from '../records/call-record.js';

export interface ScoreDistribution {
  readonly suite: string;
  readonly target: string;
  readonly scorer: string;
  /** Values in [0, 1], one per case. */
  readonly baseline: readonly number[];
  readonly current: readonly number[];
}

type Scored = {
  readonly caseId: string;
  readonly target: string;
  readonly scores: readonly { name: string; value: number | null; error?: string }[];
};

function caseMeans(items: readonly Scored[], target: string, scorer: string): number[] {
  const sums = new Map<string, [number, number]>();
  for (const item of items) {
    if (item.target !== target) continue;
    const v = item.scores.find((s) => s.name === scorer && s.error === undefined)?.value;
    if (typeof v !== 'number') continue;
    const [sum, n] = sums.get(item.caseId) ?? [0, 0];
    sums.set(item.caseId, [sum + v, n + 1]);
  }
  return [...sums.values()].map(([sum, n]) => sum / n);
}

export function scoreDistributions(
  suite: string,
  baseline: Baseline | undefined,
  records: readonly CallRecord[],
): ScoreDistribution[] {
  const ok = records.filter((r) => r.suite === suite && r.status === 'ok');
  const targets = [...new Set(ok.map((r) => r.target))];
  const scorers = [...new Set(ok.flatMap((r) => r.scores.map((s) => s.name)))];
  return targets.flatMap((target) =>
    scorers.map((scorer) => ({
      suite,
      target,
      scorer,
      baseline: baseline ? caseMeans(baseline.cases, target, scorer) : [],
      current: caseMeans(ok, target, scorer),
    })),
  );
}

/** `target/caseId` → the baseline's output of the case's first repeat. */
export function baselineOutputs(baseline: Baseline): Record<string, string> {
  const out: Record<string, string> = {};
  for (const c of [...baseline.cases].sort((a, b) => a.repeat - b.repeat)) {
    const key = `${c.target}/${c.caseId}`;
    if (!(key in out)) out[key] = renderAnswer(c.output, c.toolCalls);
  }
  return out;
}
