/**
 * Tools, tool calls, tool results, image parts and response formats through both real SDKs and the
 * local server, which checks every request against the provider's wire format (wire-checks.ts):
 * a dropped or renamed field is a 400, so these round trips cannot pass on a malformed request.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAnthropicProvider } from '../src/providers/anthropic.js';
import { createOpenAIProvider } from '../src/providers/openai.js';
import { costUsd, PriceTable } from '../src/providers/pricing.js';
import type { ChatProvider, ChatRequest } from '../src/providers/types.js';
import type { ChatMessage, ToolDefinition } from '../src/conversation/types.js';
import { FakeLlmServer } from './support/fake-llm-server.js';

const PNG =
  'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==';

const tools: ToolDefinition[] = [
  {
    name: 'search_orders',
    description: 'Find orders by customer email',
    parameters: { type: 'object', properties: { email: { type: 'string' } }, required: ['email'] },
  },
  {
    name: 'refund_order',
    description: 'Refund one order',
    parameters: {
      type: 'object',
      properties: { order_id: { type: 'string' }, amount: { type: 'number' } },
      required: ['order_id'],
    },
  },
];

const conversation: ChatMessage[] = [
  { role: 'system', content: 'You are the order-support agent.' },
  {
    role: 'user',
    content: [
      { type: 'text', text: 'My parcel arrived broken, see photos. Refund both orders please.' },
      { type: 'image', url: 'https://example.com/parcel.jpg', detail: 'low' },
      { type: 'image', url: PNG },
    ],
  },
  {
    role: 'assistant',
    content: '',
    toolCalls: [
      { id: 'call_a', name: 'refund_order', arguments: '{"order_id":"A-1"}' },
      { id: 'call_b', name: 'refund_order', arguments: '{"order_id":"B-2","amount":12.5}' },
    ],
  },
  { role: 'tool', toolCallId: 'call_a', content: '{"status":"refunded"}' },
  { role: 'tool', toolCallId: 'call_b', content: '{"status":"refunded"}' },
  { role: 'user', content: 'Thanks! And where is my other order, for jane@example.com?' },
];

let server: FakeLlmServer;
let openai: ChatProvider;
let anthropic: ChatProvider;

beforeAll(async () => {
  server = await FakeLlmServer.start({
    respond: () => ({
      text: 'Let me look that up.',
      toolCalls: [{ name: 'search_orders', arguments: { email: 'jane@example.com' } }],
    }),
  });
  openai = await createOpenAIProvider({ apiKey: 'sk-test', baseURL: server.openaiBaseURL, timeoutMs: 5_000 });
  anthropic = await createAnthropicProvider({
    apiKey: 'sk-ant-test',
    baseURL: server.anthropicBaseURL,
    timeoutMs: 5_000,
  });
});
afterAll(() => server.close());

const request = (model: string, extra: Partial<ChatRequest> = {}): ChatRequest => ({
  model,
  messages: conversation,
  params: {},
  tools,
  toolChoice: 'required',
  ...extra,
});
const lastBody = (): Record<string, any> => server.requests.at(-1)?.body as Record<string, any>;

describe('OpenAI chat completions', () => {
  it('sends tools, tool calls, tool results and image parts in the wire format, and reads tool calls back', async () => {
    const res = await openai.complete(request('gpt-4o'));
    const body = lastBody();
    expect(server.requests.at(-1)?.behaviour).toBe('ok');
    expect(body.tools).toEqual(
      tools.map((t) => ({
        type: 'function',
        function: { name: t.name, description: t.description, parameters: t.parameters },
      })),
    );
    expect(body.tool_choice).toBe('required');
    expect(body.messages[1].content).toEqual([
      { type: 'text', text: 'My parcel arrived broken, see photos. Refund both orders please.' },
      { type: 'image_url', image_url: { url: 'https://example.com/parcel.jpg', detail: 'low' } },
      { type: 'image_url', image_url: { url: PNG } },
    ]);
    expect(body.messages[2]).toEqual({
      role: 'assistant',
      content: null,
      tool_calls: [
        { id: 'call_a', type: 'function', function: { name: 'refund_order', arguments: '{"order_id":"A-1"}' } },
        {
          id: 'call_b',
          type: 'function',
          function: { name: 'refund_order', arguments: '{"order_id":"B-2","amount":12.5}' },
        },
      ],
    });
    expect(body.messages[3]).toEqual({ role: 'tool', tool_call_id: 'call_a', content: '{"status":"refunded"}' });
    expect(res.text).toBe('Let me look that up.');
    expect(res.finishReason).toBe('tool_calls');
    expect(res.toolCalls).toEqual([
      { id: expect.stringMatching(/^call_/), name: 'search_orders', arguments: '{"email":"jane@example.com"}' },
    ]);
  });

  it('names a tool to call, and asks for a JSON Schema response format', async () => {
    await openai.complete(request('gpt-4o', { toolChoice: { name: 'search_orders' } }));
    expect(lastBody().tool_choice).toEqual({ type: 'function', function: { name: 'search_orders' } });
    const schema = {
      type: 'object',
      properties: { answer: { type: 'string' } },
      required: ['answer'],
      additionalProperties: false,
    };
    await openai.complete({
      model: 'gpt-4o',
      messages: [{ role: 'user', content: 'hi' }],
      params: {},
      responseFormat: { type: 'json_schema', name: 'reply', schema, strict: true },
    });
    expect(lastBody().response_format).toEqual({
      type: 'json_schema',
      json_schema: { name: 'reply', schema, strict: true },
    });
    await openai.complete({
      model: 'gpt-4o',
      messages: [{ role: 'user', content: 'hi' }],
      params: {},
      responseFormat: { type: 'json_object' },
    });
    expect(lastBody().response_format).toEqual({ type: 'json_object' });
  });
});

describe('Anthropic messages', () => {
  it('sends tool_use and grouped tool_result blocks, image sources and tools, and reads tool_use back', async () => {
    const res = await anthropic.complete(request('claude-haiku-4-5'));
    const body = lastBody();
    expect(server.requests.at(-1)?.behaviour).toBe('ok');
    expect(body.system).toBe('You are the order-support agent.');
    expect(body.tools).toEqual(
      tools.map((t) => ({ name: t.name, description: t.description, input_schema: t.parameters })),
    );
    expect(body.tool_choice).toEqual({ type: 'any' });
    expect(body.messages[0].content).toEqual([
      { type: 'text', text: 'My parcel arrived broken, see photos. Refund both orders please.' },
      { type: 'image', source: { type: 'url', url: 'https://example.com/parcel.jpg' } },
      { type: 'image', source: { type: 'base64', media_type: 'image/png', data: PNG.split(',')[1] } },
    ]);
    expect(body.messages[1]).toEqual({
      role: 'assistant',
      content: [
        { type: 'tool_use', id: 'call_a', name: 'refund_order', input: { order_id: 'A-1' } },
        { type: 'tool_use', id: 'call_b', name: 'refund_order', input: { order_id: 'B-2', amount: 12.5 } },
      ],
    });
    // Both results, then the follow-up text, in the one user turn after the calls.
    expect(body.messages[2]).toEqual({
      role: 'user',
      content: [
        { type: 'tool_result', tool_use_id: 'call_a', content: '{"status":"refunded"}' },
        { type: 'tool_result', tool_use_id: 'call_b', content: '{"status":"refunded"}' },
        { type: 'text', text: 'Thanks! And where is my other order, for jane@example.com?' },
      ],
    });
    expect(body.messages).toHaveLength(3);
    expect(res.text).toBe('Let me look that up.');
    expect(res.finishReason).toBe('tool_use');
    expect(res.toolCalls).toEqual([
      { id: expect.stringMatching(/^toolu_/), name: 'search_orders', arguments: '{"email":"jane@example.com"}' },
    ]);
  });

  it('maps tool choice by name and a JSON Schema response format to a forced tool whose input is the answer', async () => {
    await anthropic.complete(request('claude-haiku-4-5', { toolChoice: { name: 'refund_order' } }));
    expect(lastBody().tool_choice).toEqual({ type: 'tool', name: 'refund_order' });
    server.configure({ respond: () => '{"answer":"yes"}' });
    try {
      const schema = { type: 'object', properties: { answer: { type: 'string' } }, required: ['answer'] };
      const res = await anthropic.complete({
        model: 'claude-haiku-4-5',
        messages: [{ role: 'user', content: 'hi' }],
        params: {},
        responseFormat: { type: 'json_schema', name: 'reply', schema },
      });
      expect(lastBody().tools).toEqual([{ name: 'reply', description: expect.any(String), input_schema: schema }]);
      expect(lastBody().tool_choice).toEqual({ type: 'tool', name: 'reply' });
      expect(JSON.parse(res.text)).toEqual({ answer: 'yes' });
      expect(res.toolCalls).toBeUndefined();
    } finally {
      server.configure({
        respond: () => ({
          text: 'Let me look that up.',
          toolCalls: [{ name: 'search_orders', arguments: { email: 'jane@example.com' } }],
        }),
      });
    }
  });
});

describe('the server checks the wire format (so the tests above can fail)', () => {
  it('answers 400 to a tool result without its call, and to a tool call that lost its type', async () => {
    const post = (path: string, body: unknown) =>
      fetch(`${server.url}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      }).then(async (r) => ({ status: r.status, text: await r.text() }));
    const orphan = await post('/v1/chat/completions', {
      model: 'gpt-4o',
      messages: [
        { role: 'user', content: 'x' },
        { role: 'tool', tool_call_id: 'nope', content: 'y' },
      ],
    });
    expect(orphan.status).toBe(400);
    expect(orphan.text).toContain('messages[1].tool_call_id');
    const untyped = await post('/v1/chat/completions', {
      model: 'gpt-4o',
      messages: [
        { role: 'assistant', content: null, tool_calls: [{ id: 'c', function: { name: 'f', arguments: '{}' } }] },
      ],
    });
    expect(untyped.status).toBe(400);
    const loose = await post('/v1/messages', {
      model: 'claude-haiku-4-5',
      max_tokens: 10,
      messages: [{ role: 'user', content: [{ type: 'tool_result', tool_use_id: 'nope', content: 'y' }] }],
    });
    expect(loose.status).toBe(400);
    expect(loose.text).toContain('tool_use_id');
  });
});

describe('cost with cached input tokens, by hand', () => {
  it('OpenAI: 10,000 prompt tokens of which 8,000 cached, 500 out, gpt-4o = 2,000 × $2.50 + 8,000 × $1.25 + 500 × $10 per 1M = $0.02', async () => {
    server.configure({
      usage: () => ({ inputTokens: 10_000, cachedTokens: 8_000, outputTokens: 500, reasoningTokens: 120 }),
    });
    try {
      const res = await openai.complete(request('gpt-4o'));
      expect(res).toMatchObject({
        inputTokens: 10_000,
        cachedInputTokens: 8_000,
        outputTokens: 500,
        reasoningTokens: 120,
      });
      expect(costUsd(new PriceTable().lookup('gpt-4o-2024-08-06'), res)).toBeCloseTo(0.02, 12);
    } finally {
      server.configure({ usage: undefined });
    }
  });

  it('Anthropic: 1,000 plain + 6,000 cache reads + 3,000 cache writes in, 500 out, claude-haiku-4-5 = 1,000 × $1 + 6,000 × $0.10 + 3,000 × $1.25 + 500 × $5 per 1M = $0.00785', async () => {
    server.configure({
      usage: () => ({ inputTokens: 10_000, cachedTokens: 6_000, cacheWriteTokens: 3_000, outputTokens: 500 }),
    });
    try {
      const res = await anthropic.complete(request('claude-haiku-4-5'));
      // The wire said input_tokens 1,000: the record counts all 10,000 input tokens.
      expect(res).toMatchObject({
        inputTokens: 10_000,
        cachedInputTokens: 6_000,
        cacheWriteTokens: 3_000,
        outputTokens: 500,
      });
      expect(costUsd(new PriceTable().lookup('claude-haiku-4-5-20251001'), res)).toBeCloseTo(0.00785, 12);
    } finally {
      server.configure({ usage: undefined });
    }
  });
});
