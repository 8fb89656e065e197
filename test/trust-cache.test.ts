/**
 * Issue 23, item 4: a cache that cannot be forged or confused. An edited answer, an edited
 * request, an entry moved under another key, another server's answers, a symbolic link: each is a
 * miss with a warning (counted), never an answer; `driftgate cache verify` names them (exit 1).
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { mkdirSync, readFileSync, readdirSync, renameSync, symlinkSync, writeFileSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { FakeLlmServer } from './support/fake-llm-server.js';
import { makeProject, questions } from './support/project.js';
import { runCli } from './support/cli.js';
import { ResponseCache } from '../src/runner/cache/cache.js';
import { CACHE_SCHEMA_VERSION, contentHashOf } from '../src/runner/cache/cache-entry.js';

let server: FakeLlmServer;
let other: FakeLlmServer;
beforeAll(async () => {
  server = await FakeLlmServer.start({ respond: () => 'Answer from the real server' });
  other = await FakeLlmServer.start({ respond: () => 'Answer from another server' });
});
afterAll(async () => {
  await Promise.all([server.close(), other.close()]);
});
beforeEach(() => {
  server.resetCounters();
  other.resetCounters();
});

const env = { OPENAI_API_KEY: 'sk-test-trust-cache-0000' };
const config = (baseURL: string) => `version: 1
models:
  current: { provider: openai, model: gpt-4o-mini, baseURL: ${baseURL} }
suites:
  - { name: s, dataset: d.jsonl, prompt: p.md, scorers: [{ type: contains, value: real }] }
`;

async function recorded(n = 4): Promise<string> {
  const dir = await makeProject({
    'driftgate.yaml': config(server.openaiBaseURL),
    'd.jsonl': questions(n),
    'p.md': 'Customer: {{question}}',
  });
  const first = await runCli(['eval'], env, dir);
  expect(first.code, first.stderr).toBe(0);
  return dir;
}

function entries(dir: string): string[] {
  const root = path.join(dir, '.driftgate', 'cache');
  return readdirSync(root).flatMap((shard) =>
    readdirSync(path.join(root, shard)).map((f) => path.join(root, shard, f)),
  );
}

const edit = (file: string, change: (entry: Record<string, any>) => void) => {
  const entry = JSON.parse(readFileSync(file, 'utf8')) as Record<string, any>;
  change(entry);
  writeFileSync(file, JSON.stringify(entry));
};

describe('a forged or confused cache entry is a miss with a warning, never an answer', () => {
  it('an edited answer: --offline refuses it (exit 3, warning naming the file, counted); cache verify exits 1 naming it', async () => {
    const dir = await recorded();
    const [file] = entries(dir);
    edit(file as string, (e) => (e.response.text = 'Forged: the real answer is to wire money'));
    const replay = await runCli(['eval', '--offline'], env, dir);
    expect(replay.code).toBe(3);
    expect(replay.stderr).toContain(
      `cache entry .driftgate/cache/${path.basename(path.dirname(file as string))}/${path.basename(file as string)} refused, treated as a miss: its content was edited after it was written`,
    );
    expect(replay.stdout).toContain('1 cache entries refused as answers');
    expect(replay.stdout).not.toContain('Forged');
    const verify = await runCli(['cache', 'verify'], env, dir);
    expect(verify.code).toBe(1);
    expect(verify.stdout).toContain('4 entries checked, 3 would be served, 1 refused');
    expect(verify.stdout).toContain(`${path.basename(file as string)}: its content was edited after it was written`);
    // Nor does it count as answered where a run asks ahead (batch mode picks what to send from this).
    const cache = new ResponseCache(path.join(dir, '.driftgate', 'cache'));
    const keys = entries(dir).map((f) => path.basename(f, '.json'));
    const held = await Promise.all(keys.map((k) => cache.serves(k)));
    expect(held.filter(Boolean)).toHaveLength(3);
    expect(await cache.serves(path.basename(file as string, '.json'))).toBe(false);
    // Online, the refused entry is replaced by the real answer: the cache verifies clean again.
    server.resetCounters();
    const online = await runCli(['eval'], env, dir);
    expect(online.code, online.stderr).toBe(0);
    expect(server.requestCount).toBe(1);
    expect((await runCli(['cache', 'verify'], env, dir)).code).toBe(0);
  }, 60_000);

  it('an edited request with its text — content hash recomputed, as a forger who read the source would — is refused: the request no longer hashes to its key', async () => {
    const dir = await recorded();
    const [file] = entries(dir);
    edit(file as string, (e) => {
      e.request.messages[0].content = 'Customer: What is the admin password?';
      e.response.text = 'Forged answer';
      e.contentHash = contentHashOf(e);
    });
    const replay = await runCli(['eval', '--offline', '--json'], env, dir);
    expect(replay.code).toBe(3);
    expect(replay.stderr).toMatch(/refused, treated as a miss: its request does not hash to its key/);
    const verify = await runCli(['cache', 'verify', '--json'], env, dir);
    expect(verify.code).toBe(1);
    const report = JSON.parse(verify.stdout) as { refused: { file: string; problem: string }[] };
    expect(report.refused).toHaveLength(1);
    expect(report.refused[0]?.problem).toContain('its request does not hash to its key');
  }, 60_000);

  it('a whole entry copied under another key (answering a different question) is refused', async () => {
    const dir = await recorded();
    const [a, b] = entries(dir) as [string, string];
    // b's file now holds a's entry with b's key written in: the request is a's, so the key does not match.
    const forged = JSON.parse(readFileSync(a, 'utf8')) as Record<string, unknown>;
    forged.key = path.basename(b, '.json');
    writeFileSync(b, JSON.stringify(forged));
    const verify = await runCli(['cache', 'verify'], env, dir);
    expect(verify.code).toBe(1);
    expect(verify.stdout).toContain(`${path.basename(b)}: its request does not hash to its key`);
    // Moved into the wrong shard folder: refused as well.
    const moved = path.join(path.dirname(path.dirname(a)), 'ff', path.basename(a));
    mkdirSync(path.dirname(moved), { recursive: true });
    renameSync(a, moved);
    expect((await runCli(['cache', 'verify'], env, dir)).stdout).toContain(
      `is in folder ff/, not ${path.basename(a).slice(0, 2)}/`,
    );
  }, 60_000);

  it("another base URL is another cache key: the first server's answers are not replayed for the second", async () => {
    const dir = await recorded();
    writeFileSync(path.join(dir, 'driftgate.yaml'), config(other.openaiBaseURL));
    const offline = await runCli(['eval', '--offline'], env, dir);
    expect(offline.code).toBe(3);
    expect(offline.stdout).toContain('--offline: 4 calls are not in the cache');
    server.resetCounters();
    const online = await runCli(['eval'], env, dir);
    expect(online.code, online.stderr).toBe(0);
    expect(other.requestCount).toBe(4);
    expect(server.requestCount).toBe(0);
  }, 60_000);

  it('a symlinked cache folder is refused before any call (exit 2); a symlinked entry is refused as an answer', async () => {
    const dir = await makeProject({
      'driftgate.yaml': config(server.openaiBaseURL),
      'd.jsonl': questions(3),
      'p.md': 'Customer: {{question}}',
    });
    const elsewhere = await mkdtemp(path.join(tmpdir(), 'driftgate-elsewhere-'));
    mkdirSync(path.join(dir, '.driftgate'), { recursive: true });
    symlinkSync(elsewhere, path.join(dir, '.driftgate', 'cache'));
    const run = await runCli(['eval'], env, dir);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/\.driftgate\/cache is a symbolic link: driftgate does not write its cache through one/);
    expect(server.requestCount).toBe(0);
    expect(readdirSync(elsewhere)).toEqual([]);

    const real = await recorded(2);
    const [first, second] = entries(real) as [string, string];
    const target = `${second}.real`;
    renameSync(second, target);
    symlinkSync(target, second);
    const cache = new ResponseCache(path.join(real, '.driftgate', 'cache'));
    expect(await cache.get(path.basename(second, '.json'))).toBeUndefined();
    expect(cache.rejected.get(path.basename(second, '.json'))).toBe('is a symbolic link');
    expect(await cache.get(path.basename(first, '.json'))).toMatchObject({ schemaVersion: CACHE_SCHEMA_VERSION });
  }, 60_000);

  it('an old-format entry (no content hash) is refused until cache upgrade seals it', async () => {
    const dir = await recorded(2);
    for (const file of entries(dir)) {
      edit(file, (e) => {
        e.schemaVersion = 1;
        delete e.contentHash;
      });
    }
    const verify = await runCli(['cache', 'verify'], env, dir);
    expect(verify.code).toBe(1);
    expect(verify.stdout).toContain('2 entries checked, 0 would be served, 2 refused');
    const upgrade = await runCli(['cache', 'upgrade'], env, dir);
    expect(upgrade.code, upgrade.stderr).toBe(0);
    expect(upgrade.stdout).toContain('sealed 2 entries of the older format; 0 left as they were');
    expect((await runCli(['eval', '--offline'], env, dir)).code).toBe(0);
  }, 60_000);
});
