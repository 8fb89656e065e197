import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FakeLlmServer } from './support/fake-llm-server.js';
import type { FakeGitHubServer } from './support/fake-github-server.js';
import { FakeCacheServer } from './support/fake-cache-server.js';
import { makeProject } from './support/project.js';
import { git } from './support/git.js';
import { startActionServers, type ActionServers } from './support/thing-answers.js';
import { runCli } from './support/cli.js';
import { ACTION_ENTRY, pullRequestPayload, runAction, schedulePayload } from './support/action-runner.js';

const repoRoot = fileURLToPath(new URL('..', import.meta.url));
let llm: FakeLlmServer;
let gh: FakeGitHubServer;
let answers: 'good' | 'bad' = 'good';

let servers: ActionServers;
beforeAll(async () => {
  // "bad": half the answers lose the keyword the suite checks for.
  ({ llm, gh } = servers = await startActionServers(() => answers === 'bad'));
});
afterAll(() => servers.close());

describe('the bundled Action', () => {
  it('dist/index.js is up to date with src/ (rebuild: node scripts/build-action.mjs)', () => {
    const fresh = path.join(tmpdir(), `driftgate-dist-${process.pid}.js`);
    execFileSync(process.execPath, [path.join(repoRoot, 'scripts/build-action.mjs'), fresh], { cwd: repoRoot });
    const same = readFileSync(fresh, 'utf8') === readFileSync(ACTION_ENTRY, 'utf8');
    rmSync(fresh, { force: true });
    expect(
      same,
      'dist/index.js differs from a fresh build of src/: run node scripts/build-action.mjs and commit dist/',
    ).toBe(true);
  });

  it('action.yml runs dist/index.js on node24 and declares the inputs and outputs', () => {
    const yml = readFileSync(path.join(repoRoot, 'action.yml'), 'utf8');
    expect(yml).toMatch(/using: node24/);
    expect(yml).toMatch(/main: dist\/index\.js/);
    for (const input of [
      'mode',
      'config',
      'suites',
      'fail-on',
      'comment',
      'max-cost',
      'cache',
      'run-on-forks',
      'github-token',
    ])
      expect(yml).toContain(`\n  ${input}:\n`);
    for (const output of ['verdict', 'regressions', 'drifted-signals', 'cost-usd', 'report-path'])
      expect(yml).toContain(`\n  ${output}:\n`);
  });
});

