/**
 * OTLP trace files written by the real instrumentation packages (scripts/otlp-fixtures/record.ts:
 * OpenLLMetry's, which writes the GenAI semantic conventions' attributes, and OpenInference's,
 * around the real openai client and the local stand-in server) read into normalized records. The
 * known values are what the API returned for each call (`<fixture>.expected.json`, kept by the
 * recorder from the wire): every input message, the tools, the output, the requested and served model ids and
 * the token counts must arrive exactly, from the plain and the gzipped file alike.
 */
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { otlpLogs, requestToLogs } from '../src/sources/otlp.js';
import type { NormalizedLog } from '../src/sources/normalized-log.js';

const FIXTURES = fileURLToPath(new URL('./fixtures/otlp/', import.meta.url));

interface Expected {
  readonly name: string;
  readonly request: { model: string; messages: unknown[]; tools?: unknown[] };
  readonly response: {
    model: string;
    choices: { message: { content: string | null; tool_calls?: unknown[] } }[];
    usage: { prompt_tokens: number; completion_tokens: number };
  };
}
const expectedOf = (fixture: string): Expected[] =>
  JSON.parse(readFileSync(path.join(FIXTURES, `${fixture}.expected.json`), 'utf8')) as Expected[];

async function read(file: string): Promise<{ records: NormalizedLog[]; errors: string[] }> {
  const records: NormalizedLog[] = [];
  const errors: string[] = [];
  for await (const batch of otlpLogs(file))
    for (const l of batch) {
      if (l.record) records.push(l.record);
      if (l.error) errors.push(`${l.line}: ${l.error}`);
    }
  return { records, errors };
}

describe.each([
  ['openllmetry', 'gen-ai'],
  ['openinference', 'openinference'],
  ['opentelemetry', 'gen-ai-events'],
])('%s traces', (fixture, dialect) => {
  it.each(['json', 'json.gz'])('every field of every call arrives from the .%s file', async (ext) => {
    const { records, errors } = await read(path.join(FIXTURES, `${fixture}.${ext}`));
    const expected = expectedOf(fixture);
    expect(errors).toEqual([]);
    expect(records).toHaveLength(expected.length);
    for (const [i, call] of expected.entries()) {
      const r = records[i] as NormalizedLog;
      const answer = call.response.choices[0]!.message;
      expect(r.dialect, call.name).toBe(dialect);
      expect(r.input.messages, call.name).toEqual(call.request.messages);
      // The event form records no tools offered: the span and its events do not carry them.
      expect(r.input.tools, call.name).toEqual(dialect === 'gen-ai-events' ? undefined : call.request.tools);
      expect(r.output?.text, call.name).toBe(answer.content ?? '');
      expect(r.output?.tool_calls, call.name).toEqual(answer.tool_calls);
      expect(r.requestedModel, call.name).toBe(call.request.model);
      expect(r.servedModel, call.name).toBe(call.response.model);
      expect(r.usage?.inputTokens, call.name).toBe(call.response.usage.prompt_tokens);
      expect(r.usage?.outputTokens, call.name).toBe(call.response.usage.completion_tokens);
      expect(r.traceId).toMatch(/^[0-9a-f]{32}$/);
      expect(Date.parse(r.time ?? '')).toBeGreaterThan(Date.parse('2026-01-01'));
      expect(r.latencyMs).toBeGreaterThanOrEqual(0);
      expect(r.feature).toBeTruthy();
    }
  });
});

