/**
 * Issue 23, items 2 and 5: a journal torn by a kill or a full disk heals on the next resume (and
 * every resume after it); Ctrl-C keeps the calls in flight and says how to resume; a gate whose
 * baseline holds nothing this run can be compared with is incomplete, never "passed".
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { appendFileSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { FakeLlmServer } from './support/fake-llm-server.js';
import { makeProject, questions } from './support/project.js';
import { runCli, spawnCli } from './support/cli.js';
import { readJournal } from '../src/runner/store/journal.js';
import { readRunMeta } from '../src/runner/store/run-dir.js';

let server: FakeLlmServer;
beforeAll(async () => {
  server = await FakeLlmServer.start();
});
afterAll(() => server.close());
beforeEach(() => {
  server.resetCounters();
  server.configure({ latencyMs: 0 });
});

const env = { OPENAI_API_KEY: 'sk-test-trust-runs-0000' };

function config(target = 'current'): string {
  return `version: 1
models:
  ${target}: { provider: openai, model: gpt-4o-mini, baseURL: ${server.openaiBaseURL} }
runner: { concurrency: 2, retry_base_ms: 5 }
suites:
  - { name: s, dataset: d.jsonl, prompt: p.md, targets: [${target}], scorers: [{ type: contains, value: Answer }] }
`;
}

const project = (n: number) =>
  makeProject({ 'driftgate.yaml': config(), 'd.jsonl': questions(n), 'p.md': 'Customer: {{question}}' });

async function onlyRun(dir: string): Promise<string> {
  const runs = path.join(dir, '.driftgate', 'runs');
  const [id] = await readdir(runs);
  return path.join(runs, id as string);
}

/** Starts an eval in a child process and kill -9s it once `lines` calls are journaled. */
async function killedEval(dir: string, lines: number, args = ['eval', '--no-cache']): Promise<string> {
  const child = spawnCli(args, env, dir);
  const deadline = Date.now() + 30_000;
  let runDir: string | undefined;
  for (;;) {
    if (Date.now() > deadline) throw new Error('the eval never journaled enough lines');
    await new Promise((r) => setTimeout(r, 20));
    runDir ??= await onlyRun(dir).catch(() => undefined);
    if (!runDir) continue;
    const text = (() => {
      try {
        return readFileSync(path.join(runDir, 'cases.jsonl'), 'utf8');
      } catch {
        return '';
      }
    })();
    if (text.split('\n').length - 1 >= lines) break;
  }
  child.kill('SIGKILL');
  await new Promise((r) => child.on('close', r));
  return runDir;
}

describe('a torn journal heals', () => {
  it('kill -9, half a JSON line appended, --resume: completes with every case once; a second tear and resume works too', async () => {
    server.configure({ latencyMs: 40 });
    const dir = await project(40);
    const runDir = await killedEval(dir, 6);
    const journal = path.join(runDir, 'cases.jsonl');
    appendFileSync(journal, '{"schemaVersion":1,"itemId":"s/q39/current/0","status":"o');
    expect((await readRunMeta(runDir)).status).toBe('running');

    // The first resume is killed too, and tears its own last line.
    const again = await killedEval(dir, readFileSync(journal, 'utf8').split('\n').length + 3, [
      'eval',
      '--resume',
      '--no-cache',
    ]);
    expect(again).toBe(runDir);
    appendFileSync(journal, '{"schemaVersion":1,"itemId":"s/q3');
    server.configure({ latencyMs: 0 });
    const resumed = await runCli(['eval', '--resume', '--no-cache'], env, dir);
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(resumed.stderr).toMatch(
      /cases\.jsonl:\d+: cut off a torn last line \(\d+ bytes\) left by an interrupted write/,
    );
    const records = await readJournal(journal);
    const items = new Set(records.map((r) => r.itemId));
    expect(items.size).toBe(40);
    expect(records.every((r) => r.status === 'ok')).toBe(true);
    const meta = await readRunMeta(runDir);
    expect(meta.status).toBe('complete');
    expect(meta.journalMended).toBe(1);
  }, 90_000);

  it('a whole last record without its newline is kept and terminated, not cut off', async () => {
    const dir = await project(6);
    expect((await runCli(['eval', '--no-cache'], env, dir)).code).toBe(0);
    const runDir = await onlyRun(dir);
    const journal = path.join(runDir, 'cases.jsonl');
    const lines = readFileSync(journal, 'utf8').trimEnd().split('\n');
    // As a kill between a record and its newline leaves it: the last two items undone, one record unterminated.
    writeFileSync(journal, `${lines.slice(0, 4).join('\n')}\n${lines[4]}`);
    const meta = await readRunMeta(runDir);
    writeFileSync(path.join(runDir, 'run.json'), JSON.stringify({ ...meta, status: 'running' }));
    server.resetCounters();
    const resumed = await runCli(['eval', '--resume', '--no-cache'], env, dir);
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(resumed.stderr).toContain('the last record lacked its newline (an interrupted write); added it');
    expect(server.requestCount).toBe(1);
    expect(new Set((await readJournal(journal)).map((r) => r.itemId)).size).toBe(6);
  }, 60_000);
});

