/** Turns a run's records for one suite into a baseline (what `driftgate baseline update` accepts). */
import { answered, type CallRecord, type Score } from '../records/call-record.js';
import type { RunMeta } from '../runner/store/run-dir.js';
import { BASELINE_SCHEMA_VERSION, type Baseline, type BaselineCase, type BaselineScore } from './baseline-file.js';

/** What a baseline keeps of a score: no reasons or details, which can be long and are in the run. */
export function toBaselineScore(
  s: Pick<Score, 'name' | 'kind' | 'scorerId' | 'value' | 'pass' | 'error'>,
): BaselineScore {
  return {
    name: s.name,
    kind: s.kind,
    scorerId: s.scorerId,
    value: s.value,
    ...(s.pass !== undefined ? { pass: s.pass } : {}),
    ...(s.error !== undefined ? { error: s.error } : {}),
  };
}

export function baselineFromRun(
  meta: RunMeta,
  suite: string,
  records: readonly CallRecord[],
  now = new Date(),
): Baseline {
  const ok = answered(records, (r) => r.suite === suite);
  const scorers = new Map<string, { name: string; kind: 'binary' | 'continuous'; scorerId: string }>();
  for (const r of ok)
    for (const s of r.scores)
      if (!scorers.has(s.name)) scorers.set(s.name, { name: s.name, kind: s.kind, scorerId: s.scorerId });
  const cases: BaselineCase[] = ok.map((r) => ({
    caseId: r.caseId,
    target: r.target,
    repeat: r.repeat,
    inputHash: r.inputHash,
    output: r.output,
    ...(r.toolCalls?.length ? { toolCalls: r.toolCalls } : {}),
    costUsd: r.costUsd,
    latencyMs: r.latencyMs,
    outputTokens: r.outputTokens,
    scores: r.scores.map(toBaselineScore),
  }));
  return {
    schemaVersion: BASELINE_SCHEMA_VERSION,
    suite,
    runId: meta.runId,
    configHash: meta.configHash,
    gitSha: meta.gitSha,
    acceptedAt: now.toISOString(),
    scorers: [...scorers.values()],
    summary: meta.summaries?.find((s) => s.suite === suite)?.targets ?? [],
    cases,
  };
}
