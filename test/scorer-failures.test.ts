/**
 * A scorer that never works must never pass the gate (issue 15): a judge answering in prose makes
 * eval, compare and drift incomplete, is stopped after a few calls, and shows its row everywhere.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { cpSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { FakeLlmServer, type ChatCall } from './support/fake-llm-server.js';
import { makeProject } from './support/project.js';
import { runCli } from './support/cli.js';
import { runEval } from '../src/runner/eval-run.js';
import { runDrift } from '../src/drift/run-drift.js';
import { readHistory } from '../src/drift/history.js';
import { loadConfig } from '../src/config/load.js';
import { runGate } from '../src/gate/run-gate.js';
import { baselineFromRun } from '../src/baselines/from-run.js';
import { baselinePath, writeBaseline } from '../src/baselines/baseline-file.js';
import { formatRunSummary } from '../src/cli/format-run.js';
import { formatGateReport } from '../src/cli/format-gate.js';
import { formatDriftReport } from '../src/cli/format-drift.js';
import { loadReportModel } from '../src/report/report-model.js';
import { renderMarkdown } from '../src/report/markdown.js';
import { renderHtml } from '../src/report/html.js';
import { buildSummaryJson } from '../src/report/summary-json.js';
import { probeScorers } from '../src/cli/check-probe.js';
import type { RunMeta } from '../src/runner/store/run-dir.js';

const env = { OPENAI_API_KEY: 'sk-test-scorer-failures-0000', ANTHROPIC_API_KEY: 'sk-ant-test-scorer-failures-0000' };
const isJudge = (call: ChatCall) => 'response_format' in call.body || 'tools' in call.body;
const PROSE = 'Well, this answer seems quite helpful overall. I would give it a good score.';

/** How the judge answers: a valid verdict, or prose (as a model without structured output does). */
let judgeAnswers: (call: ChatCall) => 'verdict' | 'prose' = () => 'verdict';

let server: FakeLlmServer;
beforeAll(async () => {
  server = await FakeLlmServer.start({
    respond: (call) => {
      if (!isJudge(call)) return `Answer: ${call.messages.at(-1)?.content ?? ''}`;
      if (judgeAnswers(call) === 'prose') return PROSE;
      const pairwise =
        (call.body.response_format as { json_schema?: { name?: string } } | undefined)?.json_schema?.name ===
        'preference';
      return JSON.stringify(pairwise ? { reasoning: 'alike', winner: 'tie' } : { reasoning: 'fine', score: 4 });
    },
  });
});
afterAll(() => server.close());
beforeEach(() => {
  server.resetCounters();
  judgeAnswers = () => 'verdict';
});

const judgeCalls = () =>
  server.requests.filter(
    (r) => r.body !== null && typeof r.body === 'object' && ('response_format' in r.body || 'tools' in r.body),
  ).length;

async function project(n: number, scorers: string, extra = ''): Promise<string> {
  const dir = await makeProject({
    'driftgate.yaml': `version: 1
models:
  current: { provider: openai, model: gpt-4o-mini, baseURL: ${server.openaiBaseURL} }
  judge:   { provider: openai, model: gpt-4o-mini-judge, baseURL: ${server.openaiBaseURL} }
runner: { retry_base_ms: 5, concurrency: 8 }
${extra}suites:
  - name: support
    dataset: d.jsonl
    prompt: p.md
    scorers:
${scorers}
`,
    'd.jsonl': Array.from({ length: n }, (_, i) => JSON.stringify({ id: `q${i}`, question: `Question ${i}?` })).join(
      '\n',
    ),
    'p.md': 'Customer: {{question}}',
  });
  cpSync(fileURLToPath(new URL('../rubrics', import.meta.url)), path.join(dir, 'rubrics'), { recursive: true });
  return dir;
}

const RULE_AND_JUDGE = `      - { type: contains, value: "Answer" }
      - { type: judge, rubric: rubrics/helpfulness.md }`;

