/**
 * The LangSmith source, read through the official `langsmith` client pointed at a local stand-in
 * of its API (test/support/fake-langsmith.ts): runs traced by `wrapOpenAI` and by LangChain chat
 * models arrive intact in the normalized record, filters go to the server in LangSmith's filter
 * language, pages are followed through 429s and a 500, the sample equals the JSONL export's, and
 * every failure is one clear line with its exit code.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { FakeLangsmith, parseFilter, type FakeRun } from './support/fake-langsmith.js';
import { readOrigin } from './support/fake-platform.js';
import { langsmithFilter, langsmithOrigin, langsmithSourceSchema } from '../src/sources/langsmith.js';
import { sampleLogs } from '../src/drift/sample-logs.js';
import { fieldMapping } from '../src/sources/log-fields.js';
import { type SourceError } from '../src/errors.js';
import { registerSecret } from '../src/util/secrets.js';
import { makeProject } from './support/project.js';

let server: FakeLangsmith;
beforeAll(async () => {
  server = await new FakeLangsmith().start();
});
afterAll(() => server.close());
beforeEach(() => {
  server.requests.length = 0;
  server.faults = () => undefined;
  server.pagesServed = 0;
});

const env = () => ({ LANGSMITH_API_KEY: server.apiKey, LANGSMITH_ENDPOINT: server.url });
const config = (extra: Record<string, unknown> = {}) =>
  langsmithSourceSchema.parse({ source: 'langsmith', project: 'support-bot', ...extra });

const toolCall = { id: 'call_1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } };

const wrappedMetadata = { feature: 'weather', tier: 'pro', ls_model_name: 'gpt-4o-mini', user_id: 'user-7' };

/** A run as `wrapOpenAI` traces it: the request's parameters in, the chat completion out. */
const wrapped: FakeRun = {
  id: '0f9e8d7c-0000-4000-8000-00000000000a',
  project: 'support-bot',
  name: 'ChatOpenAI',
  run_type: 'llm',
  start_time: '2026-11-25T09:00:00.000000',
  trace_id: '0f9e8d7c-0000-4000-8000-0000000000aa',
  thread_id: 'thread-3',
  latency_seconds: 1.25,
  inputs: {
    model: 'gpt-4o-mini',
    messages: [
      { role: 'system', content: 'You are a weather assistant.' },
      { role: 'user', content: 'Weather in Paris?' },
      { role: 'assistant', content: null, tool_calls: [toolCall] },
      { role: 'tool', tool_call_id: 'call_1', content: '{"temp":14}' },
    ],
    tools: [{ type: 'function', function: { name: 'get_weather', parameters: { type: 'object' } } }],
  },
  outputs: {
    id: 'chatcmpl-1',
    model: 'gpt-4o-mini-2024-07-18',
    system_fingerprint: 'fp_0aa8d3e20b',
    choices: [{ index: 0, message: { role: 'assistant', content: 'It is 14 °C in Paris.' }, finish_reason: 'stop' }],
  },
  extra: {
    metadata: wrappedMetadata,
    invocation_params: { model: 'gpt-4o-mini' },
  },
  tags: ['prod'],
  prompt_tokens: 120,
  completion_tokens: 9,
  prompt_token_details: { cache_read: 64 },
  completion_token_details: { reasoning: 0 },
  total_cost: 0.0000234,
  feedback_stats: {
    thumbs: { n: 2, avg: 0.5, comments: ['too terse'] },
    category: { n: 3, values: { helpful: 2, wrong: 1 } },
  },
};

/** A run as a LangChain chat model traces it: serialized messages in, generations out. */
const langchain: FakeRun = {
  id: '0f9e8d7c-0000-4000-8000-00000000000b',
  project: 'support-bot',
  name: 'ChatAnthropic',
  run_type: 'llm',
  start_time: '2026-11-26T10:00:00.000000',
  inputs: {
    messages: [
      [
        {
          lc: 1,
          type: 'constructor',
          id: ['langchain', 'schema', 'messages', 'SystemMessage'],
          kwargs: { content: 'Be brief.' },
        },
        {
          lc: 1,
          type: 'constructor',
          id: ['langchain', 'schema', 'messages', 'HumanMessage'],
          kwargs: { content: 'Hi' },
        },
        {
          lc: 1,
          type: 'constructor',
          id: ['langchain', 'schema', 'messages', 'AIMessage'],
          kwargs: {
            content: '',
            tool_calls: [{ name: 'lookup', args: { q: 'hours' }, id: 'toolu_1', type: 'tool_call' }],
          },
        },
        { type: 'tool', content: 'open 9-5', tool_call_id: 'toolu_1' },
      ],
    ],
  },
  outputs: {
    generations: [
      [
        {
          text: 'We open at 9.',
          message: {
            lc: 1,
            type: 'constructor',
            id: ['langchain', 'schema', 'messages', 'AIMessage'],
            kwargs: { content: 'We open at 9.', response_metadata: { model_name: 'claude-sonnet-4-5-20250929' } },
          },
        },
      ],
    ],
  },
  extra: { metadata: { ls_model_name: 'claude-sonnet-4-5' } },
  status: 'SUCCESS',
};

