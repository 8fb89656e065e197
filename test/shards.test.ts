/**
 * `eval --shard i/n` + `driftgate merge`: four shards merged are the same run as one unsharded
 * run — per-case records, summaries and the gate's verdict — and merge refuses shards that do not
 * make one run (exit 2, nothing written).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { FakeLlmServer } from './support/fake-llm-server.js';
import { makeProject } from './support/project.js';
import { runCli } from './support/cli.js';
import { runEval } from '../src/runner/eval-run.js';
import { loadConfig } from '../src/config/load.js';
import { mergeShardRuns } from '../src/runner/store/merge-runs.js';
import { shardOf } from '../src/runner/plan/shard.js';
import type { CallRecord } from '../src/records/call-record.js';

let good = true;
let server: FakeLlmServer;
beforeAll(async () => {
  server = await FakeLlmServer.start({
    respond: (call) => {
      const i = Number(/Question (\d+)/.exec(call.messages.at(-1)?.content ?? '')?.[1]);
      return good || i % 3 ? `Open Settings, then Billing, to change plan ${i}.` : `Please contact support about ${i}.`;
    },
  });
});
afterAll(() => server.close());
const env = { OPENAI_API_KEY: 'sk-test-shards-0000' };

async function project(): Promise<string> {
  return makeProject({
    'driftgate.yaml': `version: 1
models:
  current:  { provider: openai, model: gpt-4o-mini, baseURL: ${server.openaiBaseURL} }
  pinned:   { provider: openai, model: gpt-4o-mini-2024-07-18, baseURL: ${server.openaiBaseURL} }
  embedder: { provider: local }
runner: { retry_base_ms: 5 }
suites:
  - name: faq
    dataset: d.jsonl
    prompt: p.md
    targets: [pinned, current]
    repeats: 2
    scorers:
      - { type: icontains, name: keyword, value: Settings }
      - { type: similarity, reference: "{{expected}}", pass: 0.3 }
  - name: small
    dataset: s.jsonl
    prompt: p.md
    scorers: [{ type: length, unit: words, max: 12 }]
`,
    'd.jsonl': Array.from({ length: 90 }, (_, i) =>
      JSON.stringify({
        id: `q${i}`,
        question: `Question ${i}?`,
        expected: `Open Settings, then Billing, to change plan ${i}.`,
      }),
    ).join('\n'),
    's.jsonl': Array.from({ length: 7 }, (_, i) =>
      JSON.stringify({ id: `s${i}`, question: `Question ${100 + i}?` }),
    ).join('\n'),
    'p.md': 'Customer: {{question}}',
  });
}

const normalise = (r: CallRecord) => ({ ...r, finishedAt: '' });

describe('shards', () => {
  it('4 shards merged give the same records, summaries and gate verdict as one unsharded run', async () => {
    const dir = await project();
    const configPath = path.join(dir, 'driftgate.yaml');
    good = true;
    await runEval({ configPath, env });
    expect((await runCli(['baseline', 'update', '--config', configPath], env)).code).toBe(0);
    // A change of model settings (new cache keys) that regresses: every third answer loses the keyword.
    writeFileSync(
      configPath,
      readFileSync(configPath, 'utf8').replaceAll('baseURL: ', 'params: { temperature: 0.7 }, baseURL: '),
    );
    good = false;
    await runEval({ configPath, env }); // fills the cache with the new answers
    const whole = await runEval({ configPath, env });
    const wholeRecords = await whole.readRecords();
    expect(wholeRecords.filter((r) => r.cached)).toHaveLength(wholeRecords.length);
    const shardDirs: string[] = [];
    for (let i = 1; i <= 4; i++) {
      const r = await runEval({ configPath, env, shard: { index: i, count: 4 } });
      expect(r.exitCode).toBe(0);
      expect((await r.readRecords()).every((x) => shardOf(x.suite, x.caseId, 4) === i)).toBe(true);
      shardDirs.push(r.runDir as string);
    }
    // Every shard holds some cases, none holds all.
    const sizes = await Promise.all(
      shardDirs.map(async (d) =>
        (await import('../src/runner/store/journal.js')).readJournal(path.join(d, 'cases.jsonl')).then((x) => x.length),
      ),
    );
    expect(sizes.every((n) => n > 0 && n < wholeRecords.length)).toBe(true);

    const merged = await mergeShardRuns(await loadConfig(configPath), shardDirs, path.join(dir, '.driftgate/runs'));
    expect(merged.records.map(normalise)).toEqual(wholeRecords.map(normalise));
    expect(merged.meta.summaries).toEqual(whole.meta?.summaries);
    expect(merged.meta.scorers).toEqual(whole.meta?.scorers);
    expect(merged.meta.behaviour).toEqual(whole.meta?.behaviour);
    expect(merged.meta.mergedFrom).toHaveLength(4);

    const verdict = async (run: string) => {
      const r = await runCli(['compare', '--config', configPath, '--run', run, '--json'], env);
      const out = JSON.parse(r.stdout) as { run: string; suites: { verdicts?: unknown }[]; failed?: boolean } & Record<
        string,
        unknown
      >;
      return { code: r.code, ...out, run: '' };
    };
    const a = await verdict(whole.runDir as string);
    const b = await verdict(merged.runDir);
    expect(a.code).toBe(1); // the regression is found
    expect(b).toEqual(a);
  });

  it('merge refuses a missing shard, a shard given twice, and shards of another count (exit 2, nothing written)', async () => {
    const dir = await project();
    const configPath = path.join(dir, 'driftgate.yaml');
    good = true;
    const runs: string[] = [];
    for (let i = 1; i <= 3; i++)
      runs.push((await runEval({ configPath, env, shard: { index: i, count: 3 } })).runDir as string);
    const other = (await runEval({ configPath, env, shard: { index: 1, count: 2 } })).runDir as string;
    const before = readdirSync(path.join(dir, '.driftgate/runs')).length;
    const merge = (...dirs: string[]) => runCli(['merge', '--config', configPath, ...dirs], env);
    const missing = await merge(runs[0] as string, runs[2] as string);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('merge: shard 2/3 missing (got 1/3, 3/3)');
    const twice = await merge(runs[0] as string, runs[1] as string, runs[1] as string, runs[2] as string);
    expect(twice.code).toBe(2);
    expect(twice.stderr).toContain('merge: shard 2/3 given twice');
    const mixed = await merge(...runs, other);
    expect(mixed.code).toBe(2);
    expect(mixed.stderr).toMatch(/has shard count 2, .* has 3/);
    expect(readdirSync(path.join(dir, '.driftgate/runs'))).toHaveLength(before);
    const ok = await merge(...runs);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(/merged 3 shards \(\d+ records\)/);
  });
});