describe('mode gate on pull_request', () => {
  let dir: string;
  let baseSha: string;
  const env = () => ({
    OPENAI_API_KEY: 'sk-test-action-0000',
    OPENAI_BASE_URL: `${llm.url}/v1`,
    GITHUB_API_URL: gh.url,
  });
  const inputs = { mode: 'gate', config: 'driftgate.yaml', 'github-token': 'ghs_testtoken123', cache: 'true' };

  beforeAll(async () => {
    answers = 'good';
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
    targets: [current]
    scorers:
      - { type: icontains, name: keyword, value: "{{keyword}}" }
`,
      'data.jsonl': `${cases}\n`,
      'prompt.md': 'Customer: {{question}}',
      '.gitignore': '.driftgate/\n',
    });
    expect((await runCli(['eval', '--config', 'driftgate.yaml'], env(), dir)).code).toBe(0);
    expect((await runCli(['baseline', 'update', '--config', 'driftgate.yaml'], env(), dir)).code).toBe(0);
    git(dir, 'init', '-q', '-b', 'main');
    git(dir, 'add', '-A');
    git(dir, 'commit', '-qm', 'base');
    baseSha = git(dir, 'rev-parse', 'HEAD');
  }, 60_000);

  it('first push: fails the step, creates one comment, annotates the regressed cases, sets the outputs', async () => {
    gh.reset();
    answers = 'bad';
    // The pull request edits the prompt and deletes the baseline: the gate still compares with the base branch's.
    writeFileSync(path.join(dir, 'prompt.md'), 'Customer (v2): {{question}}');
    rmSync(path.join(dir, 'baselines', 'faq.json'));
    const run = await runAction({
      cwd: dir,
      inputs,
      eventName: 'pull_request',
      payload: pullRequestPayload({ number: 7, baseSha, headSha: 'b'.repeat(40) }),
      env: env(),
    });
    expect(run.code, run.stdout + run.stderr).toBe(1);
    expect(run.outputs.verdict).toBe('failed');
    expect(Number(run.outputs.regressions)).toBeGreaterThanOrEqual(1);
    expect(run.outputs['drifted-signals']).toBe('0');
    expect(Number(run.outputs['cost-usd'])).toBeGreaterThan(0);
    expect(readFileSync(path.join(run.outputs['report-path'] as string, 'report.html'), 'utf8')).toContain(
      '<!doctype html>',
    );
    expect(run.stdout).toMatch(
      /::error title=driftgate%3A faq regression,file=data\.jsonl,line=1::q0: keyword passed in the baseline and fails now/,
    );
    expect(run.stdout).toContain('comparing with the baselines of main');
    expect(run.summary).toContain('❌ driftgate: gate failed');
    expect(run.summary).toMatch(/\| keyword \| 100\.0% \| 50\.0% \|/);
    const posts = gh.calls.filter((c) => c.method === 'POST');
    expect(posts.map((c) => c.path)).toEqual(['/repos/acme/support-bot/issues/7/comments']);
    expect(gh.calls.every((c) => c.authorization === 'token ghs_testtoken123')).toBe(true);
    expect(gh.comments).toHaveLength(1);
    expect(gh.comments[0]?.body).toMatch(
      /^<!-- driftgate:gate config=driftgate\.yaml -->\n## ❌ driftgate: gate failed/,
    );
    expect(gh.comments[0]?.body).toContain(
      '2 regressions in faq: pass_rate −50.0 pts [−60.9 pts, −34.4 pts]; keyword −50.0 pts',
    );
    // The key is registered with the runner's log masking (the runner consumes ::add-mask:: lines and
    // prints nothing of them); beyond that it never reaches the log, the summary, the comment or a report.
    expect(run.stdout).toContain('::add-mask::sk-test-action-0000');
    const log = run.stdout
      .split('\n')
      .filter((l) => !l.startsWith('::add-mask::'))
      .join('\n');
    const reports = ['report.md', 'report.html', 'junit.xml', 'summary.json']
      .map((f) => readFileSync(path.join(run.outputs['report-path'] as string, f), 'utf8'))
      .join('');
    expect(log + run.stderr + run.summary + reports + (gh.comments[0]?.body ?? '')).not.toContain(
      'sk-test-action-0000',
    );
  }, 60_000);

  it('second push: updates the same comment instead of adding one', async () => {
    const before = gh.comments[0]?.id;
    writeFileSync(path.join(dir, 'prompt.md'), 'Customer (v3): {{question}}');
    answers = 'good';
    const run = await runAction({
      cwd: dir,
      inputs,
      eventName: 'pull_request',
      payload: pullRequestPayload({ number: 7, baseSha, headSha: 'c'.repeat(40) }),
      env: env(),
    });
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(run.outputs.verdict).toBe('passed');
    expect(gh.comments).toHaveLength(1);
    expect(gh.comments[0]?.id).toBe(before);
    expect(gh.comments[0]?.body).toContain('✅ driftgate: gate passed');
    expect(gh.calls.filter((c) => c.method === 'PATCH').map((c) => c.path)).toEqual([
      `/repos/acme/support-bot/issues/comments/${before}`,
    ]);
  }, 60_000);

  it('fail-on never and comment false: a regression is reported in the outputs, the step passes, nothing is posted', async () => {
    gh.reset();
    writeFileSync(path.join(dir, 'prompt.md'), 'Customer (v4): {{question}}');
    answers = 'bad';
    const run = await runAction({
      cwd: dir,
      inputs: { ...inputs, 'fail-on': 'never', comment: 'false' },
      eventName: 'pull_request',
      payload: pullRequestPayload({ number: 7, baseSha, headSha: 'f'.repeat(40) }),
      env: env(),
    });
    answers = 'good';
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(run.outputs.verdict).toBe('failed');
    expect(gh.calls).toHaveLength(0);
    expect(run.summary).toContain('❌ driftgate: gate failed');
  }, 60_000);

  it('a pull request from a fork is skipped with a neutral notice: no model call, no API call', async () => {
    gh.reset();
    llm.resetCounters();
    const run = await runAction({
      cwd: dir,
      inputs,
      eventName: 'pull_request',
      payload: pullRequestPayload({ number: 8, baseSha, headSha: 'd'.repeat(40), headRepo: 'stranger/support-bot' }),
      env: env(),
    });
    expect(run.code).toBe(0);
    expect(run.outputs.verdict).toBe('skipped');
    expect(run.stdout).toMatch(/::notice::driftgate: skipped — this pull request comes from a fork/);
    expect(run.summary).toContain('driftgate: skipped');
    expect(gh.calls).toHaveLength(0);
    expect(llm.requestCount).toBe(0);
  });

  it('a fork pull request under pull_request_target is skipped in every mode (its config would run with the secrets); run-on-forks opts in', async () => {
    const payload = pullRequestPayload({
      number: 9,
      baseSha,
      headSha: '9'.repeat(40),
      headRepo: 'stranger/support-bot',
    });
    for (const mode of ['gate', 'eval', 'drift']) {
      gh.reset();
      llm.resetCounters();
      const run = await runAction({
        cwd: dir,
        inputs: { ...inputs, mode },
        eventName: 'pull_request_target',
        payload,
        env: env(),
      });
      expect(run.code, `${mode}: ${run.stdout}`).toBe(0);
      expect(run.outputs.verdict, mode).toBe('skipped');
      expect(run.stdout, mode).toMatch(
        /::notice::driftgate: skipped — this pull request comes from a fork\. Its config .* \(pull_request_target gives a fork the secrets\)/,
      );
      expect(gh.calls, mode).toHaveLength(0);
      expect(llm.requestCount, mode).toBe(0);
    }
    llm.resetCounters();
    writeFileSync(path.join(dir, 'prompt.md'), 'Customer (fork): {{question}}');
    const optedIn = await runAction({
      cwd: dir,
      inputs: { ...inputs, mode: 'eval', comment: 'false', cache: 'false', 'run-on-forks': 'true' },
      eventName: 'pull_request_target',
      payload,
      env: env(),
    });
    expect(optedIn.code, optedIn.stdout + optedIn.stderr).toBe(0);
    expect(optedIn.outputs.verdict).not.toBe('skipped');
    expect(llm.requestCount).toBeGreaterThan(0);
  }, 60_000);

  it('a run whose target the baseline does not hold compares nothing: verdict incomplete, the step fails, never "passed"', async () => {
    gh.reset();
    const config = path.join(dir, 'driftgate.yaml');
    const original = readFileSync(config, 'utf8');
    writeFileSync(
      config,
      original.replace('current:', 'candidate:').replace('targets: [current]', 'targets: [candidate]'),
    );
    try {
      const run = await runAction({
        cwd: dir,
        inputs: { ...inputs, comment: 'false' },
        eventName: 'pull_request',
        payload: pullRequestPayload({ number: 7, baseSha, headSha: '8'.repeat(40) }),
        env: env(),
      });
      expect(run.code, run.stdout).toBe(1);
      expect(run.outputs.verdict).toBe('incomplete');
      expect(run.stdout).toContain(
        'faq: nothing compared — the baseline holds target current, the run answered candidate',
      );
      expect(run.summary).not.toContain('gate passed');
    } finally {
      writeFileSync(config, original);
    }
  }, 60_000);

  it('a bad input fails the step with a clear message', async () => {
    const run = await runAction({
      cwd: dir,
      inputs: { ...inputs, mode: 'weekly' },
      eventName: 'pull_request',
      payload: pullRequestPayload({ number: 7, baseSha, headSha: 'e'.repeat(40) }),
      env: env(),
    });
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('::error::driftgate: input mode: expected one of gate, drift, eval, got "weekly"');
  });
});

describe('mode drift on schedule', () => {
  let dir: string;
  beforeAll(() => {
    dir = path.join(tmpdir(), `driftgate-action-drift-${process.pid}`);
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    for (const p of ['driftgate.yaml', 'datasets', 'rubrics', '.driftgate/cache'])
      cpSync(path.join(repoRoot, p), path.join(dir, p), { recursive: true });
  });

  it('opens one issue labelled drift, then updates it the next week; never closes it', async () => {
    gh.reset();
    llm.resetCounters();
    // Nothing may leave the machine: the example replays from its committed cache.
    const env = {
      OPENAI_BASE_URL: `${llm.url}/v1`,
      ANTHROPIC_BASE_URL: llm.url,
      OPENAI_API_KEY: 'sk-unused',
      GITHUB_API_URL: gh.url,
    };
    const first = await runAction({
      cwd: dir,
      inputs: { mode: 'drift', 'github-token': 'ghs_t' },
      eventName: 'schedule',
      payload: schedulePayload(),
      env,
    });
    expect(first.code, first.stdout + first.stderr).toBe(1);
    expect(first.outputs.verdict).toBe('drift');
    expect(Number(first.outputs['drifted-signals'])).toBeGreaterThanOrEqual(1);
    expect(gh.issues).toHaveLength(1);
    expect(gh.issues[0]?.labels).toEqual(['drift']);
    // The real 0301 → 0613 answers are longer: behaviour changed, and the 400-word rule check fails more often.
    expect(gh.issues[0]?.title).toMatch(/^driftgate: quality worse \(behaviour changed \(text\), /);
    expect(gh.issues[0]?.body).toContain('⚠️ driftgate: drift detected');
    expect(gh.issues[0]?.body).toContain('Behaviour changed and quality worse: length passes only with pinned on');
    expect(gh.issues[0]?.body).toContain('#### What changed');

    const second = await runAction({
      cwd: dir,
      inputs: { mode: 'drift', 'github-token': 'ghs_t', 'fail-on': 'never' },
      eventName: 'schedule',
      payload: schedulePayload(),
      env,
    });
    expect(second.code, second.stdout + second.stderr).toBe(0);
    expect(gh.issues).toHaveLength(1);
    expect(gh.calls.filter((c) => c.method === 'POST' && c.path.endsWith('/issues'))).toHaveLength(1);
    expect(gh.calls.filter((c) => c.method === 'PATCH').map((c) => c.path)).toEqual([
      '/repos/acme/support-bot/issues/1',
    ]);
    expect(gh.calls.some((c) => c.body?.state === 'closed')).toBe(false);
    expect(readFileSync(path.join(dir, '.driftgate/history.jsonl'), 'utf8').trim().split('\n')).toHaveLength(2);
    expect(llm.requestCount).toBe(0);
  }, 120_000);
});

describe('the response cache across workflow runs (Actions cache service stand-in)', () => {
  it.each(['v1', 'v2'])(
    'protocol %s: saves .driftgate/cache after a run; a fresh runner restores it and makes no model call for unchanged cases',
    async (protocol) => {
      const cacheServer = await FakeCacheServer.start();
      try {
        answers = 'good';
        const cases = Array.from({ length: 12 }, (_, i) =>
          JSON.stringify({ id: `q${i}`, question: `How do I change thing ${i}?`, keyword: 'settings' }),
        ).join('\n');
        const files = {
          'driftgate.yaml':
            'version: 1\nmodels:\n  current: { provider: openai, model: gpt-4o-mini }\nsuites:\n  - { name: faq, dataset: data.jsonl, prompt: prompt.md, targets: [current], scorers: [{ type: icontains, value: "{{keyword}}" }] }\n',
          'data.jsonl': `${cases}\n`,
          'prompt.md': 'Customer: {{question}}',
        };
        const env = (runId: string) => ({
          OPENAI_API_KEY: 'sk-test-cache',
          OPENAI_BASE_URL: `${llm.url}/v1`,
          ...(protocol === 'v1'
            ? { ACTIONS_CACHE_URL: cacheServer.url }
            : { ACTIONS_RESULTS_URL: cacheServer.url, ACTIONS_CACHE_SERVICE_V2: 'true' }),
          ACTIONS_RUNTIME_TOKEN: 'runtime-token',
          GITHUB_RUN_ID: runId,
        });
        const inputs = { mode: 'eval', comment: 'false' };
        llm.resetCounters();
        const first = await runAction({
          cwd: await makeProject(files),
          inputs,
          eventName: 'push',
          payload: {},
          env: env('100'),
        });
        expect(first.code, first.stdout + first.stderr).toBe(0);
        expect(llm.requestCount).toBe(12);
        expect(first.stdout).toContain('no response cache yet');
        expect(cacheServer.entries.filter((e) => e.archive)).toHaveLength(1);
        expect(cacheServer.entries[0]?.key).toMatch(/^driftgate-cache-[0-9a-f]{12}-100-1$/);

        // The next push, on a fresh runner: a new checkout with no .driftgate/ at all.
        llm.resetCounters();
        const second = await runAction({
          cwd: await makeProject(files),
          inputs,
          eventName: 'push',
          payload: {},
          env: env('101'),
        });
        expect(second.code, second.stdout + second.stderr).toBe(0);
        expect(second.stdout).toMatch(/response cache restored from driftgate-cache-[0-9a-f]{12}-100-1/);
        expect(llm.requestCount).toBe(0);
        expect(second.outputs.verdict).toBe('no-baseline');
        // It saved its own entry too, under its run id: entries are immutable, keys never collide.
        expect(cacheServer.entries.map((e) => e.key.split('-').slice(-2).join('-'))).toEqual(['100-1', '101-1']);
        const paths = cacheServer.calls.map((c) => `${c.method} ${c.path}`);
        if (protocol === 'v1') expect(paths).toContain('PATCH /_apis/artifactcache/caches/1');
        else
          expect(paths).toEqual(
            expect.arrayContaining([
              'POST /twirp/github.actions.results.api.v1.CacheService/CreateCacheEntry',
              'PUT /devstoreaccount1/caches/1',
            ]),
          );
      } finally {
        await cacheServer.close();
      }
    },
    60_000,
  );
});
