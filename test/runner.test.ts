import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { FakeLlmServer } from './support/fake-llm-server.js';
import { allFiles, makeProject, questions } from './support/project.js';
import { runEval, type EvalOptions } from '../src/runner/eval-run.js';
import { readJournal } from '../src/runner/store/journal.js';
import { readRunMeta } from '../src/runner/store/run-dir.js';
import { UsageError } from '../src/errors.js';

let server: FakeLlmServer;
beforeAll(async () => {
  server = await FakeLlmServer.start();
});
afterAll(() => server.close());
beforeEach(() => {
  server.resetCounters();
  server.configure({ latencyMs: 0, retryAfterMs: 50 });
});

const KEY = 'sk-canary-7f3a9c1e5b2d4f6a8c0e';
const env = { OPENAI_API_KEY: KEY, ANTHROPIC_API_KEY: 'sk-ant-canary-1b2c3d4e5f6a7b8c' };

function config(extra: { targets?: string; runner?: string; pricing?: string } = {}): string {
  return `version: 1
models:
  current: { provider: openai, model: gpt-4o-mini, baseURL: ${server.openaiBaseURL}, params: { temperature: 0 } }
  claude:  { provider: anthropic, model: claude-haiku-4-5, baseURL: ${server.anthropicBaseURL} }
${extra.pricing ?? ''}
runner: { retry_base_ms: 5, max_retries: 2${extra.runner ?? ''} }
suites:
  - name: support
    dataset: d.jsonl
    prompt: p.md
    targets: ${extra.targets ?? '[current]'}
`;
}

async function project(n: number, extra: Parameters<typeof config>[0] = {}): Promise<string> {
  return makeProject({ 'driftgate.yaml': config(extra), 'd.jsonl': questions(n), 'p.md': 'Customer: {{question}}' });
}

const run = (dir: string, options: EvalOptions = {}) =>
  runEval({ configPath: path.join(dir, 'driftgate.yaml'), env, ...options });