describe('eval with a judge that answers in prose', () => {
  it('exits 3 naming the judge and why; the judge row is shown with its errors, never NaN', async () => {
    judgeAnswers = () => 'prose';
    const dir = await project(30, RULE_AND_JUDGE);
    const r = await runEval({ configPath: path.join(dir, 'driftgate.yaml'), env });
    expect(r.exitCode).toBe(3);
    expect(r.incompleteReason).toContain(
      'judge: 30 of 30 verdicts failed — the judge answered in prose; does the model support structured output?',
    );
    const meta = r.meta as RunMeta;
    const judge = meta.scorers?.find((h) => h.scorer === 'judge');
    expect(judge).toMatchObject({ outputs: 30, scored: 0, errors: 30, allowed: 1 });
    expect(judge?.firstError).toContain('not JSON');
    const rows = meta.summaries?.[0]?.targets[0]?.scores ?? [];
    expect(rows.find((m) => m.metric === 'judge')).toMatchObject({ n: 0, mean: null, errors: 30 });
    expect(rows.find((m) => m.metric === 'pass_rate')).toMatchObject({ n: 0, mean: null, errors: 30 });
    const text = formatRunSummary(meta, r.runDir as string);
    expect(text).not.toContain('NaN');
    expect(text).toMatch(/support\s+current\s+judge\s+0\s+–\s+–\s+30/);
    expect(text).toContain('30 calls (0 from cache, 0 errors) · 30 scorer errors');
    expect(text).toContain('judge: 30 of 30 verdicts failed — the judge answered in prose');
    // The reports say it too.
    const model = await loadReportModel(r.runDir as string);
    expect(buildSummaryJson(model).verdict).toBe('incomplete');
    expect(renderMarkdown(model)).toContain('⚠️ judge: 30 of 30 verdicts failed');
    expect(renderHtml(model)).toContain('judge: 30 of 30 verdicts failed');
  });

  it('stops a judge whose first verdicts all fail: a 300-case suite makes at most ~10 judge calls', async () => {
    judgeAnswers = () => 'prose';
    const dir = await project(300, RULE_AND_JUDGE);
    const r = await runEval({ configPath: path.join(dir, 'driftgate.yaml'), env });
    expect(r.exitCode).toBe(3);
    // 5 failed verdicts × (1 call + 1 retry); nothing else was in flight while on probation.
    expect(judgeCalls()).toBeLessThanOrEqual(10);
    expect(server.requestCount - judgeCalls()).toBe(300); // every answer was still collected
    expect(r.incompleteReason).toContain('judge stopped after its first 5 scorings all failed');
    expect(r.meta?.scorers?.find((h) => h.scorer === 'judge')).toMatchObject({ errors: 300, scored: 0 });
  });

  it('a judge failing on 2% of verdicts gives a complete run that reports the 2%', async () => {
    // Cases 7, 57, 107, … (6 of 300) get prose; the first verdicts succeed, so nothing is stopped.
    judgeAnswers = (call) =>
      Number(/Question (\d+)\?/.exec(JSON.stringify(call.body.messages))?.[1]) % 50 === 7 ? 'prose' : 'verdict';
    const dir = await project(300, RULE_AND_JUDGE);
    const r = await runEval({ configPath: path.join(dir, 'driftgate.yaml'), env });
    expect(r.exitCode).toBe(0);
    expect(r.meta?.status).toBe('complete');
    const judge = r.meta?.scorers?.find((h) => h.scorer === 'judge');
    expect(judge).toMatchObject({ outputs: 300, scored: 294, errors: 6, allowed: 15 });
    expect(judge?.stopped).toBeUndefined();
    const row = r.meta?.summaries?.[0]?.targets[0]?.scores.find((m) => m.metric === 'judge');
    expect(row).toMatchObject({ n: 294, errors: 6 });
    expect(formatRunSummary(r.meta as RunMeta, r.runDir as string)).toContain(
      'judge: 6 of 300 verdicts failed — the judge answered in prose',
    );
  });

  it('resuming after the judge is fixed scores again what failed, and completes', async () => {
    judgeAnswers = () => 'prose';
    const dir = await project(20, RULE_AND_JUDGE);
    const config = path.join(dir, 'driftgate.yaml');
    const first = await runEval({ configPath: config, env });
    expect(first.exitCode).toBe(3);
    judgeAnswers = () => 'verdict';
    server.resetCounters();
    const resumed = await runEval({ configPath: config, env, resume: first.runId as string });
    expect(resumed.exitCode).toBe(0);
    expect(server.requestCount).toBe(20); // only judge verdicts: no answer is asked for again
    expect(resumed.meta?.scorers?.find((h) => h.scorer === 'judge')).toMatchObject({ scored: 20, errors: 0 });
  });
});