describe('OpenLLMetry 0.20 traces (gen_ai.prompt.N attributes)', () => {
  it.each(['json', 'json.gz'])(
    'what the dialect records arrives exactly; a tool result it records without its call is a bad line that says so (.%s)',
    async (ext) => {
      const { records, errors } = await read(path.join(FIXTURES, `openllmetry-0.20.${ext}`));
      const expected = expectedOf('openllmetry-0.20');
      // The fourth call's input holds an assistant tool call and its result, which this version
      // writes as the text "null" and a tool message without its call id.
      expect(errors).toHaveLength(1);
      expect(errors[0]).toMatch(/^1: span [0-9a-f]{16}: gen_ai\.prompt\.2: a tool result without the call it answers/);
      expect(records).toHaveLength(3);
      for (const [i, call] of expected.slice(0, 3).entries()) {
        const r = records[i] as NormalizedLog;
        const answer = call.response.choices[0]!.message;
        expect(r.dialect).toBe('openllmetry');
        expect(r.input.messages, call.name).toEqual(call.request.messages);
        expect(r.input.tools, call.name).toEqual(call.request.tools);
        expect(r.output?.text, call.name).toBe(answer.content ?? '');
        // Tool calls keep their name and arguments; this version writes no call id.
        expect(r.output?.tool_calls, call.name).toEqual(
          (answer.tool_calls as { function: unknown }[] | undefined)?.map((c) => ({
            id: '',
            type: 'function',
            function: c.function,
          })),
        );
        expect(r.requestedModel, call.name).toBe(call.request.model);
        expect(r.servedModel, call.name).toBe(call.response.model);
        expect(r.usage, call.name).toEqual({
          inputTokens: call.response.usage.prompt_tokens,
          outputTokens: call.response.usage.completion_tokens,
        });
      }
    },
  );
});

describe('bad OTLP input', () => {
  const span = (attributes: { key: string; value: Record<string, unknown> }[]) =>
    JSON.stringify({ resourceSpans: [{ scopeSpans: [{ spans: [{ spanId: 'ab12', name: 'chat', attributes }] }] }] });

  it('names the line of a line that is not JSON, and of JSON that is not a trace export', () => {
    expect(requestToLogs('{"resourceSpans": [', 7)[0]?.error).toMatch(/^not valid JSON/);
    expect(requestToLogs('{"spans": []}', 8)).toEqual([
      { line: 8, error: 'not an OTLP trace export (no resourceSpans)' },
    ]);
  });

  it('names the span of a chat span without messages, and passes over spans that are not chat calls', () => {
    const noMessages = span([{ key: 'gen_ai.output.messages', value: { stringValue: '[]' } }]);
    expect(requestToLogs(noMessages, 3)).toEqual([{ line: 3, error: 'span ab12: a chat span without input messages' }]);
    const garbage = span([{ key: 'gen_ai.input.messages', value: { stringValue: '[{"role":' } }]);
    expect(requestToLogs(garbage, 4)[0]?.error).toBe('span ab12: gen_ai.input.messages is not valid JSON');
    const http = span([{ key: 'http.request.method', value: { stringValue: 'GET' } }]);
    expect(requestToLogs(http, 5)).toEqual([]);
  });

  it('joins an event-form span with its log records wherever they stand in the file, and names a span without them', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'otlp-'));
    const [spans = '', logs = ''] = readFileSync(path.join(FIXTURES, 'opentelemetry.json'), 'utf8').trim().split('\n');
    const logsFirst = path.join(dir, 'logs-first.json');
    await writeFile(logsFirst, `${logs}\n${spans}\n`);
    const first = await read(logsFirst);
    expect(first.errors).toEqual([]);
    expect(first.records.map((r) => r.input.messages.length)).toEqual([2, 4, 1, 3]);
    const spansOnly = path.join(dir, 'spans-only.json');
    await writeFile(spansOnly, `${spans}\n`);
    const alone = await read(spansOnly);
    expect(alone.records).toEqual([]);
    expect(alone.errors).toHaveLength(4);
    expect(alone.errors[0]).toMatch(/^1: span [0-9a-f]{16}: no gen_ai message events for this chat span in the file/);
  });

  it('reads a file of several requests, blank lines skipped, each record with its line', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'otlp-'));
    const one = readFileSync(path.join(FIXTURES, 'openinference.json'), 'utf8').trim();
    const file = path.join(dir, 'traces.json');
    await writeFile(file, `${one}\n\nnot json\n${one}\n`);
    const lines: number[] = [];
    const errors: number[] = [];
    for await (const batch of otlpLogs(file)) for (const l of batch) (l.record ? lines : errors).push(l.line);
    expect(lines).toEqual([1, 1, 1, 1, 4, 4, 4, 4]);
    expect(errors).toEqual([3]);
  });
});