describe('driftgate eval runner', () => {
  it('replays every case through both SDKs and journals one line per call', async () => {
    const dir = await project(5, { targets: '[current, claude]' });
    const result = await run(dir);
    expect(result.exitCode).toBe(0);
    expect(server.requestCount).toBe(10);
    const journal = await readJournal(path.join(result.runDir!, 'cases.jsonl'));
    expect(journal).toHaveLength(10);
    const first = journal.find((r) => r.itemId === 'support/q0/current/0')!;
    expect(first).toMatchObject({
      status: 'ok',
      output: 'Answer to: Customer: Question number 0?',
      finishReason: 'stop',
      providerModel: 'gpt-4o-mini-2024-08-06',
      systemFingerprint: 'fp_test0001',
      cached: false,
      attempts: 1,
    });
    // gpt-4o-mini is $0.15 / $0.60 per million tokens in the built-in table
    expect(first.costUsd).toBeCloseTo((first.inputTokens! * 0.15 + first.outputTokens! * 0.6) / 1e6, 12);
    const meta = await readRunMeta(result.runDir!);
    expect(meta.status).toBe('complete');
    expect(meta.summaries?.[0]?.targets.map((t) => [t.target, t.calls, t.errors])).toEqual([
      ['current', 5, 0],
      ['claude', 5, 0],
    ]);
  });

  it('honours retry-after on 429 before retrying', async () => {
    const dir = await project(1);
    server.configure({ retryAfterMs: 400 });
    server.queue('429');
    const started = Date.now();
    const result = await run(dir);
    expect(Date.now() - started).toBeGreaterThanOrEqual(390);
    expect(server.requestCount).toBe(2);
    expect((await result.readRecords())[0]).toMatchObject({ status: 'ok', attempts: 2 });
  });

  it('retries 5xx and connection resets with backoff', async () => {
    const dir = await project(1);
    server.queue('500', 'reset');
    const result = await run(dir);
    expect((await result.readRecords())[0]).toMatchObject({ status: 'ok', attempts: 3 });
    expect(server.requestCount).toBe(3);
  });

  it('turns a call that fails every retry into an error record; the rest of the run goes on', async () => {
    const dir = await project(4, { runner: ', concurrency: 1' });
    server.queue('500', '500', '500'); // max_retries 2 → 3 attempts for the first case
    const result = await run(dir);
    expect(result.exitCode).toBe(3);
    expect(result.incompleteReason).toMatch(/1 of 4 calls failed \(allowed: 0/);
    const failed = (await result.readRecords()).filter((r) => r.status === 'error');
    expect(failed).toHaveLength(1);
    expect(failed[0]).toMatchObject({ attempts: 3, error: { kind: 'server', status: 500 } });
    expect((await result.readRecords()).filter((r) => r.status === 'ok')).toHaveLength(3);
    // tolerated when the user says so
    server.queue('500', '500', '500');
    expect((await run(dir, { useCache: false, maxErrors: 1 })).exitCode).toBe(0);
  });

  it('stops scheduling at --max-cost, keeps what was done, and resumes the rest', async () => {
    // $1 per 1k tokens makes each call cost about a cent.
    const dir = await makeProject({
      'driftgate.yaml': config({
        runner: ', concurrency: 1',
        pricing: 'pricing: { gpt-4o-mini: { input: 1000, output: 1000 } }',
      }).replace('params: { temperature: 0 }', 'params: { temperature: 0, max_tokens: 16 }'),
      'd.jsonl': questions(20),
      'p.md': 'Customer: {{question}}',
    });
    const first = await run(dir, { maxCostUsd: 0.1 });
    expect(first.exitCode).toBe(3);
    expect(first.incompleteReason).toMatch(/budget of \$0\.1 reached: \d+ of 20 calls not made/);
    const done = (await first.readRecords()).length;
    expect(done).toBeGreaterThan(0);
    expect(done).toBeLessThan(20);
    expect(first.meta!.totals!.spentUsd).toBeLessThanOrEqual(0.1);
    expect(server.requestCount).toBe(done);
    const resumed = await run(dir, { resume: first.runId!, useCache: false });
    expect(resumed.exitCode).toBe(0);
    expect(await resumed.readRecords()).toHaveLength(20);
    expect(server.requestCount).toBe(20);
  });

  it('serves a re-run from the cache with zero requests; --no-cache sends again', async () => {
    const dir = await project(6);
    await run(dir);
    expect(server.requestCount).toBe(6);
    const again = await run(dir);
    expect(server.requestCount).toBe(6);
    expect((await again.readRecords()).every((r) => r.cached)).toBe(true);
    expect(again.meta!.totals!.spentUsd).toBe(0);
    await run(dir, { useCache: false });
    expect(server.requestCount).toBe(12);
  });

  it('--offline replays the cache, and names the first missing entry without sending anything', async () => {
    const dir = await project(3);
    await run(dir);
    server.resetCounters();
    expect((await run(dir, { offline: true })).exitCode).toBe(0);
    const cold = await project(3);
    const result = await run(cold, { offline: true });
    expect(server.requestCount).toBe(0);
    expect(result.exitCode).toBe(3);
    expect(result.incompleteReason).toMatch(
      /^--offline: 3 calls are not in the cache; first missing: suite support, case "q\d", target current, repeat 0 \(key [0-9a-f]{16}…\)$/,
    );
    expect((await result.readRecords()).every((r) => r.error?.kind === 'cache_miss')).toBe(true);
  });

  it('gives each repeat its own cache entry', async () => {
    const dir = await makeProject({
      'driftgate.yaml': config().replace('targets: [current]', 'targets: [current]\n    repeats: 3'),
      'd.jsonl': questions(2),
      'p.md': '{{question}}',
    });
    await run(dir);
    expect(server.requestCount).toBe(6);
    await run(dir);
    expect(server.requestCount).toBe(6);
  });

  it('a missing API key is a clear error before anything is sent', async () => {
    const dir = await project(2, { targets: '[claude]' });
    const err = await run(dir, { env: {} }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UsageError);
    expect((err as UsageError).exitCode).toBe(2);
    expect((err as Error).message).toContain('ANTHROPIC_API_KEY is not set');
    expect(server.requestCount).toBe(0);
  });

  it('never writes the API key to any file under .driftgate/, even when a server echoes it', async () => {
    const dir = await project(4, { targets: '[current, claude]', runner: ', concurrency: 1' });
    server.queue('401-echo');
    const result = await run(dir, { maxErrors: 1 });
    const echoed = (await result.readRecords()).find((r) => r.status === 'error');
    expect(echoed?.error?.message).toContain('Incorrect API key provided: Bearer [redacted]');
    const files = await allFiles(path.join(dir, '.driftgate'));
    expect(files.length).toBeGreaterThan(8);
    for (const { file, text } of files) {
      expect(text, file).not.toContain(KEY);
      expect(text, file).not.toContain(env.ANTHROPIC_API_KEY);
    }
  });

  it('--dry-run estimates calls, tokens and dollars and sends nothing', async () => {
    const dir = await project(10);
    const result = await run(dir, { dryRun: true });
    expect(server.requestCount).toBe(0);
    expect(result.dryRun).toMatchObject({ calls: 10, cached: 0, toSend: 10 });
    expect(result.dryRun!.costUsd).toBeGreaterThan(0);
    expect(result.runDir).toBeUndefined();
  });

  it('refuses to resume a run whose config changed', async () => {
    const dir = await project(2);
    const first = await run(dir);
    const file = path.join(dir, 'driftgate.yaml');
    const { writeFile } = await import('node:fs/promises');
    await writeFile(file, (await readFile(file, 'utf8')).replace('temperature: 0', 'temperature: 0.5'));
    await expect(run(dir, { resume: first.runId! })).rejects.toThrow(/changed since the run started/);
  });
});
