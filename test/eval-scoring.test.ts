import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { cpSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { FakeLlmServer, type ChatCall } from './support/fake-llm-server.js';
import { makeProject } from './support/project.js';
import { runEval } from '../src/runner/eval-run.js';
import { readJournal } from '../src/runner/store/journal.js';

let server: FakeLlmServer;
beforeAll(async () => {
  server = await FakeLlmServer.start();
});
afterAll(() => server.close());
beforeEach(() => server.resetCounters());

const env = { OPENAI_API_KEY: 'sk-test-eval-scoring-0000', ANTHROPIC_API_KEY: 'sk-ant-test-eval-0000' };
const isJudge = (call: ChatCall) => 'response_format' in call.body || 'tools' in call.body;

/** Targets answer with the case's keyword (pinned) or without it for odd cases (current); the judge gives 5 to answers with the keyword, else 2. */
function respond(call: ChatCall): string {
  const text = call.messages.map((m) => m.content).join('\n');
  if (isJudge(call)) {
    if (
      'response_format' in call.body &&
      (call.body.response_format as { json_schema: { name: string } }).json_schema.name === 'preference'
    ) {
      const a = /<answer-a-[0-9a-f]{12}>\n([^]*?)\n</.exec(text)?.[1] ?? '';
      const b = /<answer-b-[0-9a-f]{12}>\n([^]*?)\n</.exec(text)?.[1] ?? '';
      const good = (t: string) => t.includes('KEYWORD');
      return JSON.stringify({ reasoning: 'compared', winner: good(a) === good(b) ? 'tie' : good(a) ? 'A' : 'B' });
    }
    const answer = /<answer-[0-9a-f]{12}>\n([^]*?)\n<\/answer-/.exec(text)?.[1] ?? '';
    return JSON.stringify({ reasoning: 'checked the keyword', score: answer.includes('KEYWORD') ? 5 : 2 });
  }
  const n = Number(/Question (\d+)/.exec(text)?.[1]);
  const withKeyword = call.model === 'gpt-4o-mini-2024-07-18' || n % 2 === 0;
  return withKeyword ? `Here is the KEYWORD answer to question ${n}.` : `Here is an answer to question ${n}.`;
}

function dataset(n: number): string {
  return Array.from({ length: n }, (_, i) =>
    JSON.stringify({
      id: `q${i}`,
      question: `Question ${i}?`,
      keyword: 'KEYWORD',
      expected: `Here is the KEYWORD answer to question ${i}.`,
      ...(i < 6 ? { human_score: i % 2 === 0 ? 5 : 2 } : {}),
    }),
  ).join('\n');
}

async function project(n: number): Promise<string> {
  const dir = await makeProject({
    'driftgate.yaml': `version: 1
models:
  pinned:   { provider: openai, model: gpt-4o-mini-2024-07-18, baseURL: ${server.openaiBaseURL} }
  current:  { provider: openai, model: gpt-4o-mini, baseURL: ${server.openaiBaseURL} }
  judge:    { provider: anthropic, model: claude-haiku-4-5, baseURL: ${server.anthropicBaseURL} }
  gpt-judge: { provider: openai, model: gpt-4o-mini, baseURL: ${server.openaiBaseURL} }
  embedder: { provider: local }
runner: { retry_base_ms: 5 }
suites:
  - name: support
    dataset: d.jsonl
    prompt: p.md
    targets: [current, pinned]
    scorers:
      - { type: contains, value: "{{keyword}}" }
      - { type: judge, rubric: rubrics/helpfulness.md }
      - { type: similarity, reference: "{{expected}}", pass: 0.6 }
      - { type: similarity, name: agreement, against: pinned }
      - { type: judge, name: preference, mode: pairwise, against: pinned, model: gpt-judge, rubric: rubrics/helpfulness.md }
`,
    'd.jsonl': dataset(n),
    'p.md': 'Customer: {{question}}',
  });
  cpSync(fileURLToPath(new URL('../rubrics', import.meta.url)), path.join(dir, 'rubrics'), { recursive: true });
  return dir;
}

describe('eval with scorers', () => {
  it('scores every call with rules, judge and similarity, and summarises with intervals', async () => {
    server.configure({ respond });
    const dir = await project(10);
    const result = await runEval({ configPath: path.join(dir, 'driftgate.yaml'), env });
    expect(result.exitCode).toBe(0);

    const current = (await result.readRecords()).filter((r) => r.target === 'current');
    expect(current).toHaveLength(10);
    for (const r of current) {
      expect(r.scores.map((s) => s.name)).toEqual(['contains', 'judge', 'similarity', 'agreement', 'preference']);
      expect(r.scores.every((s) => s.error === undefined)).toBe(true);
    }
    const q1 = current.find((r) => r.caseId === 'q1')!; // odd case: current drops the keyword
    expect(q1.scores.find((s) => s.name === 'contains')?.pass).toBe(false);
    expect(q1.scores.find((s) => s.name === 'judge')?.details).toMatchObject({ score: 2, referenceGuided: true });
    expect(q1.scores.find((s) => s.name === 'preference')?.details).toMatchObject({
      preference: 'loss',
      consistent: true,
    });
    const q0 = current.find((r) => r.caseId === 'q0')!;
    expect(q0.scores.find((s) => s.name === 'agreement')?.value).toBeCloseTo(1, 5);
    expect(q0.scores.find((s) => s.name === 'preference')?.value).toBe(0.5);

    // Journal: each call's line carries its inline scores; the after phase supersedes it with all five.
    const journal = await readJournal(path.join(result.runDir!, 'cases.jsonl'));
    const lines = journal.filter((r) => r.itemId === 'support/q1/current/0');
    expect(lines.map((l) => l.scores.map((s) => s.name))).toEqual([
      ['contains', 'judge'],
      ['contains', 'judge', 'similarity', 'agreement', 'preference'],
    ]);

    const summary = result.meta!.summaries![0]!.targets.find((t) => t.target === 'current')!;
    const metric = (name: string) => summary.scores.find((m) => m.metric === name)!;
    expect(metric('contains')).toMatchObject({ kind: 'rate', n: 10, mean: 0.5 });
    expect(metric('contains').ci![0]).toBeCloseTo(0.2366, 3); // Wilson 5 of 10: [0.2366, 0.7634]
    expect(metric('contains').ci![1]).toBeCloseTo(0.7634, 3);
    expect(metric('judge')).toMatchObject({ kind: 'mean', n: 10 });
    expect(metric('judge').mean).toBeCloseTo((5 * 1 + 5 * 0.25) / 10, 12);
    expect(metric('judge.pass_rate').mean).toBe(0.5);
    expect(metric('pass_rate').mean).toBe(0.5);
    // The six labelled cases agree with the judge exactly.
    expect(summary.calibration[0]).toMatchObject({ scorer: 'judge', scoreLabels: 6, weightedKappa: 1, spearman: 1 });
  });

  it('a re-run is served entirely from the cache, judge verdicts included', async () => {
    server.configure({ respond });
    const dir = await project(4);
    await runEval({ configPath: path.join(dir, 'driftgate.yaml'), env });
    const calls = server.requestCount;
    // 8 answers (4 cases × 2 targets); 6 grade verdicts (on even cases both targets answer alike, so
    // the two identical judge prompts share one cached verdict); pairwise only for current (it
    // compares against pinned): 2 orders × 2 odd cases + 1 × 2 even cases (identical answers make
    // both orders one prompt) = 6.
    expect(calls).toBe(8 + 6 + 6);
    server.resetCounters();
    const again = await runEval({ configPath: path.join(dir, 'driftgate.yaml'), env });
    expect(server.requestCount).toBe(0);
    expect((await again.readRecords()).filter((r) => r.target === 'current').every((r) => r.scores.length === 5)).toBe(
      true,
    );
    expect(
      (await again.readRecords())
        .filter((r) => r.target === 'pinned')
        .every((r) => r.scores.map((s) => s.name).join() === 'contains,judge,similarity'),
    ).toBe(true);
  });

  it('a judge that answers garbage becomes an error score, and beyond runner.max_scorer_errors the run is incomplete', async () => {
    server.configure({ respond: (call) => (isJudge(call) ? 'no idea' : respond(call)) });
    const dir = await project(2);
    const result = await runEval({ configPath: path.join(dir, 'driftgate.yaml'), env });
    expect(result.exitCode).toBe(3);
    expect(result.incompleteReason).toMatch(/judge: 4 of 4 verdicts failed — the judge answered in prose/);
    const judge = (await result.readRecords())[0]!.scores.find((s) => s.name === 'judge')!;
    expect(judge.value).toBeNull();
    expect(judge.error).toMatch(/no valid verdict/);
    const summary = result.meta!.summaries![0]!.targets[0]!;
    expect(summary.scores.find((m) => m.metric === 'contains')?.errors).toBe(0);
    expect(summary.scores.find((m) => m.metric === 'pass_rate')?.errors).toBe(2);
  });
});
