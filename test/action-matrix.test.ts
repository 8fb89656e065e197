/**
 * The Action in a job matrix: shard jobs (mode eval, shard i/n) run their part and stay silent;
 * the gate job merges the downloaded shard runs, compares and comments once — the same verdict as
 * one unsharded gate.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cpSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { FakeLlmServer } from './support/fake-llm-server.js';
import type { FakeGitHubServer } from './support/fake-github-server.js';
import { makeProject } from './support/project.js';
import { git } from './support/git.js';
import { startActionServers, type ActionServers } from './support/thing-answers.js';
import { runCli } from './support/cli.js';
import { pullRequestPayload, runAction } from './support/action-runner.js';

let llm: FakeLlmServer;
let gh: FakeGitHubServer;
let answers: 'good' | 'bad' = 'good';
let servers: ActionServers;
beforeAll(async () => {
  // "bad": half the answers lose the keyword the suite checks for.
  ({ llm, gh } = servers = await startActionServers(() => answers === 'bad'));
});
afterAll(() => servers.close());

describe('a sharded gate', () => {
  it('3 silent shard jobs, then one gate job that merges, finds the regression and comments once', async () => {
    const env = { OPENAI_API_KEY: 'sk-test-matrix-0000', OPENAI_BASE_URL: `${llm.url}/v1`, GITHUB_API_URL: gh.url };
    answers = 'good';
    const cases = Array.from({ length: 48 }, (_, i) =>
      JSON.stringify({ id: `q${i}`, question: `How do I change thing ${i}?` }),
    ).join('\n');
    const dir = await makeProject({
      'driftgate.yaml': `version: 1
models:
  current: { provider: openai, model: gpt-4o-mini, params: { temperature: 0 } }
suites:
  - name: faq
    dataset: data.jsonl
    prompt: prompt.md
    scorers: [{ type: icontains, name: keyword, value: settings }]
`,
      'data.jsonl': `${cases}\n`,
      'prompt.md': 'Customer: {{question}}',
      '.gitignore': '.driftgate/\nartifacts/\n',
    });
    expect((await runCli(['eval', '--config', 'driftgate.yaml'], env, dir)).code).toBe(0);
    expect((await runCli(['baseline', 'update', '--config', 'driftgate.yaml'], env, dir)).code).toBe(0);
    git(dir, 'init', '-q', '-b', 'main');
    git(dir, 'add', '-A');
    git(dir, 'commit', '-qm', 'base');
    const baseSha = git(dir, 'rev-parse', 'HEAD');

    // The pull request regresses half the answers (a new prompt: new cache keys).
    answers = 'bad';
    writeFileSync(path.join(dir, 'prompt.md'), 'Customer (v2): {{question}}');
    const payload = pullRequestPayload({ number: 9, baseSha, headSha: 'd'.repeat(40) });
    gh.reset();
    const artifacts = path.join(dir, 'artifacts');
    for (let i = 1; i <= 3; i++) {
      const job = await runAction({
        cwd: dir,
        inputs: { mode: 'eval', shard: `${i}/3`, cache: 'false', 'github-token': 'ghs_matrix' },
        eventName: 'pull_request',
        payload,
        env,
      });
      expect(job.code, job.stdout + job.stderr).toBe(0);
      // What actions/upload-artifact + download-artifact would carry to the gate job.
      const runDir = job.outputs['report-path'] as string;
      mkdirSync(artifacts, { recursive: true });
      cpSync(runDir, path.join(artifacts, `shard-${i}`, path.basename(runDir)), { recursive: true });
    }
    expect(gh.calls).toHaveLength(0); // shard jobs post nothing
    const requestsBefore = llm.requestCount;
    const gate = await runAction({
      cwd: dir,
      inputs: { mode: 'gate', merge: 'artifacts', cache: 'false', 'github-token': 'ghs_matrix' },
      eventName: 'pull_request',
      payload,
      env,
    });
    expect(gate.code, gate.stdout + gate.stderr).toBe(1);
    expect(llm.requestCount).toBe(requestsBefore); // the gate job makes no model call
    expect(gate.stdout).toContain('merging 3 shard runs from artifacts');
    expect(gate.outputs.verdict).toBe('failed');
    expect(gh.comments).toHaveLength(1);
    expect(gh.comments[0]?.body).toContain('regressions in faq: pass_rate −50.0 pts');
  }, 90_000);

  it('refuses a shard input outside eval mode, with a clear error', async () => {
    const dir = await makeProject({ 'driftgate.yaml': 'version: 1\nmodels: {}\n' });
    const run = await runAction({
      cwd: dir,
      inputs: { mode: 'gate', shard: '1/2', 'github-token': 'x' },
      eventName: 'push',
      payload: {},
      env: {},
    });
    expect(run.code).not.toBe(0);
    expect(run.stdout + run.stderr).toContain('input shard: shard jobs run with mode: eval (got mode: gate)');
  });
});
