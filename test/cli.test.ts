import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFile, readdir } from 'node:fs/promises';
import path from 'node:path';
import { FakeLlmServer } from './support/fake-llm-server.js';
import { makeProject, questions } from './support/project.js';
import { runCli, spawnCli } from './support/cli.js';
import { readJournal } from '../src/runner/store/journal.js';
import { runEval } from '../src/runner/eval-run.js';

let server: FakeLlmServer;
beforeAll(async () => {
  server = await FakeLlmServer.start();
});
afterAll(() => server.close());

const env = { OPENAI_API_KEY: 'sk-test-cli-0123456789abcdef' };
const configText = () => `version: 1
models:
  current: { provider: openai, model: gpt-4o-mini, baseURL: ${server.openaiBaseURL} }
suites:
  - name: support
    dataset: d.jsonl
    prompt: p.md
    targets: [current]
`;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function journalLines(file: string): Promise<number> {
  try {
    return (await readFile(file, 'utf8')).split('\n').filter((l) => l.trim()).length;
  } catch {
    return 0;
  }
}

describe('driftgate CLI', () => {
  it('prints a summary table and exits 0', async () => {
    const dir = await makeProject({ 'driftgate.yaml': configText(), 'd.jsonl': questions(3), 'p.md': '{{question}}' });
    const r = await runCli(['eval', '--config', path.join(dir, 'driftgate.yaml')], env);
    expect(r.stderr).toContain('driftgate: 3 calls to make');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/support\s+current\s+gpt-4o-mini-2024-08-06\s+3\s+3\s+0\s+0/);
    expect(r.stdout).toContain('results: ');
  });

  it('exits 2 with file, line and field for a bad config, and for a bad flag', async () => {
    const dir = await makeProject({
      'driftgate.yaml': configText().replace('targets: [current]', 'targets: [current]\n    repeats: many'),
      'd.jsonl': questions(1),
      'p.md': 'x',
    });
    const bad = await runCli(['eval', '--config', path.join(dir, 'driftgate.yaml')], env);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/driftgate\.yaml:9: suites\[0\]\.repeats: expected a number, got "many"/);
    expect(bad.stderr).not.toMatch(/at .*\.ts:\d+/); // no stack trace
    const flag = await runCli(['eval', '--concurrency', 'lots', '--config', path.join(dir, 'driftgate.yaml')], env);
    expect(flag.code).toBe(2);
    expect(flag.stderr).toContain('--concurrency: expected a whole number of at least 1, got "lots"');
    const unknown = await runCli(['eval', '--frobnicate'], env);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain("unknown option '--frobnicate'");
  });

  it('exits 2 naming the dataset line of a malformed case', async () => {
    const dir = await makeProject({
      'driftgate.yaml': configText(),
      'd.jsonl': '{"id":"a","question":"Q"}\n{oops}\n',
      'p.md': '{{question}}',
    });
    const r = await runCli(['eval', '--config', path.join(dir, 'driftgate.yaml')], env);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^driftgate: d\.jsonl:2: not valid JSON/);
  });

  it('resumes after kill -9 without repeating any finished call', async () => {
    const n = 30;
    server.configure({ latencyMs: 80 });
    server.resetCounters();
    const dir = await makeProject({ 'driftgate.yaml': configText(), 'd.jsonl': questions(n), 'p.md': '{{question}}' });
    const child = spawnCli(
      ['eval', '--config', path.join(dir, 'driftgate.yaml'), '--no-cache', '--concurrency', '3'],
      env,
    );
    const runsDir = path.join(dir, '.driftgate', 'runs');
    let journal = '';
    for (let i = 0; i < 400 && (await journalLines(journal)) < 8; i++) {
      await sleep(25);
      const runs = await readdir(runsDir).catch(() => []);
      if (runs[0]) journal = path.join(runsDir, runs[0], 'cases.jsonl');
    }
    child.kill('SIGKILL');
    await new Promise((r) => child.on('close', r));
    await sleep(200); // let requests the killed process had in flight reach the server
    const requestsBefore = server.requestCount;
    const finishedBefore = (await readJournal(journal)).length;
    expect(finishedBefore).toBeGreaterThanOrEqual(8);
    expect(finishedBefore).toBeLessThan(n);

    const resumed = await runEval({ configPath: path.join(dir, 'driftgate.yaml'), resume: true, useCache: false, env });
    server.configure({ latencyMs: 0 });
    expect(resumed.exitCode).toBe(0);
    // Exactly the unfinished calls were sent again: none that the journal had.
    expect(server.requestCount - requestsBefore).toBe(n - finishedBefore);
    const all = await readJournal(journal);
    expect(all).toHaveLength(n);
    expect(new Set(all.map((r) => r.itemId)).size).toBe(n);
  });
});

describe('the built command (what `npx driftgate` runs on a fresh clone)', () => {
  it('lib/cli/main.js is built executable and starts by itself', async () => {
    const { execFileSync } = await import('node:child_process');
    const { fileURLToPath } = await import('node:url');
    const bin = fileURLToPath(new URL('../lib/cli/main.js', import.meta.url));
    // Run as a program, not through node: npm execs the root package's bin file directly.
    const version = execFileSync(bin, ['--version'], { encoding: 'utf8' }).trim();
    expect(version).toMatch(/^\d+\.\d+\.\d+$/);
  });
});
