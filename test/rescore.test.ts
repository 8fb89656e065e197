/**
 * A changed rubric no longer costs the gate its judge metric (issue 13, item 4): the baseline's
 * stored outputs are scored again with today's judge, through the cache, and compared.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { FakeLlmServer, type ChatCall } from './support/fake-llm-server.js';
import { makeProject } from './support/project.js';
import { runCli } from './support/cli.js';
import { runEval } from '../src/runner/eval-run.js';
import { runGate } from '../src/gate/run-gate.js';
import { loadConfig } from '../src/config/load.js';
import { baselineFromRun } from '../src/baselines/from-run.js';
import { baselinePath, readBaseline, writeBaseline } from '../src/baselines/baseline-file.js';
import { formatGateReport } from '../src/cli/format-gate.js';
import type { RunMeta } from '../src/runner/store/run-dir.js';

const isJudge = (call: ChatCall) => 'response_format' in call.body || 'tools' in call.body;
let server: FakeLlmServer;
/** Answers change between the baseline's run and the pull request's, as a new prompt would make them. */
let version = 1;
beforeAll(async () => {
  server = await FakeLlmServer.start({
    respond: (call) =>
      isJudge(call)
        ? JSON.stringify({ reasoning: 'ok', score: 4 })
        : `Answer v${version} to ${call.messages.at(-1)?.content}`,
  });
});
afterAll(() => server.close());
const env = { OPENAI_API_KEY: 'sk-test-rescore-0000' };
const judgeCalls = () =>
  server.requests.filter((r) => typeof r.body === 'object' && r.body !== null && 'response_format' in r.body).length;

async function project(rescore?: 'never'): Promise<string> {
  version = 1;
  const dir = await makeProject({
    'driftgate.yaml': `version: 1
models:
  current: { provider: openai, model: gpt-4o-mini, baseURL: ${server.openaiBaseURL} }
  judge:   { provider: openai, model: gpt-4o-judge, baseURL: ${server.openaiBaseURL} }
suites:
  - name: faq
    dataset: d.jsonl
    prompt: p.md
    scorers:
      - { type: contains, value: Answer }
      - { type: judge, rubric: rubrics/helpfulness.md }
${rescore ? `    gate: { rescore: ${rescore} }\n` : ''}`,
    'd.jsonl': Array.from({ length: 10 }, (_, i) => JSON.stringify({ id: `q${i}`, question: `Question ${i}?` })).join(
      '\n',
    ),
    'p.md': 'Customer: {{question}}',
  });
  cpSync(fileURLToPath(new URL('../rubrics', import.meta.url)), path.join(dir, 'rubrics'), { recursive: true });
  const run = await runEval({ configPath: path.join(dir, 'driftgate.yaml'), env });
  await writeBaseline(baselinePath(dir, 'faq'), baselineFromRun(run.meta as RunMeta, 'faq', await run.readRecords()));
  // The pull request edits the rubric: the judge's scorerId changes.
  const rubric = path.join(dir, 'rubrics/helpfulness.md');
  writeFileSync(
    rubric,
    readFileSync(rubric, 'utf8').replace(
      'Judge how well the answer serves the user who asked.',
      'Judge how well the answer serves the customer who asked, and whether it is polite.',
    ),
  );
  version = 2;
  return dir;
}

describe('re-scoring a baseline when a scorer changed', () => {
  it('compares the judge metric after re-scoring the 10 baseline outputs (10 judge calls); a second gate makes none', async () => {
    const dir = await project();
    const config = path.join(dir, 'driftgate.yaml');
    // New answers (not replayed from the cache), judged with the new rubric.
    const run = await runEval({ configPath: config, env, useCache: false });
    expect(run.exitCode).toBe(0);
    server.resetCounters();
    const gate = await runGate({
      loaded: await loadConfig(config),
      suites: ['faq'],
      records: await run.readRecords(),
      rescore: { env },
    });
    const judge = gate!.report.suites[0]!.metrics.find((m) => m.metric === 'judge')!;
    expect(judge.status).toBe('compared');
    expect(judge.rescored).toEqual({
      metric: 'judge',
      outputs: 10,
      calls: 10,
      cached: 0,
      costUsd: expect.any(Number),
      errors: 0,
    });
    expect(judgeCalls()).toBe(10);
    expect(gate!.report.suites[0]!.metrics.find((m) => m.metric === 'pass_rate')?.status).toBe('compared');
    expect(formatGateReport(gate!.report)).toMatch(
      /baseline re-scored with today's scorer \(10 outputs, 10 judge calls, 0 cached, worth (\$[\d.e-]+|unpriced)\)/,
    );

    server.resetCounters();
    const again = await runGate({
      loaded: await loadConfig(config),
      suites: ['faq'],
      records: await run.readRecords(),
      rescore: { env },
    });
    expect(judgeCalls()).toBe(0);
    expect(again!.report.suites[0]!.metrics.find((m) => m.metric === 'judge')?.rescored).toMatchObject({
      calls: 10,
      cached: 10,
    });
  }, 60_000);

  it('gate.rescore: never keeps the old behaviour: "not compared: scorer changed"', async () => {
    const dir = await project('never');
    const config = path.join(dir, 'driftgate.yaml');
    const run = await runEval({ configPath: config, env });
    const gate = await runGate({
      loaded: await loadConfig(config),
      suites: ['faq'],
      records: await run.readRecords(),
      rescore: { env },
    });
    expect(gate!.report.suites[0]!.metrics.find((m) => m.metric === 'judge')?.status).toBe('scorer-changed');
  }, 60_000);

  it('driftgate baseline rescore writes the re-scored baseline; then nothing is left to re-score', async () => {
    const dir = await project();
    const r = await runCli(['baseline', 'rescore', '--config', path.join(dir, 'driftgate.yaml')], { ...env }, dir);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('faq · judge: 10 outputs re-scored, 10 judge calls (0 cached), 0 errors');
    const written = await readBaseline(baselinePath(dir, 'faq'));
    const [prepared] = await (
      await import('../src/runner/plan/plan.js')
    ).prepareSuites(
      await loadConfig(path.join(dir, 'driftgate.yaml')),
      (await loadConfig(path.join(dir, 'driftgate.yaml'))).config.suites,
    );
    expect(written?.scorers.find((s) => s.name === 'judge')?.scorerId).toBe(
      prepared?.scorers.find((s) => s.name === 'judge')?.id,
    );
    const second = await runCli(['baseline', 'rescore', '--config', path.join(dir, 'driftgate.yaml')], { ...env }, dir);
    expect(second.stdout).toContain('nothing to re-score');
  }, 60_000);
});
