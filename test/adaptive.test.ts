/**
 * Re-runs that decide (issue 17, item 4): the group-sequential boundaries against published values
 * and a simulation, the choice of cases (baseline only), and gate.adaptive end to end — an eval
 * whose metric is inconclusive gets extra rounds of the same run, recorded in run.json, and
 * `driftgate compare` on that run reads the same looks.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import path from 'node:path';
import { readFile } from 'node:fs/promises';
import {
  nominalLevels,
  obrienFlemingSpending,
  pocockSpending,
  sequentialBoundaries,
} from '../src/stats/group-sequential.js';
import { uncertainCases, nextRound } from '../src/gate/adaptive-selection.js';
import { compareRunSequential } from '../src/gate/sequential-gate.js';
import { compareRun } from '../src/gate/compare.js';
import { runEval } from '../src/runner/eval-run.js';
import { gateWithRounds } from '../src/gate/adaptive-eval.js';
import { runGate } from '../src/gate/run-gate.js';
import { loadConfig } from '../src/config/load.js';
import { loadRun } from '../src/gate/load-run.js';
import { baselineFromRun } from '../src/baselines/from-run.js';
import { baselinePath, writeBaseline, type BaselineCase } from '../src/baselines/baseline-file.js';
import { formatGateReport } from '../src/cli/format-gate.js';
import { mulberry32 } from '../src/stats/rng.js';
import type { RunMeta } from '../src/runner/store/run-dir.js';
import { baselineOf, cases, recordsOf } from './support/gate-fixtures.js';
import { FakeLlmServer } from './support/fake-llm-server.js';
import { makeProject } from './support/project.js';

const equally = (k: number) => Array.from({ length: k }, (_, i) => (i + 1) / k);

describe('group-sequential boundaries (Lan–DeMets alpha spending)', () => {
  it("O'Brien–Fleming type, 5 equally spaced looks, one-sided 0.025: 4.877, 3.357, 2.680, 2.290, 2.031 (gsDesign sfLDOF)", () => {
    const t = equally(5);
    const c = sequentialBoundaries(
      t.map((x) => obrienFlemingSpending(0.025, x)),
      t,
    );
    expect(c.map((x) => Number(x.toFixed(3)))).toEqual([4.877, 3.357, 2.68, 2.29, 2.031]);
    const two = sequentialBoundaries(
      [0.5, 1].map((x) => obrienFlemingSpending(0.025, x)),
      [0.5, 1],
    );
    expect(two.map((x) => Number(x.toFixed(3)))).toEqual([2.963, 1.969]);
  });

  it('Pocock type, 5 equally spaced looks, one-sided 0.025: 2.438, 2.427, 2.410, 2.397, 2.386 (gsDesign sfLDPocock)', () => {
    const t = equally(5);
    const c = sequentialBoundaries(
      t.map((x) => pocockSpending(0.025, x)),
      t,
    );
    expect(c.map((x) => Number(x.toFixed(3)))).toEqual([2.438, 2.427, 2.41, 2.397, 2.386]);
  });

  it('with unequal, highly correlated information the simulated crossing rate is α (40,000 Brownian paths)', () => {
    const info = [1, 1.25, 1.4, 1.48];
    const spent = equally(4).map((t) => pocockSpending(0.05, t));
    const bounds = sequentialBoundaries(spent, info);
    const rng = mulberry32(17);
    const normal = () => Math.sqrt(-2 * Math.log(1 - rng())) * Math.cos(2 * Math.PI * rng());
    const sims = 40_000;
    let crossed = 0;
    let crossedFirst = 0;
    for (let s = 0; s < sims; s++) {
      let score = 0;
      let prev = 0;
      for (const [k, i] of info.entries()) {
        score += Math.sqrt(i - prev) * normal();
        prev = i;
        if (score / Math.sqrt(i) > (bounds[k] as number)) {
          crossed++;
          if (k === 0) crossedFirst++;
          break;
        }
      }
    }
    // Monte Carlo standard error at 0.05: 0.0011.
    expect(Math.abs(crossed / sims - 0.05)).toBeLessThan(0.0035);
    expect(Math.abs(crossedFirst / sims - (spent[0] as number))).toBeLessThan(0.003);
    // Every look rejects at a nominal level below α: looking four times costs something.
    for (const level of nominalLevels(bounds)) expect(level).toBeLessThan(0.05);
  });
});

describe('which cases a round repeats', () => {
  const observations = (id: string, passes: boolean[]): BaselineCase[] =>
    passes.map((pass, repeat) => ({
      caseId: id,
      target: 'current',
      repeat,
      inputHash: 'h',
      output: 'o',
      costUsd: 0,
      latencyMs: 1,
      outputTokens: 1,
      scores: [{ name: 'check', kind: 'binary', scorerId: 'c', value: pass ? 1 : 0, pass }],
    }));
  const spec = { spec: { name: 'check', shape: 'rate' as const, higherIsBetter: true }, scorerId: 'c' };

  it('the cases whose baseline repeats disagree; all compared cases when the baseline has one value per case', () => {
    const baseline = new Map([
      ['a', observations('a', [true, true, true])],
      ['b', observations('b', [true, false, true])],
      ['c', observations('c', [false, false, false])],
      ['d', observations('d', [false, true, true])],
    ]);
    expect(
      uncertainCases({ suite: 's', target: 'current', comparedIds: ['a', 'b', 'c', 'd'], baseline, metrics: [spec] }),
    ).toEqual(['b', 'd']);
    const single = new Map([...baseline].map(([id, obs]) => [id, obs.slice(0, 1)]));
    expect(
      uncertainCases({
        suite: 's',
        target: 'current',
        comparedIds: ['a', 'b', 'c', 'd'],
        baseline: single,
        metrics: [spec],
      }),
    ).toEqual(['a', 'b', 'c', 'd']);
  });

  it('spreads the budget over the rounds left: 40 calls, 2 rounds, 4 cases → 5 repeats each; a share below the cases → one each for the first', () => {
    const baseline = new Map(['a', 'b', 'c', 'd'].map((id) => [id, observations(id, [true])]));
    const input = { suite: 's', target: 'current', comparedIds: ['a', 'b', 'c', 'd'], baseline, metrics: [spec] };
    expect(nextRound([input], 40, 2)).toMatchObject({ perCase: 5 });
    expect(nextRound([input], 40, 2).items).toHaveLength(4);
    const small = nextRound([input], 3, 1);
    expect(small.perCase).toBe(1);
    expect(small.items).toHaveLength(3);
    expect(nextRound([input], 0, 1).items).toHaveLength(0);
  });
});

describe('the sequential gate on fixed data', () => {
  it('a clear regression is decided at the first look, at the Pocock-type level of a first look of four (the rest of α is kept for later looks)', () => {
    const before = cases(300, () => false);
    const after = cases(300, (i) => i < 60);
    const gate = {
      alpha: 0.05,
      minEffect: 0.03,
      minRelativeEffect: 0.1,
      metrics: ['check'],
      adaptive: { maxRounds: 3, maxExtraCalls: 1000 },
    };
    const report = compareRunSequential(
      [{ suite: 's', baseline: baselineOf(before), records: recordsOf(after), gate, repeats: 1 }],
      { rounds: 0, final: false },
    );
    const check = report.suites[0]!.metrics.find((m) => m.metric === 'check')!;
    expect(check.verdict).toBe('regressed');
    expect(check.sequential).toMatchObject({ look: 1, looks: 1 });
    expect(check.sequential!.nominalAlpha).toBeCloseTo(pocockSpending(0.05, 0.25), 10);
    expect(report.failed).toBe(true);
    // As the only look (final), it spends all of α: the fixed design's level.
    const final = compareRunSequential(
      [{ suite: 's', baseline: baselineOf(before), records: recordsOf(after), gate, repeats: 1 }],
      { rounds: 0, final: true },
    );
    expect(final.suites[0]!.metrics.find((m) => m.metric === 'check')!.sequential!.nominalAlpha).toBeCloseTo(0.05, 10);
    expect(compareRun([{ suite: 's', baseline: baselineOf(before), records: recordsOf(after), gate }]).failed).toBe(
      true,
    );
  });
});

describe('gate.adaptive end to end', () => {
  let server: FakeLlmServer;
  const rng = mulberry32(2026);
  let broken = false;
  beforeAll(async () => {
    // Every case passes its keyword check with its own probability (q0 … q19: 0.1 … 0.9 and back).
    server = await FakeLlmServer.start({
      respond: (call) => {
        const question = String([...call.messages].reverse().find((m) => m.role === 'user')?.content ?? '');
        const i = Number(question.replace(/\D/g, ''));
        const p = 0.1 + 0.8 * Math.abs(((i % 10) - 4.5) / 4.5);
        return !broken && rng() < p ? 'The KEYWORD answer.' : 'Sorry.';
      },
    });
  });
  afterAll(() => server.close());

  /** 20 cases × 3 repeats with gate.adaptive (2 rounds, 120 extra calls), a first run accepted as the baseline. */
  async function projectWithBaseline() {
    const dir = await makeProject({
      'driftgate.yaml':
        `version: 1\nmodels:\n  current: { provider: openai, model: gpt-4o-mini, baseURL: ${server.openaiBaseURL} }\nrunner: { concurrency: 1 }\n` +
        `suites:\n  - { name: s, dataset: d.jsonl, prompt: p.md, repeats: 3, scorers: [{ type: contains, value: KEYWORD }], gate: { min_effect: 0.03, adaptive: { max_rounds: 2, max_extra_calls: 120 } } }\n`,
      'd.jsonl': Array.from({ length: 20 }, (_, i) => JSON.stringify({ id: `q${i}`, question: `Q${i}` })).join('\n'),
      'p.md': '{{question}}',
    });
    const configPath = path.join(dir, 'driftgate.yaml');
    const env = { OPENAI_API_KEY: 'sk-test-adaptive-0000' };
    const first = await runEval({ configPath, env });
    await writeBaseline(baselinePath(dir, 's'), baselineFromRun(first.meta as RunMeta, 's', await first.readRecords()));
    return { dir, configPath, env };
  }

  it('an inconclusive metric gets extra rounds of the chosen cases, recorded in run.json; compare reads the same looks', async () => {
    const { dir, configPath, env } = await projectWithBaseline();

    // The same model again, new samples: A/A with 20 cases cannot show "unchanged" within 3 points.
    const before = server.requestCount;
    const options = { configPath, env, useCache: false };
    const loaded = await loadConfig(configPath);
    const run = await gateWithRounds({ loaded, first: await runEval(options), evalOptions: options, rescore: { env } });
    const meta = run.result.meta as RunMeta;
    const rounds = meta.adaptive!.rounds;
    expect(rounds.length).toBe(2);
    // Round 1: the budget spread over two rounds (60 calls) across the cases whose baseline repeats disagreed.
    const baseline = JSON.parse(await readFile(baselinePath(dir, 's'), 'utf8')) as { cases: BaselineCase[] };
    const varying = new Set(
      [...new Set(baseline.cases.map((c) => c.caseId))].filter(
        (id) => new Set(baseline.cases.filter((c) => c.caseId === id).map((c) => c.scores[0]!.pass)).size > 1,
      ),
    );
    expect(new Set(rounds[0]!.items.map((i) => i.caseId))).toEqual(varying);
    expect(rounds[0]!.perCase.s).toBe(Math.floor(60 / varying.size));
    expect(meta.adaptive!.extraCalls).toBe(rounds.reduce((n, r) => n + r.items.length * (r.perCase.s ?? 0), 0));
    expect(meta.adaptive!.extraCalls).toBeLessThanOrEqual(120);
    expect(meta.adaptive!.final).toBe(true);
    // Every extra repeat was a real call: 60 planned + the rounds'.
    expect(server.requestCount - before).toBe(60 + meta.adaptive!.extraCalls);

    const report = run.gate!.report;
    expect(report.adaptive).toEqual({ looks: 3, extraCalls: meta.adaptive!.extraCalls, final: true });
    const check = report.suites[0]!.metrics.find((m) => m.metric === 'contains')!;
    expect(check.sequential?.looks).toBe(3);
    expect(check.verdict).not.toBe('regressed');
    // The summary describes the run as planned: 20 cases × 3 repeats, not the rounds' extra repeats.
    expect(meta.summaries?.[0]?.targets[0]?.calls).toBe(60);
    expect(meta.summaries?.[0]?.targets[0]?.reliability?.k).toBe(3);
    expect(formatGateReport(report)).toContain(
      `adaptive re-runs: 2 extra rounds, ${meta.adaptive!.extraCalls} answer calls`,
    );

    // driftgate compare on that run: the same looks, the same verdicts and levels.
    const loadedRun = await loadRun(run.result.runDir as string);
    const again = await runGate({
      loaded,
      suites: loadedRun.meta.suites,
      records: loadedRun.records,
      rescore: { env },
      looks: { adaptive: loadedRun.meta.adaptive },
    });
    expect(again!.report.suites[0]!.metrics).toEqual(report.suites[0]!.metrics);

    // --resume replans the rounds' calls from run.json: nothing is left to do.
    const beforeResume = server.requestCount;
    const resumed = await runEval({ ...options, resume: meta.runId });
    expect(server.requestCount).toBe(beforeResume);
    expect((await resumed.readRecords()).length).toBe(60 + meta.adaptive!.extraCalls);
  });

  it('a gate decided at the first look makes no round; run.json says so, and compare reads the same look', async () => {
    const { configPath, env } = await projectWithBaseline();
    broken = true; // every answer now misses the keyword: a clear regression
    try {
      const before = server.requestCount;
      const options = { configPath, env, useCache: false };
      const loaded = await loadConfig(configPath);
      const run = await gateWithRounds({
        loaded,
        first: await runEval(options),
        evalOptions: options,
        rescore: { env },
      });
      expect(server.requestCount - before).toBe(60);
      expect(run.gate!.report.failed).toBe(true);
      const check = run.gate!.report.suites[0]!.metrics.find((m) => m.metric === 'contains')!;
      expect(check.verdict).toBe('regressed');
      expect(check.sequential).toMatchObject({ look: 1, looks: 1 });
      expect((run.result.meta as RunMeta).adaptive).toEqual({ rounds: [], final: false, extraCalls: 0 });
      const loadedRun = await loadRun(run.result.runDir as string);
      const again = await runGate({
        loaded,
        suites: loadedRun.meta.suites,
        records: loadedRun.records,
        rescore: { env },
        looks: { adaptive: loadedRun.meta.adaptive },
      });
      expect(again!.report.suites[0]!.metrics).toEqual(run.gate!.report.suites[0]!.metrics);
    } finally {
      broken = false;
    }
  });
});
