/**
 * Flaky evals measured (issue 17, items 1 and 3): per-case reliability across repeats (pass^k,
 * pass@k, flaky cases most flaky first) and quarantined cases kept out of the gate but listed.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import path from 'node:path';
import { reliability, describeReliability } from '../src/runner/summary/reliability.js';
import { compareRun } from '../src/gate/compare.js';
import { formatGateReport } from '../src/cli/format-gate.js';
import { renderMarkdown } from '../src/report/markdown.js';
import { renderHtml } from '../src/report/html.js';
import { formatRunSummary } from '../src/cli/format-run.js';
import { runEval } from '../src/runner/eval-run.js';
import type { RunMeta } from '../src/runner/store/run-dir.js';
import { baselineOf, cases, recordsOf } from './support/gate-fixtures.js';
import { testRecord } from './support/scoring.js';
import { FakeLlmServer } from './support/fake-llm-server.js';
import { makeProject } from './support/project.js';

const call = (caseId: string, repeat: number, pass: boolean) =>
  testRecord({
    itemId: `s/${caseId}/current/${repeat}`,
    caseId,
    repeat,
    scores: [{ name: 'check', kind: 'binary', scorerId: 'c', value: pass ? 1 : 0, pass }],
  });

describe('per-case reliability', () => {
  it('pass^k, pass@k and the flaky cases, most flaky first (hand-counted)', () => {
    // a: 3/3 · b: 2/3 · c: 1/3 · d: 0/3 · e: 1/2 (one repeat's scoring failed)
    const pattern: Record<string, boolean[]> = {
      a: [true, true, true],
      b: [true, false, true],
      c: [false, false, true],
      d: [false, false, false],
      e: [true, false],
    };
    const records = Object.entries(pattern).flatMap(([id, ps]) => ps.map((p, i) => call(id, i, p)));
    records.push(
      testRecord({
        itemId: 's/e/current/2',
        caseId: 'e',
        repeat: 2,
        scores: [{ name: 'check', kind: 'binary', scorerId: 'c', value: null, error: 'boom' }],
      }),
    );
    const r = reliability(records)!;
    expect(r).toMatchObject({ k: 3, cases: 5, passAll: 1 / 5, passAny: 4 / 5 });
    expect(r.flaky).toEqual([
      { caseId: 'e', passes: 1, of: 2 },
      { caseId: 'b', passes: 2, of: 3 },
      { caseId: 'c', passes: 1, of: 3 },
    ]);
    expect(describeReliability(r)).toBe(
      'reliability over 3 repeats: pass^3 20.0% · pass@3 80.0% · 3 flaky cases: e (1/2), b (2/3), c (1/3)',
    );
    expect(reliability(Object.keys(pattern).map((id) => call(id, 0, true)))).toBeUndefined();
  });

  let server: FakeLlmServer;
  let n = 0;
  beforeAll(async () => {
    // Every third answer misses the keyword: repeats disagree on some cases.
    server = await FakeLlmServer.start({ respond: () => (++n % 3 === 0 ? 'Sorry.' : 'The KEYWORD answer.') });
  });
  afterAll(() => server.close());

  it('an eval with repeats: 3 shows pass^3 beside the pass rate and lists the flaky cases; repeats are separate calls', async () => {
    const dir = await makeProject({
      'driftgate.yaml': `version: 1\nmodels:\n  current: { provider: openai, model: gpt-4o-mini, baseURL: ${server.openaiBaseURL} }\nrunner: { concurrency: 1 }\nsuites:\n  - { name: s, dataset: d.jsonl, prompt: p.md, repeats: 3, scorers: [{ type: contains, value: KEYWORD }] }\n`,
      'd.jsonl': Array.from({ length: 6 }, (_, i) => JSON.stringify({ id: `q${i}`, question: `Q${i}` })).join('\n'),
      'p.md': '{{question}}',
    });
    const r = await runEval({
      configPath: path.join(dir, 'driftgate.yaml'),
      env: { OPENAI_API_KEY: 'sk-test-rel-0000' },
    });
    expect(server.requestCount).toBe(18); // 6 cases × 3 repeats, each its own request and cache entry
    const rel = r.meta?.summaries?.[0]?.targets[0]?.reliability;
    expect(rel?.k).toBe(3);
    expect(rel?.flaky.length).toBe(6); // one miss in every three calls, in order: every case has one
    expect(rel?.passAll).toBe(0);
    expect(formatRunSummary(r.meta as RunMeta, r.runDir as string)).toContain(
      's · current reliability over 3 repeats: pass^3 0.0% · pass@3 100.0% · 6 flaky cases',
    );
  });
});

describe('quarantine', () => {
  it('quarantined cases are left out of the gate and listed in the report', () => {
    // c0000–c0009 fail now (passed before); quarantining them leaves nothing regressed.
    const before = cases(60, () => false);
    const after = cases(60, (i) => i < 10);
    const gate = { alpha: 0.05, minEffect: 0.03, minRelativeEffect: 0.1 };
    const plain = compareRun([{ suite: 's', baseline: baselineOf(before), records: recordsOf(after), gate }]);
    expect(plain.failed).toBe(true);
    const ids = Array.from({ length: 10 }, (_, i) => `c${String(i).padStart(4, '0')}`);
    const report = compareRun([
      { suite: 's', baseline: baselineOf(before), records: recordsOf(after), gate: { ...gate, quarantine: ids } },
    ]);
    expect(report.failed).toBe(false);
    expect(report.suites[0]?.cases.compared).toBe(50);
    expect(report.suites[0]?.quarantined).toEqual(ids);
    expect(report.suites[0]?.flips).toEqual([]);
    const line = `10 quarantined cases, run and reported but not gated: ${ids.join(', ')}`;
    expect(formatGateReport(report)).toContain(line);
    const model = {
      meta: {
        schemaVersion: 1,
        runId: 'r',
        status: 'complete',
        command: 'eval',
        configFile: 'c',
        configHash: 'h',
        gitSha: null,
        suites: ['s'],
        models: {},
        startedAt: 'now',
        resumedAt: [],
      },
      records: recordsOf(after),
      gate: { schemaVersion: 1, runId: 'r', report, withoutBaseline: [], distributions: [], baselineOutputs: {} },
    } as never;
    expect(renderMarkdown(model)).toContain(line);
    expect(renderHtml(model)).toContain(line);
  });
});

describe('judge calibration as a precondition of gating', () => {
  let server: FakeLlmServer;
  beforeAll(async () => {
    // The judge's verdict on question i is 1 + (i mod 5).
    server = await FakeLlmServer.start({
      respond: (c) =>
        'response_format' in c.body
          ? JSON.stringify({
              reasoning: 'r',
              score: 1 + (Number(/Answer to Q(\d+)/.exec(JSON.stringify(c.body.messages))?.[1]) % 5),
            })
          : `Answer to ${c.messages.at(-1)?.content}`,
    });
  });
  afterAll(() => server.close());

  async function gateWith(labels: string) {
    const { cpSync } = await import('node:fs');
    const { fileURLToPath } = await import('node:url');
    const { runGate } = await import('../src/gate/run-gate.js');
    const { loadConfig } = await import('../src/config/load.js');
    const { baselineFromRun } = await import('../src/baselines/from-run.js');
    const { baselinePath, writeBaseline } = await import('../src/baselines/baseline-file.js');
    const dir = await makeProject({
      'driftgate.yaml': `version: 1\nmodels:\n  current: { provider: openai, model: gpt-4o-mini, baseURL: ${server.openaiBaseURL} }\n  judge: { provider: openai, model: gpt-4o-judge, baseURL: ${server.openaiBaseURL} }\nsuites:\n  - name: s\n    dataset: d.jsonl\n    prompt: p.md\n    scorers: [{ type: judge, rubric: rubrics/helpfulness.md }]\n    gate: { require_calibration: { labels: labels.jsonl, min_kappa: 0.6 } }\n`,
      'd.jsonl': Array.from({ length: 8 }, (_, i) => JSON.stringify({ id: `q${i}`, question: `Q${i}` })).join('\n'),
      'p.md': '{{question}}',
      'labels.jsonl': labels,
    });
    cpSync(fileURLToPath(new URL('../rubrics', import.meta.url)), path.join(dir, 'rubrics'), { recursive: true });
    const config = path.join(dir, 'driftgate.yaml');
    const run = await runEval({ configPath: config, env: { OPENAI_API_KEY: 'sk-test-cal-0000' } });
    await writeBaseline(baselinePath(dir, 's'), baselineFromRun(run.meta as RunMeta, 's', await run.readRecords()));
    return (await runGate({
      loaded: await loadConfig(config),
      suites: ['s'],
      records: await run.readRecords(),
    }))!.report.suites[0]!.metrics.find((m) => m.metric === 'judge')!;
  }

  it('a judge below min_kappa is reported, not gated: "judge κ 0.00 < 0.6"', async () => {
    // The humans say 3 to everything: a constant rater agrees no better than chance, κ = 0.
    const judge = await gateWith(
      Array.from({ length: 8 }, (_, i) => JSON.stringify({ id: `q${i}`, human_score: 3 })).join('\n'),
    );
    expect(judge.gated).toBe(false);
    expect(judge.notGatedReason).toBe('judge κ 0.00 < 0.6');
    const { verdictText } = await import('../src/report/format-metric.js');
    expect(verdictText(judge, {})).toContain('not gated (judge κ 0.00 < 0.6)');
  }, 60_000);

  it('a judge that agrees with the humans gates', async () => {
    const judge = await gateWith(
      Array.from({ length: 8 }, (_, i) => JSON.stringify({ id: `q${i}`, human_score: 1 + (i % 5) })).join('\n'),
    );
    expect(judge.gated).toBe(true);
    expect(judge.notGatedReason).toBeUndefined();
  }, 60_000);
});

describe('judge variance apart from generator variance (--judge-repeats)', () => {
  let server: FakeLlmServer;
  beforeAll(async () => {
    // Planted: output i has quality 2 (even i) or 4 (odd i): between-output variance 1. The judge
    // adds −1, 0, +1 with probabilities ¼, ½, ¼: judge variance ½. Its share: ½ / (1 + ½) = ⅓.
    const random = (await import('../src/stats/rng.js')).mulberry32(99);
    server = await FakeLlmServer.start({
      respond: (c) => {
        if (!('response_format' in c.body)) return `Answer to ${c.messages.at(-1)?.content}`;
        const i = Number(/Answer to Q(\d+)/.exec(JSON.stringify(c.body.messages))?.[1]);
        const u = random();
        return JSON.stringify({ reasoning: 'r', score: (i % 2 ? 4 : 2) + (u < 0.25 ? -1 : u < 0.75 ? 0 : 1) });
      },
    });
  });
  afterAll(() => server.close());

  it('the one-way decomposition on a hand-computed example: [[1,3],[5,7]] gives 2/9', async () => {
    // MSW = (1+1+1+1)/2 = 2; MSB = 2·((2−4)² + (6−4)²)/1 = 16; σ²_outputs = (16 − 2)/2 = 7; share = 2/(2+7).
    const { judgeShare } = await import('../src/runner/scoring/judge-variance.js');
    expect(
      judgeShare([
        [1, 3],
        [5, 7],
      ]),
    ).toBeCloseTo(2 / 9, 12);
    expect(
      judgeShare([
        [2, 2],
        [4, 4],
      ]),
    ).toBe(0);
  });

  it("reports the judge's share of the score variance, matching the planted ⅓ within its interval, and judge-flaky outputs", async () => {
    const { cpSync } = await import('node:fs');
    const { fileURLToPath } = await import('node:url');
    const dir = await makeProject({
      'driftgate.yaml': `version: 1\nmodels:\n  current: { provider: openai, model: gpt-4o-mini, baseURL: ${server.openaiBaseURL} }\n  judge: { provider: openai, model: gpt-4o-judge, baseURL: ${server.openaiBaseURL} }\nsuites:\n  - { name: s, dataset: d.jsonl, prompt: p.md, scorers: [{ type: judge, rubric: rubrics/helpfulness.md }] }\n`,
      'd.jsonl': Array.from({ length: 200 }, (_, i) => JSON.stringify({ id: `q${i}`, question: `Q${i}` })).join('\n'),
      'p.md': '{{question}}',
    });
    cpSync(fileURLToPath(new URL('../rubrics', import.meta.url)), path.join(dir, 'rubrics'), { recursive: true });
    server.resetCounters();
    const r = await runEval({
      configPath: path.join(dir, 'driftgate.yaml'),
      env: { OPENAI_API_KEY: 'sk-test-jv-0000' },
      judgeRepeats: 5,
    });
    expect(r.exitCode).toBe(0);
    expect(server.requestCount).toBe(200 + 200 * 6); // answers, then 1 + 5 verdicts per output
    const v = r.meta?.judgeVariance?.[0];
    expect(v).toMatchObject({ suite: 's', scorer: 'judge', verdicts: 6, outputs: 200 });
    expect(v!.interval![0]).toBeLessThanOrEqual(1 / 3);
    expect(v!.interval![1]).toBeGreaterThanOrEqual(1 / 3);
    expect(Math.abs(v!.judgeShare - 1 / 3)).toBeLessThan(0.1);
    // Pass at 4 on the rubric: odd outputs (4 ± 1) cross it under re-grading; even ones (2 ± 1) never do.
    expect(v!.judgeFlaky.length).toBeGreaterThan(50);
    expect(v!.judgeFlaky.every((id) => Number(id.slice(1)) % 2 === 1)).toBe(true);
    expect(formatRunSummary(r.meta as RunMeta, r.runDir as string)).toMatch(
      /judge variance · s · judge: \d+% of the score variance is the judge's \[\d+%, \d+%\] \(6 verdicts on each of 200 outputs\)/,
    );
  }, 60_000);
});
