/**
 * Batch mode (issue 12, item 3): answers and judge verdicts through the OpenAI Batch API and
 * Anthropic Message Batches, via the official SDKs against the local server's batch endpoints —
 * two batches per run (answers, then verdicts), no online call, half price; a `kill -9` between
 * submit and collect followed by `--resume` polls the same batch (one batch per phase at the
 * server); a batch with failed requests (3%) falls back to online calls, or to error records.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import path from 'node:path';
import { readFile } from 'node:fs/promises';
import { cpSync, existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { runEval } from '../src/runner/eval-run.js';
import { readBatchJournal } from '../src/runner/batch/batch-journal.js';
import { formatRunSummary } from '../src/cli/format-run.js';
import { BUILTIN_PRICES } from '../src/providers/pricing.js';
import type { RunMeta } from '../src/runner/store/run-dir.js';
import { FakeLlmServer } from './support/fake-llm-server.js';
import { makeProject } from './support/project.js';
import { spawnCli, runCli } from './support/cli.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

let server: FakeLlmServer;
beforeAll(async () => {
  server = await FakeLlmServer.start({
    respond: (call) => {
      const text = call.messages.map((m) => m.content).join('\n');
      // The judge asks for a JSON verdict (structured output); the app answers in words.
      if (/criteria/i.test(`${call.system ?? ''}\n${text}`)) return JSON.stringify({ reasoning: 'fine', score: 4 });
      return `The KEYWORD answer to ${call.messages.at(-1)?.content ?? ''}`;
    },
  });
});
afterAll(() => server.close());
beforeEach(() => {
  server.resetCounters();
  server.batches.created.openai = 0;
  server.batches.created.anthropic = 0;
  server.batches.configure({ pollsUntilDone: 2, failRate: 0, expire: false, seed: 3 });
});

function project(provider: 'openai' | 'anthropic', cases: number, batch = '{ poll_ms: 5 }') {
  const model =
    provider === 'openai'
      ? `{ provider: openai, model: gpt-4o-mini, baseURL: ${server.openaiBaseURL} }`
      : `{ provider: anthropic, model: claude-3-5-haiku-20241022, baseURL: ${server.anthropicBaseURL} }`;
  return makeProject({
    'driftgate.yaml':
      `version: 1\nmodels:\n  current: ${model}\n  judge: ${model}\nrunner: { concurrency: 4, mode: batch, batch: ${batch} }\n` +
      `suites:\n  - name: s\n    dataset: d.jsonl\n    prompt: p.md\n    scorers:\n      - { type: contains, value: KEYWORD }\n      - { type: judge, model: judge, rubric: rubrics/helpfulness.md }\n`,
    'd.jsonl': Array.from({ length: cases }, (_, i) =>
      JSON.stringify({ id: `q${i}`, question: `Question ${i}?` }),
    ).join('\n'),
    'p.md': '{{question}}',
  }).then((dir) => {
    cpSync(fileURLToPath(new URL('../rubrics', import.meta.url)), path.join(dir, 'rubrics'), { recursive: true });
    return dir;
  });
}

const env = { OPENAI_API_KEY: 'sk-test-batch-0000', ANTHROPIC_API_KEY: 'sk-ant-test-batch-0000' };

describe.each(['openai', 'anthropic'] as const)('batch mode through the %s SDK', (provider) => {
  it('answers in one batch, verdicts in a second, no online call, at half the online price', async () => {
    const dir = await project(provider, 12);
    const r = await runEval({ configPath: path.join(dir, 'driftgate.yaml'), env });
    expect(r.exitCode).toBe(0);
    expect(server.batches.created[provider]).toBe(2);
    expect(server.batches.answered).toBeGreaterThanOrEqual(24);
    expect(server.requestCount).toBe(0); // every answer and verdict came from a batch
    expect(await r.readRecords()).toHaveLength(12);
    for (const rec of await r.readRecords()) {
      expect(rec.status).toBe('ok');
      expect(rec.batch).toBe(true);
      expect(rec.cached).toBe(false);
      expect(rec.scores.find((s) => s.name === 'judge')?.value).toBe(0.75); // 4 on 1–5
      const price = BUILTIN_PRICES[provider === 'openai' ? 'gpt-4o-mini' : 'claude-3-5-haiku']!;
      const online = ((rec.inputTokens as number) * price.input + (rec.outputTokens as number) * price.output) / 1e6;
      expect(rec.costUsd).toBeCloseTo(online / 2, 12);
    }
    const meta = r.meta as RunMeta;
    expect(meta.batches?.map((b) => [b.phase, b.state, b.answered, b.failed])).toEqual([
      ['answers', 'ended', 12, 0],
      ['judge', 'ended', 12, 0],
    ]);
    expect(formatRunSummary(meta, r.runDir as string)).toMatch(
      /batch \S+ \(answers, current\): ended, 12 answered, 0 not/,
    );
    const events = await readBatchJournal(r.runDir as string);
    expect(events.map((e) => `${e.event}:${e.phase}`)).toEqual([
      'submitted:answers',
      'collected:answers',
      'submitted:judge',
      'collected:judge',
    ]);
  });
});

describe.each(['openai', 'anthropic'] as const)('batch mode through the %s SDK, killed', (provider) => {
  it('kill -9 between submit and collect, then --resume: the same batch is polled, one batch per phase at the server', async () => {
    const dir = await project(provider, 10, '{ poll_ms: 20 }');
    server.batches.configure({ pollsUntilDone: 1_000_000 });
    const child = spawnCli(['eval', '-c', path.join(dir, 'driftgate.yaml')], env);
    const runsDir = path.join(dir, '.driftgate', 'runs');
    // Wait for the answers batch to be journaled (submitted), then kill the process.
    let journal: string | undefined;
    for (let i = 0; i < 400 && !journal; i++) {
      await sleep(50);
      const { readdir } = await import('node:fs/promises');
      const runs = existsSync(runsDir) ? await readdir(runsDir) : [];
      const file = runs.length ? path.join(runsDir, runs[0] as string, 'batches.jsonl') : undefined;
      if (file && existsSync(file) && (await readFile(file, 'utf8')).includes('"submitted"')) journal = file;
    }
    expect(journal).toBeDefined();
    child.kill('SIGKILL');
    await new Promise((resolve) => child.on('close', resolve));
    expect(server.batches.created[provider]).toBe(1);

    server.batches.configure({ pollsUntilDone: 1 });
    const resumed = await runCli(['eval', '-c', path.join(dir, 'driftgate.yaml'), '--resume', '--json'], env);
    expect(resumed.code).toBe(0);
    expect(resumed.stderr).toContain('submitted before, polling it again');
    expect(server.batches.created[provider]).toBe(2); // the answers batch once, the judge batch once
    expect(server.requestCount).toBe(0);
    const meta = JSON.parse(resumed.stdout) as RunMeta;
    expect(meta.totals?.calls).toBe(10);
    expect(meta.totals?.errors).toBe(0);
  });
});

describe('batch mode, when things break', () => {
  it('3% of a batch fails: those requests are called online (failed: online) or become error records (failed: error)', async () => {
    server.batches.configure({ failRate: 0.03, seed: 11 });
    const dir = await project('openai', 100);
    const r = await runEval({ configPath: path.join(dir, 'driftgate.yaml'), env });
    const meta = r.meta as RunMeta;
    const failed = meta.batches!.reduce((n, b) => n + b.failed, 0);
    expect(failed).toBeGreaterThan(0);
    expect(failed).toBeLessThan(15);
    // Every failed request (answer or verdict) was made online instead; the run is whole.
    expect(server.requestCount).toBe(failed);
    expect((await r.readRecords()).every((x) => x.status === 'ok')).toBe(true);
    expect((await r.readRecords()).filter((x) => x.batch).length).toBe(
      100 - meta.batches!.find((b) => b.phase === 'answers')!.failed,
    );

    server.resetCounters();
    server.batches.configure({ failRate: 0.03, seed: 11 });
    const strict = await project('openai', 100, '{ poll_ms: 5, failed: error }');
    const s = await runEval({ configPath: path.join(strict, 'driftgate.yaml'), env });
    const answersFailed = (s.meta as RunMeta).batches!.find((b) => b.phase === 'answers')!.failed;
    expect(answersFailed).toBeGreaterThan(0);
    expect((await s.readRecords()).filter((x) => x.status === 'error')).toHaveLength(answersFailed);
    expect(server.requestCount).toBe(0);
    expect(s.exitCode).toBe(3); // error records over max_errors (0): incomplete, resumable
  });

  it('a run larger than one batch may hold goes in several (runner.batch.max_requests, else the provider limit)', async () => {
    const dir = await project('anthropic', 10, '{ poll_ms: 5, max_requests: 4 }');
    const r = await runEval({ configPath: path.join(dir, 'driftgate.yaml'), env });
    expect(r.exitCode).toBe(0);
    expect(server.batches.created.anthropic).toBe(6); // answers 4 + 4 + 2, verdicts 4 + 4 + 2
    expect(server.requestCount).toBe(0);
    expect((r.meta as RunMeta).batches?.map((b) => b.answered)).toEqual([4, 4, 2, 4, 4, 2]);
  });

  it('--dry-run in batch mode estimates the batch price: half the online estimate', async () => {
    const dir = await project('openai', 20);
    const batch = await runEval({ configPath: path.join(dir, 'driftgate.yaml'), env, dryRun: true });
    const online = await runEval({ configPath: path.join(dir, 'driftgate.yaml'), env, dryRun: true, batch: false });
    expect(batch.dryRun?.batch).toBe(true);
    expect(batch.dryRun?.costUsd).toBeCloseTo((online.dryRun?.costUsd as number) / 2, 12);
    expect(server.batches.created.openai + server.requestCount).toBe(0);
  });

  it('an expired batch is reported, and its requests are made online', async () => {
    server.batches.configure({ expire: true });
    const dir = await project('anthropic', 5);
    const r = await runEval({ configPath: path.join(dir, 'driftgate.yaml'), env });
    const meta = r.meta as RunMeta;
    expect(meta.batches?.[0]).toMatchObject({ phase: 'answers', state: 'expired', answered: 0, failed: 5 });
    expect((await r.readRecords()).every((x) => x.status === 'ok' && !x.batch)).toBe(true);
    expect(server.requestCount).toBe(10); // 5 answers and 5 verdicts online
  });
});
