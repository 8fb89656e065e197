/**
 * Issue 23, item 6: hostile input that is not a secret. Deep nesting is a clear error (exit 2,
 * file:line) instead of a stack overflow (exit 4); control sequences never reach the terminal; a
 * judge's error cannot link, embed or mention in the PR comment; the Action's marker is matched
 * only as the first line of its own comment.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cpSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { FakeLlmServer } from './support/fake-llm-server.js';
import { FakeGitHubServer } from './support/fake-github-server.js';
import { makeProject } from './support/project.js';
import { runCli, spawnCli } from './support/cli.js';
import { readdirSync, readFileSync } from 'node:fs';
import { carriesMarker, markerFor } from '../src/action/github-api.js';
import { pullRequestPayload, runAction } from './support/action-runner.js';
import { cleanForTerminal } from '../src/util/terminal-output.js';
import { mdCell } from '../src/report/escape.js';
import { tooDeep } from '../src/util/depth.js';

const deep = (n: number): unknown => {
  let v: unknown = 'leaf';
  for (let i = 0; i < n; i++) v = { a: v };
  return v;
};
const env = { OPENAI_API_KEY: 'sk-test-trust-inputs-0000' };

let llm: FakeLlmServer;
let judge: FakeLlmServer;
beforeAll(async () => {
  llm = await FakeLlmServer.start({ respond: () => 'An answer' });
  judge = await FakeLlmServer.start();
});
afterAll(async () => {
  await Promise.all([llm.close(), judge.close()]);
});

describe('input nested 2,000 deep', () => {
  it('a JSONL dataset field: exit 2 naming file, line and field — no stack overflow', async () => {
    const dir = await makeProject({
      'driftgate.yaml':
        'version: 1\nmodels:\n  current: { provider: openai, model: gpt-4o-mini }\nsuites:\n  - { name: s, dataset: d.jsonl, prompt: p.md }\n',
      'd.jsonl': `${JSON.stringify({ id: 'q0', question: 'hi' })}\n${JSON.stringify({ id: 'q1', question: 'x', metadata: { deep: deep(2000) } })}\n`,
      'p.md': '{{question}}',
    });
    const run = await runCli(['eval', '--dry-run'], env, dir);
    expect(run.code).toBe(2);
    expect(run.stderr.trim()).toBe('driftgate: d.jsonl:2: metadata.deep.a.a…: nested more than 64 levels deep');
  });

  it('the config: exit 2 with its line', async () => {
    const dir = await makeProject({
      'driftgate.yaml': `version: 1\nmodels:\n  current: { provider: openai, model: gpt-4o-mini, params: { x: ${'['.repeat(2000)}1${']'.repeat(2000)} } }\nsuites: []\n`,
    });
    const run = await runCli(['eval', '--dry-run'], env, dir);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/^driftgate: driftgate\.yaml:3: nested more than 64 levels deep/);
  });

  it('a drift log line: an unusable line with the reason, the rest of the log is read', async () => {
    const dir = await makeProject({
      'driftgate.yaml': `version: 1
models:
  pinned:   { provider: openai, model: gpt-4o-mini-2024-07-18, baseURL: ${llm.openaiBaseURL} }
  current:  { provider: openai, model: gpt-4o-mini, baseURL: ${llm.openaiBaseURL} }
  embedder: { provider: local }
drift:
  logs: logs.jsonl
  sample: { size: 20, seed: week-1 }
  scorers: [{ type: refusal }]
`,
      'logs.jsonl': [
        ...Array.from({ length: 40 }, (_, i) => JSON.stringify({ input: `question ${i}` })),
        JSON.stringify({ input: 'x', extra: deep(2000) }),
      ].join('\n'),
    });
    const run = await runCli(['drift', '--json'], env, dir);
    expect([0, 1]).toContain(run.code);
    const result = JSON.parse(run.stdout) as {
      sample: { badLines: number; firstBad?: { line: number; reason: string }[] };
    };
    expect(result.sample.badLines).toBe(1);
    expect(JSON.stringify(result.sample)).toContain('nested more than 64 levels deep');
  }, 60_000);

  it('a promptfoo config to import: exit 2 with its line and field', async () => {
    const dir = await makeProject({
      'promptfooconfig.yaml': `prompts: ['Answer {{q}}']\ntests:\n  - vars: { q: ${'['.repeat(100)}1${']'.repeat(100)} }\n`,
    });
    const imported = await runCli(['import', 'promptfoo', 'promptfooconfig.yaml', '--out', 'converted'], env, dir);
    expect(imported.code, imported.stderr).toBe(2);
    expect(imported.stderr).toMatch(/promptfooconfig\.yaml:3: tests\.0\.vars\.q…: nested more than 64 levels deep/);
  });

  it('the depth walk itself is iterative: 100,000 levels are measured without recursion', () => {
    expect(tooDeep(deep(100_000))?.length).toBe(64);
    expect(tooDeep(deep(64))).toBeUndefined();
    expect(tooDeep(deep(65))).toHaveLength(64);
  });
});

describe('control sequences never reach the terminal', () => {
  it('a case id, an answer and a scorer error carrying ESC/OSC sequences are printed without them', async () => {
    const evil = 'q\u001b]0;pwned\u0007\u001b[2J\u001b[1A\rgate passed\u009b31m';
    llm.configure({ respond: () => `ok\u001b]8;;http://evil.example\u001b\\click\u001b]8;;\u001b\\ done` });
    const dir = await makeProject({
      'driftgate.yaml': `version: 1\nmodels:\n  current: { provider: openai, model: gpt-4o-mini, baseURL: ${llm.openaiBaseURL} }\nsuites:\n  - { name: s, dataset: d.jsonl, prompt: p.md, scorers: [{ type: contains, value: nothing-matches }, { type: custom, module: throws.mjs }] }\n`,
      'd.jsonl': `${JSON.stringify({ id: evil, question: 'hi' })}\n`,
      'p.md': '{{question}}',
      // As a judge's or a gateway's error text can be: an OSC title change and a screen clear.
      'throws.mjs': "export default () => { throw new Error('judge says \\u001b]0;owned\\u0007\\u001b[2Jbye'); };\n",
    });
    const run = await runCli(['eval'], env, dir);
    expect(run.code, run.stderr).toBe(3);
    expect(run.stdout).toContain('judge says');
    const both = run.stdout + run.stderr;

    expect(both).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/);
    llm.configure({ respond: () => 'An answer' });
  }, 60_000);

  it('the filter removes whole sequences and keeps the text', () => {
    expect(cleanForTerminal('a\u001b]0;title\u0007b\u001b[31mc\u001b[0m\rd\u0000e\u009bf\n\tg')).toBe('abcdef\n\tg');
    expect(cleanForTerminal('plain text, unchanged: ✓ 100%')).toBe('plain text, unchanged: ✓ 100%');
  });
});

describe('a reader that stops early (`| head`)', () => {
  it('eval with its stdout closed before it prints finishes the run and exits with its own code, no EPIPE', async () => {
    const dir = await makeProject({
      'driftgate.yaml': `version: 1\nmodels:\n  current: { provider: openai, model: gpt-4o-mini, baseURL: ${llm.openaiBaseURL} }\nsuites:\n  - { name: s, dataset: d.jsonl, prompt: p.md, scorers: [{ type: contains, value: answer }] }\n`,
      'd.jsonl': Array.from({ length: 20 }, (_, i) => JSON.stringify({ id: `c${i}`, question: `q${i}` })).join('\n'),
      'p.md': '{{question}}',
    });
    const child = spawnCli(['eval', '--json'], env, dir);
    child.stdout?.destroy(); // the reader is gone before the first line
    let stderr = '';
    child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(stderr).not.toContain('EPIPE');
    expect(code, stderr).toBe(0);
    const runs = path.join(dir, '.driftgate', 'runs');
    const [runDir] = readdirSync(runs);
    const meta = JSON.parse(readFileSync(path.join(runs, runDir as string, 'run.json'), 'utf8')) as { status: string };
    expect(meta.status).toBe('complete');
  }, 60_000);
});

describe('a judge error in the PR comment is inert', () => {
  it("an image link, a link and an @-mention in the judge's error are neither links nor mentions in report.md", async () => {
    judge.configure({});
    const hostile =
      'see ![x](https://evil.example/p.png) and [docs](https://evil.example) cc @octocat www.evil.example';
    const dir = await makeProject({
      'driftgate.yaml': `version: 1
models:
  current: { provider: openai, model: gpt-4o-mini, baseURL: ${llm.openaiBaseURL} }
  judge:   { provider: openai, model: gpt-4o-judge, baseURL: ${judge.openaiBaseURL} }
runner: { max_retries: 0, retry_base_ms: 1 }
suites:
  - name: s
    dataset: d.jsonl
    prompt: p.md
    scorers: [{ type: judge, rubric: rubrics/helpfulness.md }]
`,
      'd.jsonl': `${JSON.stringify({ id: 'q0', question: 'hi' })}\n`,
      'p.md': '{{question}}',
    });
    cpSync(fileURLToPath(new URL('../rubrics', import.meta.url)), path.join(dir, 'rubrics'), { recursive: true });
    judge.configure({ respond: () => hostile });
    await runCli(['eval'], env, dir);
    const report = await runCli(['report', '--format', 'md', '--out', 'out'], env, dir);
    expect(report.code, report.stderr).toBe(0);
    const md = (await import('node:fs')).readFileSync(path.join(dir, 'out', 'report.md'), 'utf8');
    expect(md).toContain('judge');
    expect(md).not.toMatch(/!\[x\]\(https/);
    expect(md).not.toMatch(/\]\(https:\/\//);
    expect(md).not.toMatch(/@octocat/);
    expect(md).not.toMatch(/https:\/\/evil/);
    expect(md).toContain('@\u200boctocat');
  }, 60_000);

  it('mdCell breaks links, images, mentions and autolinks, and keeps the words', () => {
    const cell = mdCell('![i](http://a.b/c) [t](https://x.y) @someone www.site.org a@b.co | x\ny <b>');
    expect(cell).toBe(
      '![i]\\(http\u200b://a.b/c) [t]\\(https\u200b://x.y) @\u200bsomeone www\u200b.site.org a@\u200bb.co \\| x y &lt;b&gt;',
    );
  });
});

describe("the Action's log", () => {
  it('an error quoting a workflow command on its own line cannot forge one (the line is indented)', async () => {
    const gh = await FakeGitHubServer.start();
    try {
      const dir = await makeProject({
        'driftgate.yaml': `version: 1\nmodels:\n  current: { provider: openai, model: gpt-4o-mini, baseURL: ${llm.openaiBaseURL} }\nsuites:\n  - { name: s, dataset: d.jsonl, prompt: p.md, scorers: [{ type: custom, module: throws.mjs }] }\n`,
        'd.jsonl': `${JSON.stringify({ id: 'q0', question: 'hi' })}\n`,
        'p.md': '{{question}}',
        'throws.mjs':
          "export default () => { throw new Error('upstream said:\\n::warning title=forged::all clear\\n::add-mask::driftgate'); };\n",
      });
      const run = await runAction({
        cwd: dir,
        inputs: {
          mode: 'eval',
          config: 'driftgate.yaml',
          'github-token': 'ghs_logtest00000000000000000000000000',
          cache: 'false',
          'fail-on': 'never',
          comment: 'false',
        },
        eventName: 'pull_request',
        payload: pullRequestPayload({ number: 6, baseSha: 'a'.repeat(40), headSha: 'b'.repeat(40) }),
        env: { ...env, GITHUB_API_URL: gh.url },
      });
      expect(run.code, run.stdout + run.stderr).toBe(0);
      const lines = (run.stdout + run.stderr).split('\n');
      expect(lines.some((l) => l.includes('upstream said:'))).toBe(true);
      expect(lines.filter((l) => l.startsWith('::warning title=forged'))).toEqual([]);
      expect(lines.filter((l) => l.startsWith('::add-mask::driftgate'))).toEqual([]);
      expect(lines.some((l) => l.startsWith(' ::warning title=forged'))).toBe(true);
    } finally {
      await gh.close();
    }
  }, 60_000);
});

describe("the Action's marker", () => {
  it('is matched only as the first line of the body', () => {
    const a = markerFor('gate', 'a.yaml');
    const b = markerFor('gate', 'b.yaml');
    const quoting = `${a}\n## report of a\n\`\`\`text\n${b}\n\`\`\``;
    expect(carriesMarker(quoting, a)).toBe(true);
    expect(carriesMarker(quoting, b)).toBe(false);
    expect(carriesMarker(`text before\n${a}`, a)).toBe(false);
    expect(carriesMarker(`${a}\r\nrest`, a)).toBe(true);
    expect(markerFor('gate', 'x-->\n<!-- y')).toBe('<!-- driftgate:gate config=x<!-- y -->');
  });

  it("the Action leaves its own comment for another config alone, even when that comment quotes this config's marker", async () => {
    const gh = await FakeGitHubServer.start();
    try {
      const dir = await makeProject({
        'driftgate.yaml': `version: 1\nmodels:\n  current: { provider: openai, model: gpt-4o-mini, baseURL: ${llm.openaiBaseURL} }\nsuites:\n  - { name: s, dataset: d.jsonl, prompt: p.md, scorers: [{ type: contains, value: answer }] }\n`,
        'd.jsonl': `${JSON.stringify({ id: 'q0', question: 'hi' })}\n`,
        'p.md': '{{question}}',
      });
      const other = `${markerFor('gate', 'other.yaml')}\n## report of other.yaml\n\`\`\`text\n${markerFor('gate', 'driftgate.yaml')}\n\`\`\``;
      gh.comments.push({ id: 99_999, issue: 5, body: other, user: 'github-actions[bot]' });
      const run = await runAction({
        cwd: dir,
        inputs: {
          mode: 'eval',
          config: 'driftgate.yaml',
          'github-token': 'ghs_markertest000000000000000000000000',
          cache: 'false',
        },
        eventName: 'pull_request',
        payload: pullRequestPayload({ number: 5, baseSha: 'a'.repeat(40), headSha: 'b'.repeat(40) }),
        env: { ...env, GITHUB_API_URL: gh.url },
      });
      expect(run.code, run.stdout + run.stderr).toBe(0);
      expect(gh.comments).toHaveLength(2);
      expect(gh.comments.find((c) => c.id === 99_999)?.body).toBe(other);
      expect(gh.comments.find((c) => c.id !== 99_999)?.body.startsWith(markerFor('gate', 'driftgate.yaml'))).toBe(true);
      expect(gh.calls.some((c) => c.method === 'PATCH')).toBe(false);
    } finally {
      await gh.close();
    }
  }, 60_000);
});
