import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import OpenAI from 'openai';
import { FakeLlmServer } from './support/fake-llm-server.js';
import { createOpenAIProvider } from '../src/providers/openai.js';
import { createAnthropicProvider } from '../src/providers/anthropic.js';
import { ProviderCallError, type ChatProvider } from '../src/providers/types.js';

let server: FakeLlmServer;
beforeAll(async () => {
  server = await FakeLlmServer.start();
});
afterAll(() => server.close());
beforeEach(() => {
  server.resetCounters();
  server.configure({ latencyMs: 0, respond: undefined, systemFingerprint: undefined });
});

const request = {
  model: 'gpt-4o',
  messages: [
    { role: 'system' as const, content: 'You are terse.' },
    { role: 'user' as const, content: 'How do I reset my password?' },
  ],
  params: { temperature: 0, max_tokens: 50 },
};

async function failureOf(provider: ChatProvider): Promise<ProviderCallError> {
  try {
    await provider.complete(request);
  } catch (err) {
    return err as ProviderCallError;
  }
  throw new Error('expected the call to fail');
}

describe('openai provider (official SDK against the local server)', () => {
  const make = (timeoutMs = 5_000) =>
    createOpenAIProvider({ apiKey: 'sk-test', baseURL: server.openaiBaseURL, timeoutMs });

  it('records text, finish reason, tokens, reported model and system_fingerprint', async () => {
    const provider = await make();
    const r = await provider.complete(request);
    expect(r.text).toBe('Answer to: How do I reset my password?');
    expect(r.finishReason).toBe('stop');
    expect(r.inputTokens).toBeGreaterThan(0);
    expect(r.outputTokens).toBe(Math.ceil(r.text.length / 4));
    expect(r.providerModel).toBe('gpt-4o-2024-08-06');
    expect(r.systemFingerprint).toBe('fp_test0001');
    const sent = server.requests[0]?.body as Record<string, unknown>;
    expect(sent).toMatchObject({ model: 'gpt-4o', temperature: 0, max_tokens: 50 });
    expect(sent.messages).toEqual(request.messages);
    expect(server.requests[0]?.headers.authorization).toBe('Bearer sk-test');
  });

  it('classifies 429 with its retry-after-ms', async () => {
    server.queue('429');
    const err = await failureOf(await make());
    expect(err).toBeInstanceOf(ProviderCallError);
    expect(err.kind).toBe('rate_limit');
    expect(err.status).toBe(429);
    expect(err.retryAfterMs).toBe(50);
    expect(err.retryable).toBe(true);
  });

  it('classifies 5xx, connection resets, malformed bodies and timeouts as retryable', async () => {
    const provider = await make(300);
    server.queue('500');
    expect((await failureOf(provider)).kind).toBe('server');
    server.queue('reset');
    expect((await failureOf(provider)).kind).toBe('connection');
    server.queue('malformed');
    const malformed = await failureOf(provider);
    expect(malformed.kind).toBe('malformed');
    expect(malformed.retryable).toBe(true);
    server.queue('hang');
    expect((await failureOf(provider)).kind).toBe('timeout');
  });

  it('does not retry inside the SDK: one failure is one request', async () => {
    server.queue('500');
    await failureOf(await make());
    expect(server.requestCount).toBe(1);
  });

  it('classifies 401 as a non-retryable auth failure', async () => {
    server.queue('401-echo');
    const err = await failureOf(await make());
    expect(err.kind).toBe('auth');
    expect(err.retryable).toBe(false);
  });

  it('serves embeddings to the official SDK in its default base64 encoding', async () => {
    const client = new OpenAI({ apiKey: 'sk-test', baseURL: server.openaiBaseURL, maxRetries: 0 });
    const res = await client.embeddings.create({
      model: 'text-embedding-3-small',
      input: ['refund policy', 'refund policy', 'weather'],
    });
    expect(res.data).toHaveLength(3);
    const [a, b, c] = res.data.map((d) => d.embedding);
    expect(a).toHaveLength(8);
    expect(a).toEqual(b);
    expect(a).not.toEqual(c);
    expect(Math.hypot(...(a as number[]))).toBeCloseTo(1, 5);
    expect(server.requestCount).toBe(1);
  });
});

describe('anthropic provider (official SDK against the local server)', () => {
  const make = (timeoutMs = 5_000) =>
    createAnthropicProvider({ apiKey: 'sk-ant-test', baseURL: server.anthropicBaseURL, timeoutMs });

  it('sends system messages as the system parameter and defaults max_tokens', async () => {
    const provider = await make();
    const r = await provider.complete({ ...request, model: 'claude-haiku-4-5', params: { temperature: 0 } });
    expect(r.text).toBe('Answer to: How do I reset my password?');
    expect(r.finishReason).toBe('end_turn');
    expect(r.providerModel).toBe('claude-haiku-4-5-2024-08-06');
    expect(r.systemFingerprint).toBeNull();
    expect(r.inputTokens).toBeGreaterThan(0);
    const sent = server.requests[0]?.body as Record<string, unknown>;
    expect(server.requests[0]?.path).toBe('/v1/messages');
    expect(sent.system).toBe('You are terse.');
    expect(sent.max_tokens).toBe(1024);
    expect(sent.messages).toEqual([{ role: 'user', content: 'How do I reset my password?' }]);
    // SDK 1.x sends the key as a bearer token; older versions used x-api-key. Either is the key.
    const headers = server.requests[0]?.headers ?? {};
    expect([headers['x-api-key'], headers.authorization]).toContain(
      headers['x-api-key'] ? 'sk-ant-test' : 'Bearer sk-ant-test',
    );
  });

  it('classifies 429, 5xx, resets and malformed bodies like the OpenAI adapter', async () => {
    const provider = await make();
    server.queue('429', '503', 'reset', 'malformed');
    const kinds = [];
    for (let i = 0; i < 4; i++) kinds.push((await failureOf(provider)).kind);
    expect(kinds).toEqual(['rate_limit', 'server', 'connection', 'malformed']);
  });
});
