/**
 * The "behaviour changed" signal (issue 10): on real model-version pairs through the whole drift
 * job, on planted changes (what changed must name them first), per stratum, on degenerate answers,
 * and between two targets of an eval suite.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { FakeLlmServer } from './support/fake-llm-server.js';
import { makeProject } from './support/project.js';
import { runDrift } from '../src/drift/run-drift.js';
import { runEval } from '../src/runner/eval-run.js';
import { redact } from '../src/drift/redact.js';
import { BEHAVIOUR_TEXT, behaviourChanged, type StratumResult } from '../src/signals/behaviour-change.js';
import type { AnswerPair } from '../src/signals/pair-features.js';
import type { WhatChangedItem } from '../src/signals/what-changed.js';
import { describeTargetBehaviour } from '../src/signals/target-behaviour.js';
import { mulberry32 } from '../src/stats/rng.js';

interface VersionPair {
  id: string;
  dataset: string;
  instruction: string;
  output_a: string;
  output_b: string;
}

const PAIRS = [
  'claude-2__claude-2.1',
  'gpt-3.5-turbo-0301__gpt-3.5-turbo-0613',
  'gpt4_0613__llama-2-13b-chat-hf',
] as const;
const load = (name: string): VersionPair[] =>
  readFileSync(fileURLToPath(new URL(`../datasets/real/model-versions/${name}.jsonl`, import.meta.url)), 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as VersionPair);

/** Answers keyed by the (redacted) instruction the drift job sends, per model name. */
let answers = new Map<string, string>();
let server: FakeLlmServer;
beforeAll(async () => {
  server = await FakeLlmServer.start({
    respond: (call) => answers.get(`${call.model}\u0000${call.messages.at(-1)?.content ?? ''}`) ?? '',
  });
});
afterAll(() => server.close());

const KINDS = ['email', 'phone', 'card', 'ip', 'secret'];

async function driftOnPair(name: string, size: number) {
  const rows = load(name);
  answers = new Map(
    rows.flatMap((r) => {
      const sent = redact(r.instruction, KINDS).text;
      return [
        [`model-a\u0000${sent}`, r.output_a],
        [`model-b\u0000${sent}`, r.output_b],
      ] as [string, string][];
    }),
  );
  const dir = await makeProject({
    'driftgate.yaml': `version: 1
models:
  pinned:   { provider: openai, model: model-a, baseURL: ${server.openaiBaseURL} }
  current:  { provider: openai, model: model-b, baseURL: ${server.openaiBaseURL} }
  embedder: { provider: local }
runner: { concurrency: 32 }
drift:
  logs: logs.jsonl
  sample: { size: ${size}, stratify: feature, min_per_stratum: 5, seed: real-${size} }
  pinned_samples: 1
  scorers:
    - { type: refusal }
    - { type: length, unit: words, max: 400 }
`,
    'logs.jsonl': rows
      .map((r) => JSON.stringify({ input: r.instruction, feature: r.dataset, timestamp: '2026-11-20T10:00:00Z' }))
      .join('\n'),
  });
  const result = await runDrift({
    configPath: path.join(dir, 'driftgate.yaml'),
    env: { OPENAI_API_KEY: 'sk-test-behaviour-0000' },
  });
  const signal = result.decision.signals.find((s) => s.name === BEHAVIOUR_TEXT)!;
  return { result, signal };
}

describe('behaviour changed on real model versions (judge-free: rules + the new signal, local features only)', () => {
  for (const name of PAIRS) {
    it(`${name}: flagged at n = 300 with the changed signal's p < 0.01`, async () => {
      const { result, signal } = await driftOnPair(name, 300);
      console.log(
        `${name} n=300: behaviour p ${signal.p} (Holm ${signal.pAdjusted}), effect ${signal.effect.toFixed(3)}; top change: ${(signal.details?.whatChanged as WhatChangedItem[])[0]?.text}`,
      );
      expect(signal.n).toBe(300);
      expect(signal.p).toBeLessThan(0.01);
      expect(signal.drifted).toBe(true);
      expect(result.exitCode).toBe(1);
    }, 60_000);
  }

  it('at n = 100, at least two of the three pairs are flagged with p < 0.01', async () => {
    const ps: number[] = [];
    for (const name of PAIRS) ps.push((await driftOnPair(name, 100)).signal.p as number);
    console.log(`n=100 behaviour p: ${ps.map((p) => p.toFixed(4)).join(', ')}`);
    expect(ps.filter((p) => p < 0.01).length).toBeGreaterThanOrEqual(2);
  }, 120_000);

  it('random swaps within real pairs (a true null) are flagged at α = 0.05 about 5% of the time', () => {
    const rows = load('claude-2__claude-2.1');
    const random = mulberry32(77);
    let rejections = 0;
    const runs = 100;
    for (let run = 0; run < runs; run++) {
      const pairs: AnswerPair[] = Array.from(
        { length: 50 },
        () => rows[Math.floor(random() * rows.length)] as VersionPair,
      ).map((r) =>
        random() < 0.5
          ? { caseId: r.id, input: r.instruction, pinned: r.output_a, current: r.output_b }
          : { caseId: r.id, input: r.instruction, pinned: r.output_b, current: r.output_a },
      );
      if ((behaviourChanged(pairs, `aa-${run}`, { permutations: 499 }).signal.p as number) <= 0.05) rejections++;
    }
    // Binomial(100, 0.05): P(X ≤ 12) > 0.999.
    expect(rejections).toBeLessThanOrEqual(12);
  }, 60_000);
});

/** Bullet and numbered lines become plain sentences of one paragraph. */
const toProse = (text: string): string =>
  text.replace(/\n\s*(?:[-*•+]|\d{1,3}[.)])\s+/g, ' ').replace(/^\s*(?:[-*•+]|\d{1,3}[.)])\s+/, '');