function run(i: number, extra: Partial<FakeRun> = {}): FakeRun {
  return {
    id: `run-${i}`,
    project: 'support-bot',
    name: i % 3 === 0 ? 'faq' : 'chat',
    run_type: 'llm',
    start_time: new Date(Date.UTC(2026, 10, 20) + i * 60_000).toISOString(),
    inputs: {
      messages: [
        { role: 'system', content: 'Answer briefly.' },
        { role: 'user', content: `Question number ${i % 180}` },
      ],
    },
    outputs: { choices: [{ message: { role: 'assistant', content: `Answer ${i}` } }], model: 'gpt-4o-2024-08-06' },
    prompt_tokens: 20 + (i % 7),
    completion_tokens: 5 + (i % 3),
    ...extra,
  };
}

describe('langsmith source', () => {
  it('reads a wrapOpenAI run into the normalized record exactly: messages, tool call and result, tools, served model, usage, cost, feedback', async () => {
    server.runs = [wrapped];
    const [line] = await readOrigin(langsmithOrigin(config(), { env: env() }));
    expect(line?.error).toBeUndefined();
    expect(line?.record).toEqual({
      schemaVersion: 1,
      source: 'langsmith',
      traceId: wrapped.trace_id,
      spanId: wrapped.id,
      time: '2026-11-25T09:00:00.000000',
      latencyMs: 1250,
      feature: 'weather',
      user: 'user-7',
      session: 'thread-3',
      input: { messages: wrapped.inputs.messages, tools: wrapped.inputs.tools },
      output: { text: 'It is 14 °C in Paris.' },
      requestedModel: 'gpt-4o-mini',
      servedModel: 'gpt-4o-mini-2024-07-18',
      fingerprint: 'fp_0aa8d3e20b',
      usage: { inputTokens: 120, outputTokens: 9, cachedInputTokens: 64, reasoningTokens: 0 },
      costUsd: 0.0000234,
      tags: ['prod'],
      feedback: [
        { name: 'thumbs', value: 0.5, comment: 'too terse', source: 'langsmith' },
        { name: 'category', value: 'helpful', source: 'langsmith' },
      ],
      attributes: wrappedMetadata,
    });
  });

  it('reads a LangChain chat model run: serialized messages, LangChain tool calls and the generation', async () => {
    server.runs = [langchain];
    const [line] = await readOrigin(langsmithOrigin(config(), { env: env() }));
    expect(line?.record).toMatchObject({
      input: {
        messages: [
          { role: 'system', content: 'Be brief.' },
          { role: 'user', content: 'Hi' },
          {
            role: 'assistant',
            content: '',
            tool_calls: [{ id: 'toolu_1', type: 'function', function: { name: 'lookup', arguments: '{"q":"hours"}' } }],
          },
          { role: 'tool', tool_call_id: 'toolu_1', content: 'open 9-5' },
        ],
      },
      output: { text: 'We open at 9.' },
      requestedModel: 'claude-sonnet-4-5',
      servedModel: 'claude-sonnet-4-5-20250929',
      feature: 'ChatAnthropic',
    });
  });

  it('sends project, window, run type and filters to the server, and reads only what matches', async () => {
    server.runs = [
      wrapped,
      { ...wrapped, id: 'other-project', project: 'billing-bot' },
      { ...wrapped, id: 'free', extra: { metadata: { ...wrappedMetadata, tier: 'free' } } },
      { ...wrapped, id: 'old', start_time: '2026-10-01T00:00:00.000000' },
      { ...wrapped, id: 'chain', run_type: 'chain' },
      { ...wrapped, id: 'untagged', tags: [] },
    ];
    const source = config({ tags: ['prod'], metadata: { tier: 'pro' }, model: 'gpt-4o-mini' });
    const origin = langsmithOrigin(source, { env: env(), since: new Date('2026-11-01T00:00:00Z') });
    expect((await readOrigin(origin)).map((l) => l.id)).toEqual([wrapped.id]);
    const [query] = server.queries;
    expect(query).toMatchObject({
      project_ids: [server.projects.get('support-bot')],
      run_type: 'LLM',
      min_start_time: '2026-11-01T00:00:00.000Z',
      page_size: 100,
    });
    expect(query?.filter).toBe(
      'and(has(tags, "prod"), and(eq(metadata_key, "tier"), eq(metadata_value, "pro")), ' +
        'and(eq(metadata_key, "ls_model_name"), eq(metadata_value, "gpt-4o-mini")))',
    );
    // What driftgate sends parses as the filter language (the stand-in's reader is strict).
    expect(() => parseFilter(langsmithFilter(config({ name: 'a "quoted" name', tags: ['x'] })) ?? '')).not.toThrow();
  });

  it(
    'follows every page through a 429 (retry-after) and a 500, and samples what the JSONL export of the same lines samples',
    { timeout: 60_000 },
    async () => {
      server.runs = Array.from({ length: 1_050 }, (_, i) => run(i));
      server.faults = (page, attempt) =>
        attempt > 0 ? undefined : page === 4 ? '429' : page === 7 ? '500' : undefined;
      const lines = await readOrigin(langsmithOrigin(config(), { env: env() }));
      expect(lines).toHaveLength(1_050);
      expect(lines.filter((l) => l.error)).toEqual([]);
      // One project lookup; 11 pages, two of them asked twice.
      expect(server.requests).toHaveLength(1 + 13);
      const options = { mapping: fieldMapping('normalized'), size: 60, stratify: 'feature' as const, seed: '2026-W48' };
      const fromSource = await sampleLogs([langsmithOrigin(config(), { env: env() })], options);
      const dir = await makeProject({});
      const exported = path.join(dir, 'export.jsonl');
      writeFileSync(exported, lines.map((l) => JSON.stringify(l.record)).join('\n'));
      const fromFile = await sampleLogs([exported], options);
      expect(fromSource.lines).toBe(1_050);
      expect(fromSource.items.map((i) => i.inputKey)).toEqual(fromFile.items.map((i) => i.inputKey));
      expect(new Set(fromSource.items.map((i) => i.stratum))).toEqual(new Set(['faq', 'chat']));
    },
  );

  it('a page that keeps failing is exit 3; a page of garbage is exit 2; a run without messages is a counted bad line', async () => {
    server.runs = [...Array.from({ length: 150 }, (_, i) => run(i)), run(150, { inputs: { foo: 1 } })];
    const sample = await sampleLogs([langsmithOrigin(config(), { env: env() })], {
      mapping: fieldMapping('normalized'),
      size: 10,
      seed: 's',
    });
    expect(sample.badLines).toBe(1);
    expect(sample.firstBad).toEqual([{ file: 'langsmith', line: 151, reason: 'run-150: inputs: no input messages' }]);
    server.faults = (page) => (page === 2 ? '503' : undefined);
    const failing = await readOrigin(langsmithOrigin(config(), { env: env(), maxRetries: 1 })).catch((e: unknown) => e);
    expect((failing as SourceError).exitCode).toBe(3);
    expect((failing as SourceError).message).toMatch(/^langsmith: page 2 kept failing after retries \(HTTP 503/);
    server.faults = (page) => (page === 2 ? 'garbage' : undefined);
    const garbage = await readOrigin(langsmithOrigin(config(), { env: env() })).catch((e: unknown) => e);
    expect((garbage as SourceError).exitCode).toBe(2);
    expect((garbage as SourceError).message).toBe(
      'langsmith: page 2 is not a runs page; the source answered something else',
    );
  });

  it('a missing key names the variable; an unknown project, a refused key and a bad filter are exit 2; an echoed key is redacted', async () => {
    expect(() => langsmithOrigin(config(), { env: {} })).toThrow(
      'drift.logs (langsmith): LANGSMITH_API_KEY is not set; the source reads its credentials only from the environment',
    );
    expect(() => langsmithSourceSchema.parse({ source: 'langsmith', project: 'p', trace_names: ['x'] })).toThrow(
      /trace_names/,
    );
    const unknown = await readOrigin(langsmithOrigin(config({ project: 'nope' }), { env: env() })).catch((e) => e);
    expect((unknown as SourceError).exitCode).toBe(2);
    expect((unknown as SourceError).message).toBe(
      'drift.logs (langsmith): no tracing project named "nope" is visible to LANGSMITH_API_KEY',
    );
    const refused = await readOrigin(
      langsmithOrigin(config(), { env: { ...env(), LANGSMITH_API_KEY: 'lsv2_pt_wrong' } }),
    ).catch((e: unknown) => e);
    expect((refused as SourceError).exitCode).toBe(2);
    expect((refused as SourceError).message).toBe(
      'langsmith: looking up project "support-bot": the server refused the credentials (HTTP 401); check LANGSMITH_API_KEY',
    );
    server.runs = [run(1)];
    const badFilter = await readOrigin(langsmithOrigin(config({ filter: 'eq(colour, "red")' }), { env: env() })).catch(
      (e: unknown) => e,
    );
    expect((badFilter as SourceError).exitCode).toBe(2);
    expect((badFilter as SourceError).message).toMatch(
      /^langsmith: page 1: the server rejected the request \(HTTP 400: /,
    );
    registerSecret(server.apiKey);
    server.faults = () => 'echo';
    const echoed = await readOrigin(langsmithOrigin(config(), { env: env() })).catch((e: unknown) => e);
    // The client words the error from the body's `message`; the echoed headers never reach it.
    expect((echoed as SourceError).message).toBe(
      'langsmith: page 1: the server rejected the request (HTTP 400: 400 bad request)',
    );
    expect((echoed as SourceError).message).not.toContain(server.apiKey);
  });
});
