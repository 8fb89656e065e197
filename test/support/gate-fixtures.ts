/** Synthetic baselines and runs with known differences, for gate tests. */
import { BASELINE_SCHEMA_VERSION, type Baseline, type BaselineCase } from '../../src/baselines/baseline-file.js';
import type { CallRecord, Score } from '../../src/records/call-record.js';
import { testRecord } from './scoring.js';

export interface CaseSpec {
  id: string;
  pass: boolean;
  judge?: number;
  cost?: number;
  latency?: number;
  inputHash?: string;
  output?: string;
}

const scoresOf = (c: CaseSpec, scorerIds: { check?: string; judge?: string } = {}): Score[] => [
  { name: 'check', kind: 'binary', scorerId: scorerIds.check ?? 'check-v1', value: c.pass ? 1 : 0, pass: c.pass },
  ...(c.judge !== undefined
    ? [
        {
          name: 'judge',
          kind: 'continuous' as const,
          scorerId: scorerIds.judge ?? 'judge-v1',
          value: c.judge,
          pass: c.judge >= 0.75,
        },
      ]
    : []),
];

export function baselineOf(cases: readonly CaseSpec[], scorerIds: { check?: string; judge?: string } = {}): Baseline {
  const baselineCases: BaselineCase[] = cases.map((c) => ({
    caseId: c.id,
    target: 'current',
    repeat: 0,
    inputHash: c.inputHash ?? `in-${c.id}`,
    output: c.output ?? `baseline answer ${c.id}`,
    costUsd: c.cost ?? 0.001,
    latencyMs: c.latency ?? 800,
    outputTokens: 20,
    scores: scoresOf(c, scorerIds),
  }));
  return {
    schemaVersion: BASELINE_SCHEMA_VERSION,
    suite: 's',
    runId: 'base-run',
    configHash: 'h',
    gitSha: null,
    acceptedAt: '2026-11-01T00:00:00.000Z',
    scorers: [
      { name: 'check', kind: 'binary', scorerId: scorerIds.check ?? 'check-v1' },
      ...(cases.some((c) => c.judge !== undefined)
        ? [{ name: 'judge', kind: 'continuous' as const, scorerId: scorerIds.judge ?? 'judge-v1' }]
        : []),
    ],
    summary: [],
    cases: baselineCases,
  };
}

export function recordsOf(
  cases: readonly CaseSpec[],
  scorerIds: { check?: string; judge?: string } = {},
): CallRecord[] {
  return cases.map((c) =>
    testRecord({
      itemId: `s/${c.id}/current/0`,
      suite: 's',
      caseId: c.id,
      inputHash: c.inputHash ?? `in-${c.id}`,
      output: c.output ?? `current answer ${c.id}`,
      costUsd: c.cost ?? 0.001,
      latencyMs: c.latency ?? 800,
      scores: scoresOf(c, scorerIds),
    }),
  );
}

/** n cases, the first `failing` of them failing. */
export function cases(
  n: number,
  failing: (i: number) => boolean,
  extra: (i: number) => Partial<CaseSpec> = () => ({}),
): CaseSpec[] {
  return Array.from({ length: n }, (_, i) => ({
    id: `c${String(i).padStart(4, '0')}`,
    pass: !failing(i),
    ...extra(i),
  }));
}
