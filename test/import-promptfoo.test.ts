/**
 * `driftgate import promptfoo` on configs written to promptfoo's documented shapes: inline tests
 * with defaultTest, CSV tests with `__expected` shorthand, a tests file with several providers
 * (one OpenAI-compatible) and a JavaScript assertion file, and a chat prompt with llm-rubric. Each
 * converts, and the result runs against the local test server; the list of what did not map is
 * exact.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { FakeLlmServer, type ChatCall } from './support/fake-llm-server.js';
import { makeProject } from './support/project.js';
import { runCli } from './support/cli.js';
import { convertPromptfoo } from '../src/import/promptfoo.js';
import { assertionFromString } from '../src/import/promptfoo-assertions.js';
import { runEval } from '../src/runner/eval-run.js';

let server: FakeLlmServer;
const isJudge = (call: ChatCall) => 'response_format' in call.body || 'tools' in call.body;
beforeAll(async () => {
  server = await FakeLlmServer.start({
    respond: (call) =>
      isJudge(call)
        ? JSON.stringify({ reasoning: 'meets it', score: 1 })
        : `Answer: ${call.messages.at(-1)?.content ?? ''} {"ok": true}`,
  });
});
afterAll(() => server.close());

const env = () => ({
  OPENAI_API_KEY: 'sk-test-import-0000',
  ANTHROPIC_API_KEY: 'sk-ant-test-import-0000',
  OPENAI_BASE_URL: server.openaiBaseURL,
  ANTHROPIC_BASE_URL: server.anthropicBaseURL,
});

async function convertAndRun(files: Record<string, string>) {
  const dir = await makeProject(files);
  const converted = convertPromptfoo(path.join(dir, 'promptfooconfig.yaml'));
  for (const [name, content] of Object.entries(converted.files)) {
    await mkdir(path.dirname(path.join(dir, name)), { recursive: true });
    await writeFile(path.join(dir, name), content, { flag: 'wx' });
  }
  server.resetCounters();
  const run = await runEval({ configPath: path.join(dir, 'driftgate.yaml'), env: env() });
  return { dir, converted, run };
}

describe('the CSV __expected shorthand', () => {
  it.each([
    ['contains: Paris', { type: 'contains', value: 'Paris' }],
    ['not-icontains:sorry', { type: 'not-icontains', value: 'sorry' }],
    ['similar(0.8): The capital is Paris', { type: 'similar', value: 'The capital is Paris', threshold: 0.8 }],
    ['contains-any: a, b ,c', { type: 'contains-any', value: ['a', 'b', 'c'] }],
    ['grade: Is polite', { type: 'llm-rubric', value: 'Is polite' }],
    ['fn: output.length < 10', { type: 'javascript', value: 'output.length < 10' }],
    ['is-json', { type: 'is-json' }],
    ['Paris', { type: 'equals', value: 'Paris' }],
  ])('%s', (text, expected) => expect(assertionFromString(text)).toEqual(expected));
});

describe('driftgate import promptfoo', () => {
  it('inline tests with defaultTest assertions and vars', async () => {
    const { converted, run } = await convertAndRun({
      'promptfooconfig.yaml': `description: Support bot
prompts:
  - 'You are a support bot. {{tone}} Question: {{question}}'
providers:
  - openai:gpt-4o-mini
defaultTest:
  vars:
    tone: Be brief.
  assert:
    - type: icontains
      value: answer
    - type: cost
      threshold: 0.01
tests:
  - vars: { question: 'How do I reset my password?' }
    assert:
      - type: contains
        value: password
  - vars: { question: 'Can I export my data?' }
    assert:
      - type: contains
        value: export
  - description: greets back
    vars: { question: 'Hello there', tone: Be warm. }
    assert:
      - type: contains
        value: Hello
`,
    });
    expect(converted.unmapped).toEqual([]);
    expect(converted).toMatchObject({ suites: 1, cases: 3 });
    expect(converted.files['driftgate.yaml']).toContain('value: "{{_assert_2}}"');
    expect(run.exitCode).toBe(0);
    expect(await run.readRecords()).toHaveLength(3);
    for (const r of await run.readRecords())
      expect(r.scores.map((s) => [s.name, s.pass])).toEqual([
        ['icontains', true],
        ['cost', true],
        ['contains', true],
      ]);
    expect(server.requests.map((q) => JSON.stringify(q.body))).toContainEqual(
      expect.stringContaining('Be warm. Question: Hello there'),
    );
  });

  it('CSV tests with __expected columns, a prompt file and an Anthropic provider', async () => {
    const { converted, run } = await convertAndRun({
      'promptfooconfig.yaml': `prompts: [file://prompt.txt]
providers: [anthropic:messages:claude-haiku-4-5]
tests: file://tests.csv
`,
      'prompt.txt': 'Translate to {{language}}: {{text}}',
      'tests.csv':
        'language,text,__expected1,__expected2,__description\nFrench,Hello,contains:Hello,grade:Is a greeting,first\nGerman,Good night,contains:night,grade:Mentions the night,second\nSpanish,Thanks,contains:Thanks,llm-rubric:Says thanks,third\n',
    });
    expect(converted.unmapped).toEqual([]);
    expect(converted.files['rubrics/promptfoo-1.md']).toContain('the requirement stated in the reference');
    expect(run.exitCode).toBe(0);
    expect(await run.readRecords()).toHaveLength(3);
    expect((await run.readRecords()).every((r) => r.scores.find((s) => s.name === 'llm-rubric')?.value === 1)).toBe(
      true,
    );
    expect((await run.readRecords()).every((r) => r.scores.find((s) => s.name === 'contains')?.pass === true)).toBe(
      true,
    );
    expect(server.requests.some((q) => q.path.endsWith('/messages'))).toBe(true);
  });

  it('a tests file, two providers (one OpenAI-compatible through apiBaseUrl) and a JavaScript assertion file', async () => {
    const { converted, run } = await convertAndRun({
      'promptfooconfig.yaml': `prompts:
  - 'Q: {{q}}'
providers:
  - id: openai:chat:gpt-4o-mini
    label: mini
    config: { temperature: 0 }
  - id: openai:chat:llama3
    label: local-llama
    config:
      apiBaseUrl: ${server.openaiBaseURL}
tests: file://tests.yaml
`,
      'tests.yaml': `- vars: { q: one }
  assert:
    - { type: starts-with, value: Answer }
    - { type: contains-any, value: [Answer, Reply] }
    - { type: javascript, value: file://check.js }
    - { type: contains-json }
    - { type: latency, threshold: 60000 }
- vars: { q: two }
  assert:
    - { type: starts-with, value: Answer }
    - { type: contains-any, value: [Answer, Reply] }
    - { type: javascript, value: file://check.js }
    - { type: contains-json }
    - { type: latency, threshold: 60000 }
`,
      'check.js':
        "module.exports = (output, context) => ({ pass: output.includes(context.vars.q), score: 1, reason: 'mentions the question' });\n",
    });
    expect(converted.unmapped).toEqual([]);
    expect(converted.files['driftgate.yaml']).toMatch(
      /local-llama:\n\s+provider: openai\n\s+model: llama3\n\s+baseURL: http:\/\/127\.0\.0\.1/,
    );
    expect(run.exitCode).toBe(0);
    expect(await run.readRecords()).toHaveLength(4);
    for (const r of await run.readRecords()) expect(r.scores.every((s) => s.pass === true)).toBe(true);
    expect((await run.readRecords()).map((r) => r.target).sort()).toEqual([
      'local-llama',
      'local-llama',
      'mini',
      'mini',
    ]);
  });

  it('a chat prompt, a grader provider and per-test rubrics; exactly the two planted constructs are listed as not converted', async () => {
    const { converted, run } = await convertAndRun({
      'promptfooconfig.yaml': `prompts: [file://chat.json]
providers:
  - openai:gpt-4o-mini
  - vertex:gemini-pro
defaultTest:
  options:
    provider: openai:gpt-4o-mini
tests:
  - vars: { topic: billing }
    assert:
      - type: llm-rubric
        value: Explains billing
      - type: python
        value: file://check.py
  - vars: { topic: privacy }
    assert:
      - type: llm-rubric
        value: Explains privacy
`,
      'chat.json': JSON.stringify([
        { role: 'system', content: 'You are terse.' },
        { role: 'user', content: 'Tell me about {{topic}}.' },
      ]),
    });
    expect(converted.unmapped).toEqual([
      { where: 'promptfooconfig.yaml:4', what: 'provider "vertex:gemini-pro"' },
      { where: 'promptfooconfig.yaml:13', what: 'assertion "python"' },
    ]);
    expect(converted.files['driftgate.yaml']).toContain('#   promptfooconfig.yaml:13: assertion "python"');
    expect(run.exitCode).toBe(0);
    expect(await run.readRecords()).toHaveLength(2);
    expect(server.requests.find((q) => JSON.stringify(q.body).includes('You are terse.'))).toBeDefined();
  });

  it('the command refuses to overwrite and names the file', async () => {
    const dir = await makeProject({
      'promptfooconfig.yaml': "prompts: ['{{q}}']\nproviders: [openai:gpt-4o-mini]\ntests:\n  - vars: { q: hi }\n",
      'driftgate.yaml': 'version: 1\n',
    });
    const r = await runCli(['import', 'promptfoo', path.join(dir, 'promptfooconfig.yaml')], env(), dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${path.join(dir, 'driftgate.yaml')} already exists; nothing was written`);
  });
});
