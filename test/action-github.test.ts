/**
 * The Action against a GitHub API that is not on its side (issue 14): someone else's comment or
 * issue carrying the marker, a token without the permission, 5xx answers and secondary rate limits.
 * The verdict, outputs and exit code must be those of a healthy API; the log says what happened.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cpSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { FakeLlmServer } from './support/fake-llm-server.js';
import { FakeGitHubServer } from './support/fake-github-server.js';
import { makeProject } from './support/project.js';
import { git } from './support/git.js';
import { thingAnswer } from './support/thing-answers.js';
import { runCli } from './support/cli.js';
import { pullRequestPayload, runAction, schedulePayload, type ActionRun } from './support/action-runner.js';

const repoRoot = fileURLToPath(new URL('..', import.meta.url));
let llm: FakeLlmServer;
let gh: FakeGitHubServer;

beforeAll(async () => {
  llm = await FakeLlmServer.start({
    respond: (call) => thingAnswer(call, true),
  });
  gh = await FakeGitHubServer.start();
});
afterAll(async () => {
  await llm.close();
  await gh.close();
});

const verdictOf = (run: ActionRun) => ({
  code: run.code,
  verdict: run.outputs.verdict,
  regressions: run.outputs.regressions,
  drifted: run.outputs['drifted-signals'],
  cost: run.outputs['cost-usd'],
});
const warnings = (run: ActionRun) => run.stdout.split('\n').filter((l) => l.startsWith('::warning::'));
// Short backoff after a 5xx in tests; GitHub's retry-after (1 s here) is honoured as given.
const fastRetries = { DRIFTGATE_GITHUB_RETRY_BASE_MS: '20' };

describe('gate comments', () => {
  let dir: string;
  let baseSha: string;
  let healthy: ReturnType<typeof verdictOf>;
  const env = () => ({
    OPENAI_API_KEY: 'sk-test-action-gh-0000',
    OPENAI_BASE_URL: `${llm.url}/v1`,
    GITHUB_API_URL: gh.url,
    ...fastRetries,
  });
  const inputs = { mode: 'gate', config: 'driftgate.yaml', 'github-token': 'ghs_testtoken456', cache: 'false' };
  const marker = '<!-- driftgate:gate config=driftgate.yaml -->';
  const push = (sha: string) =>
    runAction({
      cwd: dir,
      inputs,
      eventName: 'pull_request',
      payload: pullRequestPayload({ number: 7, baseSha, headSha: sha.repeat(40) }),
      env: env(),
    });

  beforeAll(async () => {
    const cases = Array.from({ length: 40 }, (_, i) =>
      JSON.stringify({ id: `q${i}`, question: `How do I change thing ${i}?`, keyword: 'settings' }),
    ).join('\n');
    dir = await makeProject({
      'driftgate.yaml': `version: 1
models:
  current: { provider: openai, model: gpt-4o-mini, params: { temperature: 0 } }
suites:
  - name: faq
    dataset: data.jsonl
    prompt: prompt.md
    scorers:
      - { type: icontains, name: keyword, value: "{{keyword}}" }
`,
      'data.jsonl': `${cases}\n`,
      'prompt.md': 'Customer: {{question}}',
      '.gitignore': '.driftgate/\n',
    });
    // A baseline where every answer passed, so the pull request's answers regress.
    llm.configure({ respond: (call) => thingAnswer(call, false) });
    expect((await runCli(['eval', '--config', 'driftgate.yaml'], env(), dir)).code).toBe(0);
    expect((await runCli(['baseline', 'update', '--config', 'driftgate.yaml'], env(), dir)).code).toBe(0);
    llm.configure({
      respond: (call) =>
        Number(/thing (\d+)/.exec(call.messages.at(-1)?.content ?? '')?.[1]) % 2 === 0
          ? 'Sorry, please contact support.'
          : 'Open Settings.',
    });
    git(dir, 'init', '-q', '-b', 'main');
    git(dir, 'add', '-A');
    git(dir, 'commit', '-qm', 'base');
    baseSha = git(dir, 'rev-parse', 'HEAD');
    writeFileSync(path.join(dir, 'prompt.md'), 'Customer (v2): {{question}}');
    gh.reset();
    const run = await push('a');
    healthy = verdictOf(run);
    expect(healthy).toMatchObject({ code: 1, verdict: 'failed' });
    expect(warnings(run)).toEqual([]);
  }, 90_000);

  it("leaves someone else's comment with the marker alone: creates its own, then updates only that", async () => {
    gh.reset();
    gh.comments.push({
      id: 1,
      issue: 7,
      body: `Quoting the bot:\n${marker}\n## driftgate: gate passed`,
      user: 'alice',
    });
    const first = await push('b');
    expect(verdictOf(first)).toEqual(healthy);
    expect(warnings(first)).toEqual([]);
    expect(gh.comments.map((c) => c.user)).toEqual(['alice', 'github-actions[bot]']);
    const second = await push('c');
    expect(verdictOf(second)).toEqual(healthy);
    const ours = gh.comments[1]?.id;
    expect(gh.calls.filter((c) => c.method === 'PATCH').map((c) => c.path)).toEqual([
      `/repos/acme/support-bot/issues/comments/${ours}`,
    ]);
    expect(gh.calls.some((c) => c.method !== 'GET' && c.path.endsWith('/comments/1'))).toBe(false);
    expect(gh.comments[0]?.body).toContain('Quoting the bot');
    expect(gh.comments).toHaveLength(2);
  }, 60_000);

  it("with a personal token the identity is its user: the bot's comment is not ours, the user's is", async () => {
    gh.reset();
    gh.comments.push(
      { id: 2, issue: 7, body: `${marker}\nold`, user: 'github-actions[bot]' },
      { id: 3, issue: 7, body: `${marker}\nmine`, user: 'octocat' },
    );
    const run = await runAction({
      cwd: dir,
      inputs: { ...inputs, 'github-token': 'ghp_personal123' },
      eventName: 'pull_request',
      payload: pullRequestPayload({ number: 7, baseSha, headSha: 'g'.repeat(40) }),
      env: env(),
    });
    expect(verdictOf(run)).toEqual(healthy);
    expect(gh.calls.filter((c) => c.method === 'PATCH').map((c) => c.path)).toEqual([
      '/repos/acme/support-bot/issues/comments/3',
    ]);
    expect(gh.comments.find((c) => c.id === 2)?.body).toContain('old');
  }, 60_000);

  it('a token without pull-requests: write (403): same verdict and outputs, one warning naming the permission', async () => {
    gh.reset();
    gh.failNext('POST', /\/issues\/7\/comments$/, '403');
    const run = await push('d');
    expect(verdictOf(run)).toEqual(healthy);
    const w = warnings(run);
    expect(w).toHaveLength(1);
    expect(w[0]).toMatch(
      /^::warning::driftgate: could not post the pull request comment: GitHub answered 403 \(Resource not accessible by integration[^)]*\)\. The workflow's token needs `permissions: pull-requests: write`/,
    );
    expect(run.stdout).not.toContain('internal error');
    expect(gh.comments).toHaveLength(0);
  }, 60_000);

  it('503 twice, then created: retried with backoff, exactly one comment, one log line per retry', async () => {
    gh.reset();
    gh.failNext('POST', /\/issues\/7\/comments$/, '503', '503');
    const run = await push('e');
    expect(verdictOf(run)).toEqual(healthy);
    expect(warnings(run)).toEqual([]);
    expect(
      run.stdout.match(
        /driftgate: GitHub answered 503 to POST \/repos\/acme\/support-bot\/issues\/7\/comments; retrying with backoff/g,
      ),
    ).toHaveLength(2);
    expect(gh.calls.filter((c) => c.method === 'POST')).toHaveLength(3);
    expect(gh.comments).toHaveLength(1);
  }, 60_000);

  it('a secondary rate limit (403 + retry-after) is waited out, then the comment is created', async () => {
    gh.reset();
    gh.failNext('POST', /\/issues\/7\/comments$/, 'secondary');
    const run = await push('f');
    expect(verdictOf(run)).toEqual(healthy);
    expect(warnings(run)).toEqual([]);
    expect(run.stdout).toMatch(
      /driftgate: GitHub secondary rate limit on POST \/repos\/acme\/support-bot\/issues\/7\/comments; retrying after 1 s/,
    );
    expect(gh.comments).toHaveLength(1);
  }, 60_000);
});

describe('the drift issue', () => {
  let dir: string;
  let healthy: ReturnType<typeof verdictOf>;
  const env = () => ({
    OPENAI_BASE_URL: `${llm.url}/v1`,
    ANTHROPIC_BASE_URL: llm.url,
    OPENAI_API_KEY: 'sk-unused',
    GITHUB_API_URL: gh.url,
    ...fastRetries,
  });
  const week = () =>
    runAction({
      cwd: dir,
      inputs: { mode: 'drift', 'github-token': 'ghs_t', cache: 'false' },
      eventName: 'schedule',
      payload: schedulePayload(),
      env: env(),
    });

  beforeAll(async () => {
    dir = path.join(tmpdir(), `driftgate-action-gh-drift-${process.pid}`);
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    for (const p of ['driftgate.yaml', 'datasets', 'rubrics', '.driftgate/cache'])
      cpSync(path.join(repoRoot, p), path.join(dir, p), { recursive: true });
    gh.reset();
    const run = await week();
    healthy = verdictOf(run);
    expect(healthy).toMatchObject({ code: 1, verdict: 'drift' });
  }, 90_000);

  it("someone else's open issue with the marker and label is left alone: the Action opens its own", async () => {
    gh.reset();
    gh.issues.push({
      number: 1,
      title: 'copied',
      body: '<!-- driftgate:drift config=driftgate.yaml -->',
      state: 'open',
      labels: ['drift'],
      user: 'alice',
    });
    const run = await week();
    expect(verdictOf(run)).toEqual(healthy);
    expect(gh.issues.map((i) => i.user)).toEqual(['alice', 'github-actions[bot]']);
    expect(gh.calls.some((c) => c.method === 'PATCH')).toBe(false);
  }, 60_000);

  it('without issues: write (403): same verdict, one warning naming the permission', async () => {
    gh.reset();
    gh.failNext('POST', /\/issues$/, '403');
    const run = await week();
    expect(verdictOf(run)).toEqual(healthy);
    const w = warnings(run);
    expect(w).toHaveLength(1);
    expect(w[0]).toMatch(
      /^::warning::driftgate: could not open or update the drift issue: GitHub answered 403 .*`permissions: issues: write`/,
    );
  }, 60_000);

  it('503 twice then created, and a secondary rate limit: one issue each time', async () => {
    gh.reset();
    gh.failNext('POST', /\/issues$/, '503', '503');
    const retried = await week();
    expect(verdictOf(retried)).toEqual(healthy);
    expect(
      retried.stdout.match(/GitHub answered 503 to POST \/repos\/acme\/support-bot\/issues; retrying/g),
    ).toHaveLength(2);
    expect(gh.issues).toHaveLength(1);
    gh.reset();
    gh.failNext('POST', /\/issues$/, 'secondary');
    const limited = await week();
    expect(verdictOf(limited)).toEqual(healthy);
    expect(limited.stdout).toMatch(
      /GitHub secondary rate limit on POST \/repos\/acme\/support-bot\/issues; retrying after 1 s/,
    );
    expect(gh.issues).toHaveLength(1);
    expect(warnings(limited)).toEqual([]);
  }, 90_000);
});
