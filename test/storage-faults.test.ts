/**
 * Faults that lose nothing (issue 13, item 3): a full disk or a read-only directory ends the run
 * with a clear message and exit 3, the journal readable and resumable; two runs writing into one
 * .driftgate/ at once corrupt nothing. The faults are injected into Node's own fs functions.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createRequire, syncBuiltinESMExports } from 'node:module';
import { open } from 'node:fs/promises';
import type * as NodeFs from 'node:fs';
import { readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { FakeLlmServer } from './support/fake-llm-server.js';
import { makeProject, questions } from './support/project.js';
import { runEval } from '../src/runner/eval-run.js';
import { runDrift } from '../src/drift/run-drift.js';
import { readJournal } from '../src/runner/store/journal.js';
import { readHistory } from '../src/drift/history.js';
import { readRunMeta } from '../src/runner/store/run-dir.js';
import { ResponseCache } from '../src/runner/cache/cache.js';
import { StorageError } from '../src/errors.js';

const fs = createRequire(import.meta.url)('node:fs') as typeof NodeFs;
let server: FakeLlmServer;
let restore: (() => void)[] = [];
beforeAll(async () => {
  server = await FakeLlmServer.start({ latencyMs: 2 });
});
afterAll(() => server.close());
afterEach(() => {
  for (const r of restore.reverse()) r();
  restore = [];
});

const errno = (code: string) => Object.assign(new Error(`${code}: injected`), { code });
const env = { OPENAI_API_KEY: 'sk-test-faults-0000' };

async function project(n: number): Promise<string> {
  return makeProject({
    'driftgate.yaml': `version: 1\nmodels:\n  current: { provider: openai, model: gpt-4o-mini, baseURL: ${server.openaiBaseURL} }\nrunner: { concurrency: 2 }\nsuites:\n  - { name: s, dataset: d.jsonl, prompt: p.md, scorers: [{ type: contains, value: Answer }] }\n`,
    'd.jsonl': questions(n),
    'p.md': 'Customer: {{question}}',
  });
}

/** Journal writes (the lines carry "itemId") fail with `code` once `after` of them went through. */
async function failJournalWrites(code: string, after: number): Promise<void> {
  const probe = await open(path.join(tmpdir(), `driftgate-probe-${process.pid}`), 'w');
  const proto = Object.getPrototypeOf(probe) as { write: (...args: unknown[]) => Promise<unknown> };
  await probe.close();
  const original = proto.write;
  let seen = 0;
  proto.write = function (this: unknown, ...args: unknown[]) {
    const text = typeof args[0] === 'string' ? args[0] : Buffer.isBuffer(args[0]) ? args[0].toString('utf8') : '';
    if (text.includes('"itemId"') && ++seen > after) return Promise.reject(errno(code));
    return original.apply(this, args);
  };
  restore.push(() => (proto.write = original));
}

/** Synchronous writes under `.driftgate/cache` fail with `code` (the cache writes synchronously). */
function failCacheWrites(code: string): void {
  const original = fs.writeFileSync;
  fs.writeFileSync = ((file: unknown, ...rest: unknown[]) => {
    if (String(file).includes(`${path.sep}.driftgate${path.sep}cache${path.sep}`)) throw errno(code);
    return (original as (...a: unknown[]) => unknown)(file, ...rest);
  }) as typeof fs.writeFileSync;
  syncBuiltinESMExports();
  restore.push(() => {
    fs.writeFileSync = original;
    syncBuiltinESMExports();
  });
}