describe('embedders and custom scorers that fail', () => {
  it('an embedder that always fails is stopped early and makes the run incomplete', async () => {
    const broken = await FakeLlmServer.start({ errorRate: 1 });
    try {
      const dir = await project(
        20,
        '      - { type: similarity, reference: "Answer: Customer: {{question}}", embedder: remote }',
        `# an embedder that answers 500 to everything
`,
      );
      const config = path.join(dir, 'driftgate.yaml');
      const { writeFile } = await import('node:fs/promises');
      await writeFile(
        config,
        (await readFile(config, 'utf8')).replace(
          'models:\n',
          `models:\n  remote:  { provider: openai, model: text-embedding-3-small, baseURL: ${broken.openaiBaseURL} }\n`,
        ),
      );
      const r = await runEval({ configPath: config, env, retry: { max_retries: 1 } });
      expect(r.exitCode).toBe(3);
      expect(r.incompleteReason).toContain('similarity: 20 of 20 similarity scores failed');
      // One failed batch prefetch, then five failed scorings, each a request and its one retry.
      expect(broken.requestCount).toBeLessThanOrEqual(12);
    } finally {
      await broken.close();
    }
  });

  it('a custom scorer that throws on every output becomes error scores with its reason, and the run is incomplete', async () => {
    const dir = await project(20, '      - { type: custom, module: broken.mjs }');
    const { writeFile } = await import('node:fs/promises');
    await writeFile(
      path.join(dir, 'broken.mjs'),
      "export default () => { throw new Error('lookup table missing'); };\n",
    );
    const r = await runEval({ configPath: path.join(dir, 'driftgate.yaml'), env });
    expect(r.exitCode).toBe(3);
    expect(r.meta?.scorers?.[0]).toMatchObject({ scorer: 'custom', errors: 20, firstError: 'lookup table missing' });
    expect(r.meta?.scorers?.[0]?.stopped).toContain(
      'custom stopped after 2 failed scorings, more than runner.max_scorer_errors allows',
    );
    expect(r.incompleteReason).toContain('custom: 20 of 20 scores failed — first: lookup table missing');
  });
});

describe('the gate with failing or new scorers', () => {
  async function withBaseline(scorers: string): Promise<string> {
    const dir = await project(30, scorers);
    const config = path.join(dir, 'driftgate.yaml');
    const run = await runEval({ configPath: config, env });
    expect(run.exitCode).toBe(0);
    await writeBaseline(
      baselinePath(dir, 'support'),
      baselineFromRun(run.meta as RunMeta, 'support', await run.readRecords()),
    );
    return dir;
  }

  it('a judge with no values now is never "passed": the gate is incomplete, and compare exits 3', async () => {
    const dir = await withBaseline(RULE_AND_JUDGE);
    const config = path.join(dir, 'driftgate.yaml');
    judgeAnswers = () => 'prose';
    const run = await runEval({ configPath: config, env, useCache: false });
    expect(run.exitCode).toBe(3);
    // Even without the run's own incomplete reason, the metrics alone make the gate incomplete.
    const gate = await runGate({
      loaded: await loadConfig(config),
      suites: ['support'],
      records: await run.readRecords(),
    });
    const report = gate!.report;
    expect(report.failed).toBe(false);
    const judge = report.suites[0]!.metrics.find((m) => m.metric === 'judge')!;
    expect(judge.status).toBe('no-values-now');
    expect(judge.scoringErrors).toEqual({ errors: 30, of: 30 });
    expect(report.incomplete).toContain('support · current: judge has no values now (30 of 30 scorings failed)');
    expect(report.headline).toMatch(/^Gate incomplete: /);
    const text = formatGateReport(report);
    expect(text).toContain('INCOMPLETE: no values now, 30 of 30 scorings failed');
    expect(text).toMatch(/GATE INCOMPLETE · Gate incomplete/);
    expect(text).not.toContain('gate passed');

    const cli = await runCli(['compare', '--config', config, '--run', run.runDir as string], env, dir);
    expect(cli.code).toBe(3);
    expect(cli.stdout).toContain('GATE INCOMPLETE');
    const summary = JSON.parse(await readFile(path.join(run.runDir as string, 'gate.json'), 'utf8')) as {
      report: { incomplete: string[] };
    };
    expect(summary.report.incomplete.length).toBeGreaterThan(0);
  });

  it('a scorer added in the pull request is reported as new and the gate still passes', async () => {
    const dir = await withBaseline('      - { type: contains, value: "Answer" }');
    const config = path.join(dir, 'driftgate.yaml');
    const yaml = await readFile(config, 'utf8');
    const { writeFile } = await import('node:fs/promises');
    await writeFile(config, yaml.replace('      - { type: contains, value: "Answer" }', RULE_AND_JUDGE));
    const run = await runEval({ configPath: config, env });
    expect(run.exitCode).toBe(0);
    const report = (await runGate({
      loaded: await loadConfig(config),
      suites: ['support'],
      records: await run.readRecords(),
    }))!.report;
    const metrics = report.suites[0]!.metrics;
    expect(metrics.find((m) => m.metric === 'judge')?.status).toBe('new');
    // pass_rate still compares, over the scorer both sides ran alike.
    const passRate = metrics.find((m) => m.metric === 'pass_rate');
    expect(passRate).toMatchObject({ status: 'compared', n: 30, delta: 0 });
    expect(passRate?.verdict).not.toBe('regressed');
    expect(report.failed).toBe(false);
    expect(report.incomplete).toBeUndefined();
    const text = formatGateReport(report);
    expect(text).toContain('new since the baseline, not compared');
    expect(text).toContain('gate passed');
  });
});