/** A small tmpfs of our own (root can mount one here); undefined where mounting is not allowed. */
function mountTmpfs(sizeKb: number): string | undefined {
  const dir = path.join(tmpdir(), `driftgate-tmpfs-${process.pid}-${Date.now()}`);
  mkdirSync(dir, { recursive: true });
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${sizeKb}k`, 'tmpfs', dir], { stdio: 'ignore' });
    return dir;
  } catch {
    rmSync(dir, { recursive: true, force: true });
    return undefined;
  }
}
const canMount = (() => {
  const dir = mountTmpfs(64);
  if (!dir) return false;
  execFileSync('umount', [dir]);
  rmSync(dir, { recursive: true, force: true });
  return true;
})();

describe('a full disk for real (a small tmpfs)', () => {
  // Needs root (CI and the developers' machines run as root); elsewhere mount is refused.
  it.skipIf(!canMount)(
    'ENOSPC mid-run: exit 3 saying how to resume; space freed; --resume completes with every case once',
    async () => {
      const mount = mountTmpfs(600) as string;
      try {
        const dir = path.join(mount, 'project');
        mkdirSync(dir);
        writeFileSync(path.join(dir, 'driftgate.yaml'), config());
        writeFileSync(path.join(dir, 'd.jsonl'), questions(300));
        writeFileSync(path.join(dir, 'p.md'), 'Customer: {{question}} '.padEnd(600, '.'));
        const full = await runCli(['eval'], env, dir);
        expect(full.code, full.stderr).toBe(3);
        expect(full.stderr).toMatch(
          /the disk is full \(ENOSPC\); every call journaled before is kept: free space \(or make the directory writable\), then driftgate eval --resume \S+/,
        );
        const runDir = await onlyRun(dir);
        const before = new Set((await readJournal(path.join(runDir, 'cases.jsonl'))).map((r) => r.itemId)).size;
        expect(before).toBeGreaterThan(0);
        expect(before).toBeLessThan(300);
        execFileSync('mount', ['-o', 'remount,size=64m', mount]);
        const resumed = await runCli(['eval', '--resume'], env, dir);
        expect(resumed.code, resumed.stderr).toBe(0);
        const records = await readJournal(path.join(runDir, 'cases.jsonl'));
        const latest = new Map(records.map((r) => [r.itemId, r]));
        expect(latest.size).toBe(300);
        expect([...latest.values()].every((r) => r.status === 'ok')).toBe(true);
        expect((await readRunMeta(runDir)).status).toBe('complete');
      } finally {
        execFileSync('umount', ['-l', mount]);
        rmSync(mount, { recursive: true, force: true });
      }
    },
    120_000,
  );
});

describe('Ctrl-C', () => {
  it('the first stops scheduling, lets the calls in flight finish and journals them, and prints the resume command', async () => {
    server.configure({ latencyMs: 300 });
    const dir = await project(30);
    const child = spawnCli(['eval', '--no-cache'], env, dir);
    let stderr = '';
    let stdout = '';
    child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
    child.stdout?.on('data', (d: Buffer) => (stdout += d.toString()));
    while (server.requestCount < 4) await new Promise((r) => setTimeout(r, 10));
    child.kill('SIGINT');
    const code = await new Promise<number | null>((r) => child.on('close', r));
    expect(code, stderr).toBe(3);
    expect(stderr).toContain('interrupted — no new calls are started');
    expect(stdout).toMatch(/interrupted \(Ctrl-C\): \d+ of 30 calls not made; every finished call is journaled/);
    const runId = /driftgate eval --resume (\S+?)\)/.exec(stdout)?.[1];
    expect(runId, stdout).toBeDefined();
    const journal = await readJournal(path.join(dir, '.driftgate', 'runs', runId as string, 'cases.jsonl'));
    // Every call the server answered is journaled: none of the paid calls in flight was lost.
    expect(journal.length).toBe(server.requestCount);
    expect(journal.length).toBeLessThan(30);
    server.configure({ latencyMs: 0 });
    const resumed = await runCli(['eval', '--resume', runId as string, '--no-cache'], env, dir);
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(server.requestCount).toBe(30);
  }, 60_000);

  it('a second Ctrl-C exits at once (130), still naming the resume command', async () => {
    server.configure({ latencyMs: 5_000 });
    const dir = await project(10);
    const child = spawnCli(['eval', '--no-cache'], env, dir);
    let stderr = '';
    child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
    while (server.requestCount < 2) await new Promise((r) => setTimeout(r, 10));
    child.kill('SIGINT');
    while (!stderr.includes('interrupted')) await new Promise((r) => setTimeout(r, 10));
    const sent = Date.now();
    child.kill('SIGINT');
    const code = await new Promise<number | null>((r) => child.on('close', r));
    expect(code).toBe(130);
    expect(Date.now() - sent).toBeLessThan(4_000); // well before the 5 s calls in flight would end
    expect(stderr).toMatch(/stopped at once; every call journaled is kept\. Resume with: driftgate eval --resume \S+/);
  }, 60_000);
});

describe('a gate that compares nothing', () => {
  it('a renamed target: eval and compare are incomplete (exit 3) naming both targets, never "gate passed"', async () => {
    const dir = await project(12);
    expect((await runCli(['eval'], env, dir)).code).toBe(0);
    expect((await runCli(['baseline', 'update'], env, dir)).code).toBe(0);
    writeFileSync(path.join(dir, 'driftgate.yaml'), config('candidate'));
    const run = await runCli(['eval'], env, dir);
    expect(run.code, run.stdout + run.stderr).toBe(3);
    expect(run.stdout).not.toContain('gate passed');
    expect(run.stdout).toContain('s: nothing compared — the baseline holds target current, the run answered candidate');
    const compare = await runCli(['compare'], env, dir);
    expect(compare.code).toBe(3);
    expect(compare.stdout).toContain('nothing compared');
  }, 60_000);

  it('no case in common with the baseline: incomplete, with the counts', async () => {
    const dir = await project(12);
    expect((await runCli(['eval'], env, dir)).code).toBe(0);
    expect((await runCli(['baseline', 'update'], env, dir)).code).toBe(0);
    writeFileSync(path.join(dir, 'd.jsonl'), questions(24).split('\n').slice(12).join('\n'));
    const run = await runCli(['eval'], env, dir);
    expect(run.code, run.stdout).toBe(3);
    expect(run.stdout).toContain(
      's · current: nothing compared — no case in common with the baseline (12 new, 12 removed, 0 edited)',
    );
  }, 60_000);
});