describe('drift on OTLP trace files (format: otlp)', () => {
  it('samples the chat spans of both dialects, replays them through pinned and current, and completes', async () => {
    const { FakeLlmServer } = await import('./support/fake-llm-server.js');
    const { makeProject } = await import('./support/project.js');
    const { runDrift } = await import('../src/drift/run-drift.js');
    const server = await FakeLlmServer.start();
    try {
      const dir = await makeProject({
        'driftgate.yaml': `version: 1
models:
  pinned:   { provider: openai, model: gpt-4o-2024-08-06, baseURL: ${server.openaiBaseURL} }
  current:  { provider: openai, model: gpt-4o, baseURL: ${server.openaiBaseURL} }
  embedder: { provider: local }
runner: { retry_base_ms: 5 }
drift:
  logs: traces/*
  format: otlp
  sample: { size: 50, seed: week-1 }
`,
        'traces/a.json': readFileSync(path.join(FIXTURES, 'openllmetry.json'), 'utf8'),
      });
      await writeFile(path.join(dir, 'traces/b.json.gz'), readFileSync(path.join(FIXTURES, 'openinference.json.gz')));
      const r = await runDrift({
        configPath: path.join(dir, 'driftgate.yaml'),
        env: { OPENAI_API_KEY: 'sk-test-otlp-0000' },
      });
      expect(r.incompleteReason).toBeUndefined();
      expect(r.exitCode).toBe(0);
      // Eight chat spans, four conversations told apart by their messages and tools.
      expect(r.sample).toMatchObject({ lines: 8, badLines: 0, size: 4 });
      const sent = server.requests.map((q) => q.body as { messages: unknown[]; tools?: unknown[] });
      expect(sent.some((b) => b.tools?.length === 1 && b.messages.length === 3)).toBe(true); // the tool result replayed
    } finally {
      await server.close();
    }
  });
});

describe('evaluation events', () => {
  it("a span's gen_ai.evaluation.result events become the record's feedback (OTLP written by the real OpenTelemetry SDK)", async () => {
    const { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } =
      await import('@opentelemetry/sdk-trace-base');
    const { JsonTraceSerializer } = await import('@opentelemetry/otlp-transformer');
    const exporter = new InMemorySpanExporter();
    const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
    const span = provider.getTracer('app').startSpan('chat gpt-4o', {
      attributes: {
        'gen_ai.operation.name': 'chat',
        'gen_ai.request.model': 'gpt-4o',
        'gen_ai.response.model': 'gpt-4o-2024-08-06',
        'gen_ai.input.messages': JSON.stringify([{ role: 'user', parts: [{ type: 'text', content: 'Hi' }] }]),
        'gen_ai.output.messages': JSON.stringify([
          { role: 'assistant', parts: [{ type: 'text', content: 'Hello!' }], finish_reason: 'stop' },
        ]),
      },
    });
    span.addEvent('gen_ai.evaluation.result', {
      'gen_ai.evaluation.name': 'relevance',
      'gen_ai.evaluation.score.value': 0.9,
      'gen_ai.evaluation.explanation': 'on topic',
    });
    span.addEvent('gen_ai.evaluation.result', {
      'gen_ai.evaluation.name': 'toxicity',
      'gen_ai.evaluation.score.label': 'none',
    });
    span.addEvent('something.else', { 'gen_ai.evaluation.name': 'ignored' });
    span.end();
    await provider.forceFlush();
    const dir = await mkdtemp(path.join(tmpdir(), 'driftgate-otlp-eval-'));
    const file = path.join(dir, 'traces.json');
    await writeFile(
      file,
      Buffer.from(JsonTraceSerializer.serializeRequest(exporter.getFinishedSpans()) ?? new Uint8Array()),
    );
    const { records, errors } = await read(file);
    expect(errors).toEqual([]);
    expect(records[0]?.output).toEqual({ text: 'Hello!' });
    expect(records[0]?.feedback).toEqual([
      { name: 'relevance', value: 0.9, comment: 'on topic', source: 'otel' },
      { name: 'toxicity', value: 'none', source: 'otel' },
    ]);
  });
});
