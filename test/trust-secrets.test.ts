/**
 * Issue 23, item 1: a live key planted everywhere it can come back — the answering model's error
 * body, the judge's, the embedder's, an answer's text, a custom scorer's reason and its thrown
 * error — reaches no file driftgate writes, none of its output, and not the Action's PR comment.
 * The key has no recognisable shape, so only its registration from the environment can catch it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cpSync, readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { FakeLlmServer } from './support/fake-llm-server.js';
import { FakeGitHubServer } from './support/fake-github-server.js';
import { allFiles, makeProject } from './support/project.js';
import { runCli, type CliResult } from './support/cli.js';
import { pullRequestPayload, runAction } from './support/action-runner.js';

const KEY = 'live7Hq2Zx9PkLm4Rt8Vw3NyQb6';
let app: FakeLlmServer;
let judge: FakeLlmServer;
let embedder: FakeLlmServer;
let gh: FakeGitHubServer;

beforeAll(async () => {
  // The app's answers quote the key (a model told to repeat its headers); its first call fails echoing it.
  app = await FakeLlmServer.start({
    respond: (call) => `Here is what I was given: ${KEY} for ${call.messages.at(-1)?.content ?? ''}`,
  });
  judge = await FakeLlmServer.start();
  embedder = await FakeLlmServer.start();
  gh = await FakeGitHubServer.start();
});
afterAll(async () => {
  await Promise.all([app.close(), judge.close(), embedder.close(), gh.close()]);
});

/** Every request to the judge and the embedder fails with a 401 whose body echoes the Authorization header. */
function echoEverything(): void {
  app.queue('401-echo');
  judge.queue(...Array.from({ length: 200 }, () => '401-echo' as const));
  embedder.queue(...Array.from({ length: 200 }, () => '401-echo' as const));
}

async function project(): Promise<string> {
  const dir = await makeProject({
    'driftgate.yaml': `version: 1
models:
  current:  { provider: openai, model: gpt-4o-mini, baseURL: ${app.openaiBaseURL} }
  judge:    { provider: openai, model: gpt-4o-judge, baseURL: ${judge.openaiBaseURL} }
  embedder: { provider: openai, model: text-embedding-3-small, baseURL: ${embedder.openaiBaseURL} }
runner: { retry_base_ms: 1, max_retries: 0, concurrency: 1 }
suites:
  - name: support
    dataset: d.jsonl
    prompt: p.md
    scorers:
      - { type: contains, value: "given" }
      - { type: judge, rubric: rubrics/helpfulness.md }
      - { type: similarity, reference: "{{question}}" }
      - { type: custom, name: leaky_reason, module: leaky-reason.mjs }
      - { type: custom, name: leaky_throw, module: leaky-throw.mjs }
`,
    'd.jsonl': Array.from({ length: 12 }, (_, i) => JSON.stringify({ id: `q${i}`, question: `Question ${i}?` })).join(
      '\n',
    ),
    'p.md': 'Customer: {{question}}',
    'leaky-reason.mjs':
      'export default () => ({ value: 1, reason: `compared with ${process.env.OPENAI_API_KEY}`, details: { seen: process.env.OPENAI_API_KEY } });\n',
    'leaky-throw.mjs':
      'export default () => { throw new Error(`auth failed for key ${process.env.OPENAI_API_KEY}`); };\n',
  });
  cpSync(fileURLToPath(new URL('../rubrics', import.meta.url)), path.join(dir, 'rubrics'), { recursive: true });
  return dir;
}

const env = () => ({ OPENAI_API_KEY: KEY, GITHUB_API_URL: gh.url });
const occurrences = (text: string) => text.split(KEY).length - 1;

