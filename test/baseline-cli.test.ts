import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { FakeLlmServer, type ChatCall } from './support/fake-llm-server.js';
import { makeProject } from './support/project.js';
import { runCli } from './support/cli.js';
import { readBaseline, serialiseBaseline } from '../src/baselines/baseline-file.js';
import { RunStateError } from '../src/errors.js';
import { baselineOf, cases } from './support/gate-fixtures.js';

describe('baseline file', () => {
  it('is diff-friendly: one case per line, sorted, byte-identical when written twice', () => {
    const b = baselineOf(cases(3, () => false).reverse());
    const text = serialiseBaseline(b);
    expect(text).toBe(serialiseBaseline(b));
    const caseLines = text.split('\n').filter((l) => l.startsWith('    {'));
    expect(caseLines).toHaveLength(3);
    expect(caseLines.map((l) => JSON.parse(l.replace(/,$/, '')).caseId)).toEqual(['c0000', 'c0001', 'c0002']);
    expect(JSON.parse(text).cases).toHaveLength(3);
  });

  it('refuses a newer schemaVersion and a corrupt file with a clear message', async () => {
    const dir = await makeProject({
      'newer.json': JSON.stringify({ schemaVersion: 2, suite: 's', cases: [] }),
      'corrupt.json': '{"schemaVersion": 1, "cases": [',
    });
    await expect(readBaseline(path.join(dir, 'newer.json'))).rejects.toThrow(RunStateError);
    await expect(readBaseline(path.join(dir, 'newer.json'))).rejects.toThrow(
      /schemaVersion 2 was written by a newer driftgate .* the file was not changed/,
    );
    await expect(readBaseline(path.join(dir, 'corrupt.json'))).rejects.toThrow(/not valid JSON/);
    expect(await readBaseline(path.join(dir, 'absent.json'))).toBeUndefined();
  });
});

describe('eval → baseline update → compare', () => {
  let server: FakeLlmServer;
  let drop = false;
  beforeAll(async () => {
    // Answers contain the keyword, except (once `drop` is set) for 40 of the 60 cases.
    server = await FakeLlmServer.start({
      respond: (call: ChatCall) => {
        const n = Number(/Question (\d+)/.exec(call.messages.at(-1)?.content ?? '')?.[1]);
        return drop && n < 40 ? `I am not sure about question ${n}.` : `The KEYWORD answer to question ${n}.`;
      },
    });
  });
  afterAll(() => server.close());

  const env = { OPENAI_API_KEY: 'sk-test-gate-cli-000000' };
  const setup = () =>
    makeProject({
      'driftgate.yaml': `version: 1
models:
  current: { provider: openai, model: gpt-4o-mini, baseURL: ${server.openaiBaseURL} }
suites:
  - name: support
    dataset: d.jsonl
    prompt: p.md
    targets: [current]
    scorers: [{ type: contains, value: KEYWORD }]
`,
      'd.jsonl': Array.from({ length: 60 }, (_, i) => JSON.stringify({ id: `q${i}`, question: `Question ${i}?` })).join(
        '\n',
      ),
      'p.md': '{{question}}',
    });

  it('passes on an unchanged model and fails, exit 1, when answers regress', async () => {
    drop = false;
    const dir = await setup();
    const config = path.join(dir, 'driftgate.yaml');
    expect((await runCli(['eval', '--config', config], env, dir)).code).toBe(0);
    const update = await runCli(['baseline', 'update', '--config', config], env, dir);
    expect(update.code).toBe(0);
    expect(update.stdout).toMatch(/^wrote baselines\/support\.json: 60 results of run /);

    const same = await runCli(['compare', '--config', config], env, dir);
    expect(same.code).toBe(0);
    expect(same.stdout).toContain('gate passed');

    drop = true;
    const regressed = await runCli(['eval', '--config', config, '--no-cache'], env, dir);
    expect(regressed.code).toBe(1);
    expect(regressed.stdout).toMatch(/GATE FAILED · 2 regressions in support: pass_rate −66\.7 pts/);
    expect(regressed.stdout).toMatch(/✗ q\d+: contains/);

    const json = await runCli(['compare', '--config', config, '--json'], env, dir);
    expect(json.code).toBe(1);
    const parsed = JSON.parse(json.stdout);
    expect(parsed.report.failed).toBe(true);
    expect(parsed.report.suites[0].metrics.find((m: { metric: string }) => m.metric === 'contains')).toMatchObject({
      verdict: 'regressed',
      mcnemar: { b: 40, c: 0 },
    });
  });

  it('exit 2 and nothing overwritten when the existing baseline is corrupt; compare without a baseline is exit 2', async () => {
    drop = false;
    const dir = await setup();
    const config = path.join(dir, 'driftgate.yaml');
    await runCli(['eval', '--config', config], env, dir);
    const noBaseline = await runCli(['compare', '--config', config], env, dir);
    expect(noBaseline.code).toBe(2);
    expect(noBaseline.stderr).toContain('no baselines for support');
    const file = path.join(dir, 'baselines', 'support.json');
    const { mkdir } = await import('node:fs/promises');
    await mkdir(path.dirname(file), { recursive: true });
    await writeFile(file, '{ corrupt');
    const update = await runCli(['baseline', 'update', '--config', config], env, dir);
    expect(update.code).toBe(2);
    expect(update.stderr).toMatch(/support\.json: not valid JSON/);
    expect(await readFile(file, 'utf8')).toBe('{ corrupt');
  });
});