describe('a full disk or a read-only directory', () => {
  it('ENOSPC on the journal: exit 3 with the reason, the lines written before kept, and --resume finishes without repeating them', async () => {
    const dir = await project(30);
    const config = path.join(dir, 'driftgate.yaml');
    await failJournalWrites('ENOSPC', 10);
    const failed = await runEval({ configPath: config, env }).catch((err: unknown) => err);
    expect(failed).toBeInstanceOf(StorageError);
    expect((failed as StorageError).exitCode).toBe(3);
    expect((failed as StorageError).message).toMatch(
      /cannot write .*cases\.jsonl: the disk is full \(ENOSPC\); every call journaled before is kept: free space \(or make the directory writable\), then driftgate eval --resume \S+/,
    );
    const runId = /--resume (\S+)/.exec((failed as StorageError).message)?.[1] as string;
    const runDir = path.join(dir, '.driftgate', 'runs', runId);
    expect((await readRunMeta(runDir)).status).toBe('incomplete');
    const kept = await readJournal(path.join(runDir, 'cases.jsonl'));
    expect(kept.length).toBeGreaterThanOrEqual(10);
    expect(kept.every((r) => r.status === 'ok')).toBe(true);
    for (const r of restore.reverse()) r();
    restore = [];
    server.resetCounters();
    const resumed = await runEval({ configPath: config, env, resume: runId, useCache: false });
    expect(resumed.exitCode).toBe(0);
    expect(server.requestCount).toBe(30 - new Set(kept.map((r) => r.itemId)).size);
    expect(await resumed.readRecords()).toHaveLength(30);
  }, 60_000);

  it('a read-only cache directory (EROFS): exit 3 naming the file, and no call is started after it', async () => {
    const dir = await project(20);
    failCacheWrites('EROFS');
    server.resetCounters();
    const failed = await runEval({ configPath: path.join(dir, 'driftgate.yaml'), env }).catch((err: unknown) => err);
    expect(failed).toBeInstanceOf(StorageError);
    expect((failed as StorageError).message).toMatch(
      /cannot write .*\.driftgate\/cache\/.*\.json: the file system is read-only \(EROFS\)/,
    );
    // Concurrency 2: the two calls in flight when the first write failed, nothing scheduled after.
    expect(server.requestCount).toBeLessThanOrEqual(2);
  }, 60_000);
});

describe('two runs in one .driftgate/ at once', () => {
  it('two evals: both complete, each journal whole, every cache entry readable', async () => {
    const dir = await project(40);
    const config = path.join(dir, 'driftgate.yaml');
    const [a, b] = await Promise.all([runEval({ configPath: config, env }), runEval({ configPath: config, env })]);
    expect([a.exitCode, b.exitCode]).toEqual([0, 0]);
    expect(a.runId).not.toBe(b.runId);
    for (const r of [a, b]) expect(await readJournal(path.join(r.runDir as string, 'cases.jsonl'))).toHaveLength(40);
    const cache = new ResponseCache(path.join(dir, '.driftgate', 'cache'));
    for (const r of await a.readRecords()) expect(await cache.get(r.key)).toBeDefined();
  }, 60_000);

  it('two drift runs finishing together both keep their history row', async () => {
    const logs = Array.from({ length: 40 }, (_, i) =>
      JSON.stringify({ input: `Question ${i}?`, timestamp: '2026-11-20T00:00:00Z' }),
    ).join('\n');
    const dir = await makeProject({
      'driftgate.yaml': `version: 1\nmodels:\n  pinned: { provider: openai, model: gpt-4o-2024-08-06, baseURL: ${server.openaiBaseURL} }\n  current: { provider: openai, model: gpt-4o, baseURL: ${server.openaiBaseURL} }\n  embedder: { provider: local }\ndrift:\n  logs: logs.jsonl\n  sample: { size: 20 }\n  pinned_samples: 1\n  scorers: [{ type: refusal }]\n`,
      'logs.jsonl': logs,
    });
    const config = path.join(dir, 'driftgate.yaml');
    const [a, b] = await Promise.all([
      runDrift({ configPath: config, env, seed: 'one' }),
      runDrift({ configPath: config, env, seed: 'two' }),
    ]);
    const rows = await readHistory(a.historyFile);
    expect(rows.map((r) => r.runId).sort()).toEqual([a.runId, b.runId].sort());
    expect(readdirSync(path.join(dir, '.driftgate'))).toContain('history.jsonl');
  }, 60_000);
});