describe('drift with a pairwise judge that answers in prose', () => {
  it('exits 3, shows the judge row with its errors, stops early, and does not append the history', async () => {
    judgeAnswers = () => 'prose';
    const logs = Array.from({ length: 300 }, (_, i) =>
      JSON.stringify({ input: `Question ${i} about billing`, timestamp: '2026-11-20T10:00:00Z' }),
    ).join('\n');
    const dir = await makeProject({
      'driftgate.yaml': `version: 1
models:
  pinned:   { provider: openai, model: gpt-4o-2024-08-06, baseURL: ${server.openaiBaseURL} }
  current:  { provider: openai, model: gpt-4o, baseURL: ${server.openaiBaseURL} }
  judge:    { provider: openai, model: gpt-4o-mini-judge, baseURL: ${server.openaiBaseURL} }
  embedder: { provider: local }
runner: { retry_base_ms: 5, concurrency: 16 }
drift:
  logs: logs/*.jsonl
  sample: { size: 300, seed: week-1 }
  pinned_samples: 1
  scorers:
    - { type: refusal }
    - { type: judge, name: preference, mode: pairwise, against: pinned, rubric: rubrics/helpfulness.md }
`,
      'logs/week.jsonl': logs,
    });
    cpSync(fileURLToPath(new URL('../rubrics', import.meta.url)), path.join(dir, 'rubrics'), { recursive: true });
    const r = await runDrift({ configPath: path.join(dir, 'driftgate.yaml'), env });
    expect(r.exitCode).toBe(3);
    expect(judgeCalls()).toBeLessThanOrEqual(10);
    const row = r.decision.signals.find((s) => s.name.startsWith('preference'));
    expect(row).toMatchObject({ p: null, scoringErrors: { errors: 300, of: 300 } });
    expect(row?.notTested).toContain('preference: 300 of 300 verdicts failed — the judge answered in prose');
    expect(r.incompleteReason).toContain('preference: 300 of 300 verdicts failed');
    expect(await readHistory(r.historyFile)).toHaveLength(0);
    const text = formatDriftReport(r);
    expect(text).toContain('not tested: preference: 300 of 300 verdicts failed');
    expect(text).toContain('(not appended: run incomplete)');
  });
});

describe('driftgate check', () => {
  it('probes the judge live and names why it fails; passes once the judge works', async () => {
    const dir = await project(3, RULE_AND_JUDGE);
    judgeAnswers = () => 'prose';
    const bad = await probeScorers({ configPath: path.join(dir, 'driftgate.yaml'), env });
    expect(bad).toHaveLength(1);
    expect(bad[0]).toMatchObject({
      suite: 'support',
      scorer: 'judge',
      ok: false,
      hint: 'the judge answered in prose; does the model support structured output?',
    });
    expect(judgeCalls()).toBe(2); // one probe: the verdict and its one retry
    judgeAnswers = () => 'verdict';
    const good = await probeScorers({ configPath: path.join(dir, 'driftgate.yaml'), env });
    expect(good[0]).toMatchObject({ ok: true, value: 0.75 });
    const cli = await runCli(['check', '--config', path.join(dir, 'driftgate.yaml')], env, dir);
    expect(cli.code).toBe(0);
    expect(cli.stdout).toContain('all 1 probes answered');
  });
});
