/**
 * Bad tool-calling input stops `driftgate eval` before any call, with exit 2 naming the file, the
 * line and the field: a tool whose parameters are not a JSON Schema, a tool result that answers no
 * call, an image with a URL scheme the providers do not take.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeLlmServer } from './support/fake-llm-server.js';
import { makeProject } from './support/project.js';
import { runCli } from './support/cli.js';

let server: FakeLlmServer;
beforeAll(async () => {
  server = await FakeLlmServer.start();
});
afterAll(() => server.close());

const config = (suiteExtra: string) => `version: 1
models:
  current: { provider: openai, model: gpt-4o-mini, baseURL: ${server.openaiBaseURL} }
suites:
  - name: agent
    dataset: cases.jsonl
${suiteExtra}    scorers:
      - { type: no-tool-call }
`;

const okCase = JSON.stringify({ id: 'ok', messages: [{ role: 'user', content: 'Where is my order?' }] });

async function evalIn(files: Record<string, string>) {
  const dir = await makeProject(files);
  server.resetCounters();
  const result = await runCli(['eval', '--config', `${dir}/driftgate.yaml`], { OPENAI_API_KEY: 'sk-test-input-0000' });
  return { ...result, requests: server.requestCount };
}

describe('bad tool-calling input', () => {
  it('a tool whose parameters are not a valid JSON Schema: exit 2, driftgate.yaml line and field', async () => {
    const tools = `    tools:
      - name: search_orders
        parameters: { type: object, properties: { email: { type: strng } } }
`;
    const r = await evalIn({ 'driftgate.yaml': config(tools), 'cases.jsonl': `${okCase}\n` });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/driftgate\.yaml:9: suites\[0\]\.tools\[0\]\.parameters: not a valid JSON Schema/);
    expect(r.requests).toBe(0);
  });

  it('the same in a tools file and in a case of its own', async () => {
    const fromFile = await evalIn({
      'driftgate.yaml': config('    tools: tools.json\n'),
      'tools.json':
        '[\n  {"name": "ok", "parameters": {"type": "object"}},\n  {"name": "bad", "parameters": {"type": "object", "required": "email"}}\n]\n',
      'cases.jsonl': `${okCase}\n`,
    });
    expect(fromFile.code).toBe(2);
    expect(fromFile.stderr).toMatch(/tools\.json:3: \[1\]\.parameters: not a valid JSON Schema/);
    const inCase = await evalIn({
      'driftgate.yaml': config(''),
      'cases.jsonl': `${okCase}\n${JSON.stringify({ id: 'c2', messages: [{ role: 'user', content: 'x' }], tools: [{ name: 'f', parameters: { type: 'array' } }] })}\n`,
    });
    expect(inCase.code).toBe(2);
    expect(inCase.stderr).toMatch(/cases\.jsonl:2: tools\[0\]\.parameters\.type: expected "object"/);
    expect(fromFile.requests + inCase.requests).toBe(0);
  });

  it('a tool result without a matching call: exit 2, the case line and the message', async () => {
    const orphan = JSON.stringify({
      id: 'orphan',
      messages: [
        { role: 'user', content: 'Where is my order?' },
        {
          role: 'assistant',
          content: null,
          tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'search_orders', arguments: '{}' } }],
        },
        { role: 'tool', tool_call_id: 'call_2', content: '[]' },
      ],
    });
    const r = await evalIn({ 'driftgate.yaml': config(''), 'cases.jsonl': `${okCase}\n${orphan}\n` });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(
      /cases\.jsonl:2: messages\[2\]: tool result for "call_2", but no earlier assistant message calls a tool with that id/,
    );
    expect(r.requests).toBe(0);
  });

  it('an image part with an unsupported URL scheme: exit 2, the case line and the part', async () => {
    const image = JSON.stringify({
      id: 'img',
      messages: [
        {
          role: 'user',
          content: [
            { type: 'text', text: 'What is this?' },
            { type: 'image_url', image_url: { url: 'file:///etc/passwd' } },
          ],
        },
      ],
    });
    const r = await evalIn({ 'driftgate.yaml': config(''), 'cases.jsonl': `${image}\n` });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(
      /cases\.jsonl:1: messages\[0\]\.content\[1\]\.image_url\.url: unsupported image URL scheme "file:"/,
    );
    expect(r.requests).toBe(0);
  });
});
