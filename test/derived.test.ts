/**
 * Derived metrics with a restricted mathjs (issue 13, item 5): computed per case from the suite's
 * scores, gated like any score, and refused at load when the expression reaches for anything else.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cpSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { FakeLlmServer, type ChatCall } from './support/fake-llm-server.js';
import { makeProject } from './support/project.js';
import { runEval } from '../src/runner/eval-run.js';
import { runGate } from '../src/gate/run-gate.js';
import { loadConfig } from '../src/config/load.js';
import { ConfigError } from '../src/errors.js';
import { baselineFromRun } from '../src/baselines/from-run.js';
import { baselinePath, writeBaseline } from '../src/baselines/baseline-file.js';
import type { RunMeta } from '../src/runner/store/run-dir.js';

const isJudge = (call: ChatCall) => 'response_format' in call.body || 'tools' in call.body;
let good = true;
let server: FakeLlmServer;
beforeAll(async () => {
  server = await FakeLlmServer.start({
    respond: (call) => {
      if (isJudge(call))
        return JSON.stringify({ reasoning: 'r', score: /KEYWORD/.test(JSON.stringify(call.body.messages)) ? 4 : 2 });
      const i = Number(/Question (\d+)/.exec(call.messages.at(-1)?.content ?? '')?.[1]);
      return good || i % 2 ? `The KEYWORD answer ${i}` : `An answer ${i}`;
    },
  });
});
afterAll(() => server.close());
const env = { OPENAI_API_KEY: 'sk-test-derived-0000' };

async function project(derived: string): Promise<string> {
  const dir = await makeProject({
    'driftgate.yaml': `version: 1
models:
  current: { provider: openai, model: gpt-4o-mini, baseURL: ${server.openaiBaseURL} }
  judge:   { provider: openai, model: gpt-4o-judge, baseURL: ${server.openaiBaseURL} }
suites:
  - name: faq
    dataset: d.jsonl
    prompt: p.md
    scorers:
      - { type: contains, name: keyword, value: KEYWORD }
      - { type: judge, rubric: rubrics/helpfulness.md }
    derived:
      quality: ${JSON.stringify(derived)}
`,
    'd.jsonl': Array.from({ length: 60 }, (_, i) => JSON.stringify({ id: `q${i}`, question: `Question ${i}?` })).join(
      '\n',
    ),
    'p.md': 'Customer: {{question}}',
  });
  cpSync(fileURLToPath(new URL('../rubrics', import.meta.url)), path.join(dir, 'rubrics'), { recursive: true });
  return dir;
}

describe('derived metrics', () => {
  it('is computed per case from the scores: 0.5 × judge + 0.5 × keyword', async () => {
    good = true;
    const dir = await project('0.5 * judge + 0.5 * keyword');
    const run = await runEval({ configPath: path.join(dir, 'driftgate.yaml'), env });
    expect(run.exitCode).toBe(0);
    // Judge 4 on the 1–5 scale is 0.75; keyword passes (1): 0.5 × 0.75 + 0.5 × 1 = 0.875.
    for (const r of await run.readRecords())
      expect(r.scores.find((s) => s.name === 'quality')?.value).toBeCloseTo(0.875, 12);
    expect(run.meta?.summaries?.[0]?.targets[0]?.scores.find((m) => m.metric === 'quality')).toMatchObject({
      n: 60,
      mean: 0.875,
    });
  });

  it('regresses when its parts do', async () => {
    good = true;
    const dir = await project('0.5 * judge + 0.5 * keyword');
    const config = path.join(dir, 'driftgate.yaml');
    const base = await runEval({ configPath: config, env });
    await writeBaseline(
      baselinePath(dir, 'faq'),
      baselineFromRun(base.meta as RunMeta, 'faq', await base.readRecords()),
    );
    good = false; // half the answers lose the keyword, and the judge marks them down
    const run = await runEval({ configPath: config, env, useCache: false });
    const report = (await runGate({
      loaded: await loadConfig(config),
      suites: ['faq'],
      records: await run.readRecords(),
    }))!.report;
    const quality = report.suites[0]!.metrics.find((m) => m.metric === 'quality')!;
    // Half the cases drop from 0.875 to 0.5 × 0.25 + 0 = 0.125: the mean falls by 0.375.
    expect(quality.delta).toBeCloseTo(-0.375, 12);
    expect(quality.gated).toBe(true);
    expect(quality.verdict).toBe('regressed');
    expect(report.failed).toBe(true);
  }, 60_000);

  it.each([
    ['import("fs")', /suites\[0\]\.derived\.quality: function "import" is not allowed/],
    ['createUnit("foo")', /function "createUnit" is not allowed/],
    ['evaluate("1")', /function "evaluate" is not allowed/],
    ['judge.constructor', /accessor expressions are not allowed|unknown name/],
    ['judge + typo', /unknown name "typo" \(this suite's scorers: keyword, judge\)/],
    ['x = 1', /assignment expressions are not allowed/],
    [`${'('.repeat(10_000)}judge${')'.repeat(10_000)}`, /expression of 20005 characters; at most 1000/],
    [`${'('.repeat(60)}judge${')'.repeat(60)}`, /nested deeper than 50 levels/],
  ])(
    'refuses a malicious or wrong expression at load with exit 2, naming file, line and field (%#)',
    async (expression, message) => {
      const dir = await project(expression);
      const load = loadConfig(path.join(dir, 'driftgate.yaml'));
      await expect(load).rejects.toThrow(ConfigError);
      await expect(load).rejects.toThrow(/driftgate\.yaml:13: suites\[0\]\.derived\.quality: /);
      await expect(loadConfig(path.join(dir, 'driftgate.yaml'))).rejects.toThrow(message);
    },
  );
});