describe('a live key planted at every boundary', () => {
  it('reaches no file, no output line and no PR comment: 0 occurrences across eval, report, check, compare and the Action', async () => {
    const dir = await project();
    const outputs: { what: string; run: CliResult }[] = [];
    echoEverything();
    outputs.push({ what: 'eval', run: await runCli(['eval'], env(), dir) });
    // The plantings happened: the providers echoed the key and the answers and scorers carried it.
    expect(app.requests.some((r) => r.behaviour === '401-echo')).toBe(true);
    expect(judge.requests.length).toBeGreaterThan(0);
    expect(embedder.requests.length).toBeGreaterThan(0);
    expect(outputs[0]?.run.code).toBe(3); // the judge and the embedder never worked
    outputs.push({ what: 'eval --json', run: await runCli(['eval', '--json', '--offline'], env(), dir) });
    outputs.push({ what: 'report', run: await runCli(['report'], env(), dir) });
    echoEverything();
    outputs.push({ what: 'check', run: await runCli(['check'], env(), dir) });
    outputs.push({ what: 'eval --resume', run: await runCli(['eval', '--resume'], env(), dir) });

    gh.reset();
    echoEverything();
    const action = await runAction({
      cwd: dir,
      inputs: {
        mode: 'eval',
        config: 'driftgate.yaml',
        'github-token': 'ghs_trusttoken000000000000000000000000',
        cache: 'false',
      },
      eventName: 'pull_request',
      payload: pullRequestPayload({ number: 3, baseSha: 'a'.repeat(40), headSha: 'b'.repeat(40) }),
      env: env(),
    });
    expect(gh.comments, action.stdout + action.stderr).toHaveLength(1);
    const comment = gh.comments[0]?.body ?? '';
    expect(comment).toContain('[redacted]');

    const found: string[] = [];
    for (const { file, text } of await allFiles(dir))
      if (occurrences(text) > 0) found.push(`${path.relative(dir, file)}: ${occurrences(text)}`);
    for (const { what, run } of outputs) {
      if (occurrences(run.stdout) > 0) found.push(`${what} stdout: ${occurrences(run.stdout)}`);
      if (occurrences(run.stderr) > 0) found.push(`${what} stderr: ${occurrences(run.stderr)}`);
    }
    const actionLog = action.stdout
      .split('\n')
      .filter((l) => !l.startsWith('::add-mask::'))
      .join('\n');
    for (const [what, text] of [
      ['Action log', actionLog],
      ['Action stderr', action.stderr],
      ['job summary', action.summary],
      ['PR comment', comment],
      ['outputs', JSON.stringify(action.outputs)],
    ] as const) {
      if (occurrences(text) > 0) found.push(`${what}: ${occurrences(text)}`);
    }
    expect(found).toEqual([]);

    // What each planting became, so the test cannot pass by writing nothing.
    const runs = path.join(dir, '.driftgate', 'runs');
    const journal = (await allFiles(runs))
      .filter((f) => f.file.endsWith('cases.jsonl'))
      .map((f) => f.text)
      .join('');
    expect(journal).toContain('Here is what I was given: [redacted]');
    expect(journal).toContain('Incorrect API key provided: Bearer [redacted]');
    expect(journal).toContain('compared with [redacted]');
    expect(journal).toContain('auth failed for key [redacted]');
    const report = readFileSync(path.join(action.outputs['report-path'] as string, 'report.md'), 'utf8');
    expect(report).toMatch(/judge.*\[redacted\]|\[redacted\].*judge/s);
    expect(
      outputs.find((o) => o.what === 'check')?.run.stdout + (outputs.find((o) => o.what === 'check')?.run.stderr ?? ''),
    ).toContain('[redacted]');
    expect(action.stdout).toContain(`::add-mask::${KEY}`);
  }, 120_000);

  it('a cached answer written before the key was known is scrubbed when it is replayed', async () => {
    const dir = await project();
    await writeFile(
      path.join(dir, 'driftgate.yaml'),
      readFileSync(path.join(dir, 'driftgate.yaml'), 'utf8').replace(
        / {6}- \{ type: (judge|similarity|custom).*\n/g,
        '',
      ),
    );
    const first = await runCli(['eval'], { OPENAI_API_KEY: 'some-other-key-0000000' }, dir);
    expect(first.code, first.stderr).toBe(0);
    // That run did not know KEY as a secret: the answers hold it, in the cache too.
    expect(
      occurrences((await allFiles(path.join(dir, '.driftgate', 'cache'))).map((f) => f.text).join('')),
    ).toBeGreaterThan(0);
    const replay = await runCli(['eval', '--offline', '--json', '--out', 'replayed'], env(), dir);
    expect(replay.code, replay.stderr).toBe(0);
    expect(occurrences(replay.stdout + replay.stderr)).toBe(0);
    const written = await allFiles(path.join(dir, 'replayed'));
    expect(
      written.some((f) => f.file.endsWith('cases.jsonl') && f.text.includes('Here is what I was given: [redacted]')),
    ).toBe(true);
    expect(written.filter((f) => occurrences(f.text) > 0).map((f) => f.file)).toEqual([]);
  }, 60_000);
});
