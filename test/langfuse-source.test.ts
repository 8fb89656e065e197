/**
 * The Langfuse source, read through the official @langfuse/client pointed at a local stand-in of
 * the public API (test/support/fake-langfuse.ts): the normalized record arrives intact, pages are
 * followed through 429s and a 500, the sample equals the one drawn from the same lines as a JSONL
 * export, and every failure is one clear line with its exit code.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { FakeLangfuse, type FakeObservation } from './support/fake-langfuse.js';
import { readOrigin } from './support/fake-platform.js';
import { langfuseOrigin, langfuseSourceSchema } from '../src/sources/langfuse.js';
import { sampleLogs } from '../src/drift/sample-logs.js';
import { fieldMapping } from '../src/sources/log-fields.js';
import { SourceError } from '../src/errors.js';
import { registerSecret } from '../src/util/secrets.js';
import { makeProject } from './support/project.js';
import { FakeLlmServer } from './support/fake-llm-server.js';
import { runDrift } from '../src/drift/run-drift.js';
import { runCli } from './support/cli.js';

let server: FakeLangfuse;
beforeAll(async () => {
  server = await new FakeLangfuse().start();
});
afterAll(() => server.close());
beforeEach(() => {
  server.requests.length = 0;
  server.faults = () => undefined;
  server.pagesServed = 0;
});

const env = () => ({
  LANGFUSE_PUBLIC_KEY: server.keys.publicKey,
  LANGFUSE_SECRET_KEY: server.keys.secretKey,
  LANGFUSE_BASE_URL: server.url,
});
const config = (extra: Record<string, unknown> = {}) => langfuseSourceSchema.parse({ source: 'langfuse', ...extra });

const toolConversation: FakeObservation = {
  id: 'obs-tool',
  traceId: 'trace-tool',
  type: 'GENERATION',
  name: 'OpenAI-generation',
  traceName: 'weather-agent',
  traceTags: ['prod'],
  startTime: '2026-11-25T09:00:00.000Z',
  endTime: '2026-11-25T09:00:01.250Z',
  userId: 'user-7',
  sessionId: 'session-3',
  environment: 'production',
  model: 'gpt-4o-mini-2024-07-18',
  input: {
    messages: [
      { role: 'system', content: 'You are a weather assistant.' },
      { role: 'user', content: 'Weather in Paris?' },
      {
        role: 'assistant',
        content: null,
        tool_calls: [
          { id: 'call_1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } },
        ],
      },
      { role: 'tool', tool_call_id: 'call_1', content: '{"temp":14}' },
    ],
    tools: [
      {
        type: 'function',
        function: { name: 'get_weather', parameters: { type: 'object', properties: { city: { type: 'string' } } } },
      },
    ],
  },
  output: { role: 'assistant', content: 'It is 14 °C in Paris.' },
  metadata: { feature: 'weather', tier: 'pro' },
  usageDetails: { input: 120, output: 9, total: 129, input_cached_tokens: 64, output_reasoning_tokens: 0 },
  costDetails: { input: 0.000018, output: 0.0000054, total: 0.0000234 },
  totalCost: 0.0000234,
  promptName: 'weather-system',
  promptVersion: 3,
};

function generation(i: number, extra: Partial<FakeObservation> = {}): FakeObservation {
  return {
    id: `obs-${i}`,
    traceId: `trace-${i}`,
    type: 'GENERATION',
    name: 'answer',
    traceName: i % 3 === 0 ? 'faq' : 'chat',
    startTime: new Date(Date.UTC(2026, 10, 20) + i * 60_000).toISOString(),
    model: 'gpt-4o-2024-08-06',
    input: [
      { role: 'system', content: 'Answer briefly.' },
      { role: 'user', content: `Question number ${i % 180}` },
    ],
    output: `Answer ${i}`,
    usageDetails: { input: 20 + (i % 7), output: 5 + (i % 3) },
    ...extra,
  };
}

describe('langfuse source', () => {
  it('reads a generation into the normalized record exactly: messages, tool call and result, tools, output, model, usage, cost, prompt', async () => {
    server.observations = [toolConversation];
    server.scores = [
      {
        id: 's1',
        observationId: 'obs-tool',
        traceId: 'trace-tool',
        name: 'helpfulness',
        dataType: 'NUMERIC',
        value: 0.8,
        source: 'EVAL',
        comment: 'clear',
      },
      {
        id: 's2',
        observationId: 'obs-tool',
        traceId: 'trace-tool',
        name: 'thumbs_up',
        dataType: 'BOOLEAN',
        value: 0,
        stringValue: 'False',
        source: 'API',
      },
      {
        id: 's3',
        observationId: 'obs-tool',
        traceId: 'trace-tool',
        name: 'topic',
        dataType: 'CATEGORICAL',
        value: 0,
        stringValue: 'weather',
        source: 'ANNOTATION',
      },
      {
        id: 's4',
        observationId: 'obs-other',
        traceId: 'trace-other',
        name: 'helpfulness',
        dataType: 'NUMERIC',
        value: 0.1,
        source: 'EVAL',
      },
    ];
    const [line] = await readOrigin(langfuseOrigin(config(), { env: env() }));
    server.scores = [];
    expect(line?.error).toBeUndefined();
    expect(line?.id).toBe('obs-tool');
    expect(line?.record).toEqual({
      schemaVersion: 1,
      source: 'langfuse',
      traceId: 'trace-tool',
      spanId: 'obs-tool',
      time: '2026-11-25T09:00:00.000Z',
      latencyMs: 1250,
      feature: 'weather',
      user: 'user-7',
      session: 'session-3',
      input: toolConversation.input,
      output: { text: 'It is 14 °C in Paris.' },
      servedModel: 'gpt-4o-mini-2024-07-18',
      usage: { inputTokens: 120, outputTokens: 9, cachedInputTokens: 64, reasoningTokens: 0 },
      costUsd: 0.0000234,
      prompt: { name: 'weather-system', version: 3 },
      environment: 'production',
      feedback: [
        { name: 'helpfulness', value: 0.8, comment: 'clear', source: 'eval' },
        { name: 'thumbs_up', value: false, source: 'api' },
        { name: 'topic', value: 'weather', source: 'annotation' },
      ],
      attributes: { feature: 'weather', tier: 'pro' },
    });
    // One scores request for the page, naming its observations.
    const scoreRequests = server.requests.filter((r) => r.path === '/api/public/v2/scores');
    expect(scoreRequests.map((r) => r.query.get('observationId'))).toEqual(['obs-tool']);
  });

  it('sends the filters to the server (type, name, tags, metadata, environment, window) and reads only what matches', async () => {
    server.observations = [
      toolConversation,
      { ...toolConversation, id: 'obs-dev', environment: 'development' },
      { ...toolConversation, id: 'obs-free', metadata: { feature: 'weather', tier: 'free' } },
      { ...toolConversation, id: 'obs-old', startTime: '2026-10-01T00:00:00.000Z' },
      { ...toolConversation, id: 'obs-span', type: 'SPAN' },
      { ...toolConversation, id: 'obs-untagged', traceTags: [] },
    ];
    const origin = langfuseOrigin(config({ environment: 'production', tags: ['prod'], metadata: { tier: 'pro' } }), {
      env: env(),
      since: new Date('2026-11-01T00:00:00Z'),
    });
    expect((await readOrigin(origin)).map((l) => l.id)).toEqual(['obs-tool']);
    expect(server.filters[0]).toEqual([
      { type: 'string', column: 'type', operator: '=', value: 'GENERATION' },
      { type: 'stringOptions', column: 'environment', operator: 'any of', value: ['production'] },
      { type: 'arrayOptions', column: 'traceTags', operator: 'all of', value: ['prod'] },
      { type: 'stringObject', column: 'metadata', key: 'tier', operator: '=', value: 'pro' },
      { type: 'datetime', column: 'startTime', operator: '>=', value: '2026-11-01T00:00:00.000Z' },
    ]);
  });

  it(
    'follows every page through a 429 (retry-after) and a 500, and samples what the JSONL export of the same lines samples',
    { timeout: 60_000 },
    async () => {
      server.observations = Array.from({ length: 1_050 }, (_, i) => generation(i));
      server.faults = (page, attempt) =>
        attempt > 0 ? undefined : page === 4 ? '429' : page === 7 ? '500' : undefined;
      const origin = langfuseOrigin(config({ page_size: 100 }), { env: env() });
      const lines = await readOrigin(origin);
      expect(lines).toHaveLength(1_050);
      expect(lines.filter((l) => l.error)).toEqual([]);
      // 11 pages, two of them asked twice, and one scores request a page.
      expect(server.requests.filter((r) => r.path === '/api/public/v2/observations')).toHaveLength(13);
      expect(server.requests.filter((r) => r.path === '/api/public/v2/scores')).toHaveLength(11);
      const mapping = fieldMapping('normalized');
      const options = { mapping, size: 60, stratify: 'feature' as const, seed: '2026-W48' };
      const fromSource = await sampleLogs([langfuseOrigin(config({ page_size: 100 }), { env: env() })], options);
      const dir = await makeProject({});
      const exported = path.join(dir, 'export.jsonl');
      writeFileSync(exported, lines.map((l) => JSON.stringify(l.record)).join('\n'));
      const fromFile = await sampleLogs([exported], options);
      expect(fromSource.lines).toBe(1_050);
      expect(fromSource.items.map((i) => i.inputKey)).toEqual(fromFile.items.map((i) => i.inputKey));
      expect(fromSource.strata).toEqual(fromFile.strata);
      expect(new Set(fromSource.items.map((i) => i.stratum))).toEqual(new Set(['faq', 'chat']));
    },
  );

  it(
    'a page that keeps failing stops the read as incomplete (exit 3), naming the page',
    { timeout: 60_000 },
    async () => {
      server.observations = Array.from({ length: 300 }, (_, i) => generation(i));
      server.faults = (page) => (page === 2 ? '503' : undefined);
      const error = await readOrigin(langfuseOrigin(config({ page_size: 100 }), { env: env(), maxRetries: 1 })).catch(
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(SourceError);
      expect((error as SourceError).exitCode).toBe(3);
      expect((error as SourceError).message).toMatch(/^langfuse: page 2 kept failing after retries \(HTTP 503/);
    },
  );

  it('a page of garbage is exit 2, naming the page; a record without messages is a counted bad line naming the observation', async () => {
    server.observations = [
      ...Array.from({ length: 150 }, (_, i) => generation(i)),
      generation(150, { input: { foo: 1 } }),
    ];
    const sample = await sampleLogs([langfuseOrigin(config({ page_size: 100 }), { env: env() })], {
      mapping: fieldMapping('normalized'),
      size: 10,
      seed: 's',
    });
    expect(sample.badLines).toBe(1);
    expect(sample.firstBad).toEqual([{ file: 'langfuse', line: 151, reason: 'obs-150: input: no input messages' }]);
    server.faults = (page) => (page === 2 ? 'garbage' : undefined);
    const error = await readOrigin(langfuseOrigin(config({ page_size: 100 }), { env: env() })).catch((e: unknown) => e);
    expect((error as SourceError).exitCode).toBe(2);
    expect((error as SourceError).message).toBe(
      'langfuse: page 2 is not an observations page; the source answered something else',
    );
  });

  it('a missing credential names the variable; refused keys name both; an echoed key never reaches the message', async () => {
    const { LANGFUSE_SECRET_KEY: _, ...withoutSecret } = env();
    expect(() => langfuseOrigin(config(), { env: withoutSecret })).toThrow(
      'drift.logs (langfuse): LANGFUSE_SECRET_KEY is not set; the source reads its credentials only from the environment',
    );
    const wrong = { ...env(), LANGFUSE_SECRET_KEY: 'sk-lf-wrong-000000000000' };
    const refused = await readOrigin(langfuseOrigin(config(), { env: wrong })).catch((e: unknown) => e);
    expect((refused as SourceError).exitCode).toBe(2);
    expect((refused as SourceError).message).toBe(
      'langfuse: page 1: the server refused the credentials (HTTP 401); check LANGFUSE_PUBLIC_KEY and LANGFUSE_SECRET_KEY',
    );
    // A proxy that echoes the request's headers in its error page.
    registerSecret(server.keys.secretKey);
    server.observations = [generation(1)];
    server.faults = () => 'echo';
    const echoed = await readOrigin(langfuseOrigin(config(), { env: env() })).catch((e: unknown) => e);
    const message = (echoed as SourceError).message;
    expect(message).toMatch(/^langfuse: page 1: the server rejected the request \(HTTP 400: /);
    expect(message).toContain('[redacted]');
    expect(message).not.toContain(Buffer.from(`${server.keys.publicKey}:${server.keys.secretKey}`).toString('base64'));
    expect(message).not.toContain(server.keys.secretKey);
  });

  it(
    'driftgate drift reads the week from Langfuse: replayed through pinned and current, an unchanged model is not flagged',
    { timeout: 120_000 },
    async () => {
      const llm = await FakeLlmServer.start({
        respond: (call) => `Noted: ${call.messages.at(-1)?.content ?? ''}, thanks.`,
      });
      try {
        server.observations = Array.from({ length: 240 }, (_, i) =>
          generation(i, { startTime: '2026-11-28T10:00:00.000Z' }),
        );
        const dir = await makeProject({
          'driftgate.yaml': `version: 1
models:
  pinned:   { provider: openai, model: gpt-4o-2024-08-06, baseURL: ${llm.openaiBaseURL} }
  current:  { provider: openai, model: gpt-4o, baseURL: ${llm.openaiBaseURL} }
  embedder: { provider: local }
runner: { retry_base_ms: 5, concurrency: 16 }
drift:
  logs: { source: langfuse, base_url: ${server.url}, type: GENERATION, page_size: 50 }
  sample: { size: 60, stratify: feature, seed: week-1, since: 7d }
`,
        });
        const r = await runDrift({
          configPath: path.join(dir, 'driftgate.yaml'),
          now: new Date('2026-12-01T00:00:00Z'),
          env: { OPENAI_API_KEY: 'sk-test-drift-000000000000', ...env() },
        });
        expect(r.exitCode).toBe(0);
        expect(r.decision.drifted).toBe(false);
        // 240 generations in 5 pages, every one in the window; 60 sampled across both features.
        expect(server.pagesServed).toBe(5);
        expect(llm.requestCount).toBe(60 * 3);
        // The production section counts every generation the source gave, with its usage and model.
        expect(r.production?.week.lines).toBe(240);
        expect(r.production?.week.withUsage).toBe(240);
        expect(r.production?.served.map((t) => t.models.map((m) => m.model))).toEqual([['gpt-4o-2024-08-06']]);
        expect(r.production?.cost?.monthlyUsd).toBeGreaterThan(0);
      } finally {
        await llm.close();
      }
    },
  );

  it('init --from-logs langfuse drafts the dataset from the last week of generations, redacted, and names the source in the drift section', async () => {
    server.observations = [
      // A third of the users give their address.
      ...Array.from({ length: 90 }, (_, i) =>
        generation(i, {
          startTime: new Date(Date.now() - (i + 1) * 3_600_000).toISOString(),
          ...(i % 3 === 1 ? { input: [{ role: 'user', content: `Write to ana${i}@example.org please` }] } : {}),
        }),
      ),
      generation(501, { startTime: '2026-01-01T00:00:00.000Z' }),
    ];
    const dir = await makeProject({});
    const r = await runCli(['init', '--from-logs', 'langfuse', '--size', '20'], { ...env() }, dir);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('cases drafted from langfuse (redacted)');
    const golden = readFileSync(path.join(dir, 'datasets', 'golden.jsonl'), 'utf8')
      .trim()
      .split('\n');
    expect(golden.length).toBeGreaterThanOrEqual(20);
    expect(golden.join('\n')).not.toContain('@example.org');
    expect(golden.join('\n')).toContain('Write to [EMAIL] please');
    // obs-501 (before the window) is the only one asking question 141.
    expect(golden.join('\n')).not.toContain('Question number 141');
    // The last filter the draft sent holds the 7-day window.
    const window = server.filters.at(-1)?.find((c) => c.column === 'startTime');
    expect(Date.now() - Date.parse(String(window?.value))).toBeGreaterThan(7 * 86_400_000 - 60_000);
    expect(readFileSync(path.join(dir, 'driftgate.yaml'), 'utf8')).toContain(
      `#   logs: { source: langfuse, type: GENERATION, page_size: 100, scores: true }`,
    );
    const missing = await runCli(['init', '--from-logs', 'langsmith'], {}, await makeProject({}));
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('--from-logs langsmith: project:');
  });
});