describe('what changed names a planted change first', () => {
  const rows = load('claude-2__claude-2.1').slice(0, 300);
  const base = (r: VersionPair): AnswerPair => ({
    caseId: r.id,
    input: r.instruction,
    pinned: r.output_a,
    current: r.output_b,
  });
  const top = (pairs: AnswerPair[]) =>
    (behaviourChanged(pairs, 'planted').signal.details?.whatChanged as WhatChangedItem[])[0] as WhatChangedItem;

  it('current answers prefixed with "Certainly! "', () => {
    const item = top(rows.map((r) => ({ ...base(r), current: `Certainly! ${r.output_b}` })));
    expect(item.feature).toMatch(/certainly/);
    expect(item.text).toMatch(/^current (opens with|uses) "certainly" in 100% of answers \(pinned [0-9]%\)$/);
    expect(item.example?.current).toMatch(/^Certainly!/);
  });

  it('lists turned into prose', () => {
    const item = top(rows.map((r) => ({ ...base(r), current: toProse(r.output_b) })));
    expect(['bullets', 'numbered']).toContain(item.feature);
    expect(item.effect).toBeLessThan(0);
    expect(item.text).toMatch(/list items: .*in 0% of answers \(pinned \d+%\)|list items in 0% of answers/);
  });
});

describe('where it changed', () => {
  it('a change confined to one stratum is named there, and a stratum of one is not tested', () => {
    const rows = load('gpt-3.5-turbo-0301__gpt-3.5-turbo-0613').slice(0, 201);
    const pairs: AnswerPair[] = rows.map((r, i) => {
      const stratum = i === 200 ? 'lonely' : i % 2 ? 'billing' : 'search';
      return {
        caseId: r.id,
        input: r.instruction,
        pinned: r.output_a,
        current: stratum === 'billing' ? `Certainly! ${r.output_a}` : r.output_a,
        stratum,
      };
    });
    const strata = behaviourChanged(pairs, 'strata').signal.details?.strata as StratumResult[];
    const by = new Map(strata.map((s) => [s.stratum, s]));
    expect(by.get('billing')?.pAdjusted).toBeLessThan(0.01);
    expect(by.get('search')).toMatchObject({ p: 1, notTested: 'every pair of answers is identical in these features' });
    expect(by.get('lonely')).toMatchObject({ n: 1, p: null, notTested: '1 input (a stratum needs at least 5)' });
  });
});

describe('degenerate answers never crash the test', () => {
  const pairs = (n: number, f: (i: number) => [string, string]): AnswerPair[] =>
    Array.from({ length: n }, (_, i) => ({ caseId: `c${i}`, input: `q${i}`, pinned: f(i)[0], current: f(i)[1] }));
  it.each([
    ['empty answers on both sides', pairs(30, () => ['', ''])],
    ['identical answers', pairs(30, (i) => [`The answer is ${i}.`, `The answer is ${i}.`])],
  ])('%s: p = 1 with the reason', (_, input) => {
    const { signal } = behaviourChanged(input, 'degenerate');
    expect(signal.p).toBe(1);
    expect(signal.details?.degenerate).toBe('every pair of answers is identical in these features');
    expect(signal.details?.whatChanged).toEqual([]);
  });
  it('one-word answers, empty current answers and a single pair give a p-value in [0, 1]', () => {
    for (const input of [
      pairs(40, (i) => [i % 2 ? 'Yes' : 'No', i % 3 ? 'No' : 'Yes']),
      pairs(40, (i) => [`A full answer number ${i}.`, '']),
      pairs(1, () => ['a', 'b']),
    ]) {
      const { signal } = behaviourChanged(input, 'degenerate');
      expect(signal.p).toBeGreaterThan(0);
      expect(signal.p).toBeLessThanOrEqual(1);
    }
    expect(behaviourChanged([], 'none').signal).toMatchObject({ p: null, notTested: 'no input has both answers' });
  });
});

describe('two targets of an eval suite', () => {
  it('reports "pinned vs current: behaviour differs" as a line, not a gate', async () => {
    const rows = load('claude-2__claude-2.1').slice(0, 40);
    answers = new Map(
      rows.flatMap(
        (r) =>
          [
            [`model-a\u0000${r.instruction}`, r.output_a],
            [`model-b\u0000${r.instruction}`, `Certainly! ${r.output_a}`],
          ] as [string, string][],
      ),
    );
    const dir = await makeProject({
      'driftgate.yaml': `version: 1
models:
  pinned:  { provider: openai, model: model-a, baseURL: ${server.openaiBaseURL} }
  current: { provider: openai, model: model-b, baseURL: ${server.openaiBaseURL} }
suites:
  - name: alpaca
    dataset: d.jsonl
    prompt: { messages: [{ role: user, content: "{{instruction}}" }] }
    targets: [pinned, current]
    scorers: [{ type: refusal }]
`,
      'd.jsonl': rows.map((r) => JSON.stringify({ id: r.id, instruction: r.instruction })).join('\n'),
    });
    const r = await runEval({
      configPath: path.join(dir, 'driftgate.yaml'),
      env: { OPENAI_API_KEY: 'sk-test-behaviour-0000' },
    });
    expect(r.exitCode).toBe(0);
    const b = r.meta?.behaviour?.[0];
    expect(b).toMatchObject({ suite: 'alpaca', base: 'pinned', other: 'current', n: 40 });
    expect(b?.p).toBeLessThan(0.001);
    expect(describeTargetBehaviour(b!)).toMatch(
      /^alpaca · pinned vs current: behaviour differs \(p < 0\.001, 40 pairs; current opens with "certainly" in 100% of answers/,
    );
  }, 60_000);
});
