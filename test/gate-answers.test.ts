/**
 * Issue 23, item 7: the gate compares records and baseline cases without their answers and reads
 * the flipped cases' answers afterwards from the journal and the baseline file. The answers shown
 * must be the real ones, in eval and in compare, and gate.json keeps every baseline answer.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { FakeLlmServer } from './support/fake-llm-server.js';
import { makeProject, questions } from './support/project.js';
import { runCli } from './support/cli.js';
import type { GateResultFile } from '../src/gate/gate-file.js';
import { readBaseline } from '../src/baselines/baseline-file.js';
import { readBaselineForGate } from '../src/baselines/baseline-stream.js';

let bad = false;
let server: FakeLlmServer;
beforeAll(async () => {
  server = await FakeLlmServer.start({
    respond: (call) => {
      const i = Number(/number (\d+)/.exec(call.messages.at(-1)?.content ?? '')?.[1] ?? 0);
      return bad && i % 3 === 0 ? `I cannot help with question ${i}.` : `Answer ${i}: open Settings.`;
    },
  });
});
afterAll(() => server.close());

const env = { OPENAI_API_KEY: 'sk-test-gate-answers-0000' };

function gateFile(dir: string, runId: string): GateResultFile {
  return JSON.parse(readFileSync(path.join(dir, '.driftgate', 'runs', runId, 'gate.json'), 'utf8')) as GateResultFile;
}

describe('the gate without answers in memory', () => {
  it('flipped cases show both real answers in eval and compare; gate.json keeps every baseline answer', async () => {
    const dir = await makeProject({
      'driftgate.yaml': `version: 1\nmodels:\n  current: { provider: openai, model: gpt-4o-mini, baseURL: ${server.openaiBaseURL} }\nsuites:\n  - { name: s, dataset: d.jsonl, prompt: p.md, repeats: 2, scorers: [{ type: contains, value: Settings }] }\n`,
      'd.jsonl': questions(30),
      'p.md': 'Customer: {{question}}',
    });
    bad = false;
    expect((await runCli(['eval'], env, dir)).code).toBe(0);
    expect((await runCli(['baseline', 'update'], env, dir)).code).toBe(0);
    bad = true;
    const run = await runCli(['eval', '--json', '--no-cache'], env, dir);
    expect(run.code, run.stderr).toBe(1);
    const runId = (JSON.parse(run.stdout) as { runId: string }).runId;
    for (const source of ['eval', 'compare']) {
      if (source === 'compare')
        expect((await runCli(['compare', '--run', path.join('.driftgate', 'runs', runId)], env, dir)).code).toBe(1);
      const gate = gateFile(dir, runId);
      const flips = gate.report.suites[0]?.flips ?? [];
      expect(flips.length, source).toBe(10);
      for (const f of flips) {
        const i = Number(/q(\d+)/.exec(f.caseId)?.[1]);
        expect(f.baselineOutput, source).toBe(`Answer ${i}: open Settings.`);
        expect(f.currentOutput, source).toBe(`I cannot help with question ${i}.`);
      }
      expect(Object.keys(gate.baselineOutputs.s ?? {})).toHaveLength(30);
      expect(gate.baselineOutputs.s?.['current/q7']).toBe('Answer 7: open Settings.');
    }
    const report = await runCli(['report', '--format', 'md'], env, dir);
    expect(report.code).toBe(0);
    const runs = readdirSync(path.join(dir, '.driftgate', 'runs'));
    expect(runs).toContain(runId);
  }, 60_000);

  it('the baseline read a case at a time equals the whole read, answers aside; a reformatted file is read whole', async () => {
    const dir = await makeProject({
      'driftgate.yaml': `version: 1\nmodels:\n  current: { provider: openai, model: gpt-4o-mini, baseURL: ${server.openaiBaseURL} }\nsuites:\n  - { name: s, dataset: d.jsonl, prompt: p.md, scorers: [{ type: contains, value: Settings }] }\n`,
      'd.jsonl': questions(12),
      'p.md': 'Customer: {{question}}',
    });
    bad = false;
    expect((await runCli(['eval'], env, dir)).code).toBe(0);
    expect((await runCli(['baseline', 'update'], env, dir)).code).toBe(0);
    const file = path.join(dir, 'baselines', 's.json');
    const whole = await readBaseline(file);
    const lean = await readBaselineForGate(file);
    const strip = (b: typeof whole) => ({
      ...b,
      cases: b?.cases.map(({ output: _o, toolCalls: _t, ...rest }) => rest),
    });
    expect(strip(lean)).toEqual(strip(whole));
    expect(lean?.cases.every((c) => c.output === '')).toBe(true);
    // Pretty-printed by hand (not one case per line): read whole, same result.
    const { writeFileSync } = await import('node:fs');
    writeFileSync(file, JSON.stringify(whole, null, 2));
    expect(strip(await readBaselineForGate(file))).toEqual(strip(whole));
  }, 60_000);
});
