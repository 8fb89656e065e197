/**
 * The log presets read tool-bearing requests as gateways and Langfuse store them: tools, tool
 * calls, tool results and image parts survive sampling, and become the drift case's request.
 * The two lines here are the ones README.md shows.
 */
import { describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { makeProject } from './support/project.js';
import { sampleLogs } from '../src/drift/sample-logs.js';
import { PRESETS } from '../src/sources/log-fields.js';
import { driftCases } from '../src/drift/drift-plan.js';

export const OPENAI_CHAT_LINE = {
  created_at: '2026-11-20T09:14:03Z',
  request: {
    model: 'gpt-4o',
    messages: [
      { role: 'system', content: 'You are the order-support agent of Acme.' },
      {
        role: 'user',
        content: [
          { type: 'text', text: 'This arrived broken. Order for jane@example.com' },
          { type: 'image_url', image_url: { url: 'https://cdn.example.com/u/123/parcel.jpg', detail: 'low' } },
        ],
      },
      {
        role: 'assistant',
        content: null,
        tool_calls: [
          {
            id: 'call_9xk',
            type: 'function',
            function: { name: 'search_orders', arguments: '{"email":"jane@example.com"}' },
          },
        ],
      },
      { role: 'tool', tool_call_id: 'call_9xk', content: '[{"order_id":"A-1043","status":"delivered"}]' },
    ],
    tools: [
      {
        type: 'function',
        function: {
          name: 'search_orders',
          description: 'Find orders by customer email',
          parameters: { type: 'object', properties: { email: { type: 'string' } }, required: ['email'] },
        },
      },
    ],
    tool_choice: 'auto',
    user: 'u-77',
  },
  response: {
    model: 'gpt-4o-2024-08-06',
    choices: [
      {
        message: {
          role: 'assistant',
          content: 'I am sorry order A-1043 arrived damaged. I can refund it or send a replacement.',
        },
        finish_reason: 'stop',
      },
    ],
  },
  metadata: { feature: 'returns' },
};

export const LANGFUSE_LINE = {
  id: 'obs_01',
  type: 'GENERATION',
  startTime: '2026-11-20T09:20:00.000Z',
  model: 'claude-haiku-4-5',
  input: {
    messages: [
      { role: 'user', content: 'Where is order A-2001?' },
      {
        role: 'assistant',
        content: [
          { type: 'text', text: 'Let me check.' },
          { type: 'tool_use', id: 'toolu_01', name: 'get_order', input: { order_id: 'A-2001' } },
        ],
      },
      { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_01', content: '{"status":"in transit"}' }] },
    ],
    tools: [
      {
        name: 'get_order',
        description: 'One order by id',
        input_schema: { type: 'object', properties: { order_id: { type: 'string' } }, required: ['order_id'] },
      },
    ],
  },
  output: { role: 'assistant', content: 'Order A-2001 is in transit.' },
  metadata: { feature: 'tracking' },
  userId: 'u-12',
};

async function sampleOne(line: unknown, format: 'openai-chat' | 'langfuse') {
  const dir = await makeProject({});
  const file = path.join(dir, 'logs.jsonl');
  writeFileSync(file, `${JSON.stringify(line)}\n`);
  const sample = await sampleLogs([file], {
    mapping: PRESETS[format] as (typeof PRESETS)['generic'],
    size: 10,
    minPerStratum: 1,
    seed: 's',
    maxBadFraction: 0,
  });
  expect(sample.items).toHaveLength(1);
  return { item: sample.items[0]!, cases: (await driftCases(sample.items, ['email'])).cases };
}

describe('log presets with tools', () => {
  it('openai-chat: tools, tool calls, tool results and an image part become the replayed request (email redacted everywhere)', async () => {
    const { item, cases } = await sampleOne(OPENAI_CHAT_LINE, 'openai-chat');
    expect(item.options).toEqual({ tools: OPENAI_CHAT_LINE.request.tools, tool_choice: 'auto' });
    const [c] = cases;
    expect(c?.options.tools).toEqual([
      {
        name: 'search_orders',
        description: 'Find orders by customer email',
        parameters: OPENAI_CHAT_LINE.request.tools[0]!.function.parameters,
      },
    ]);
    expect(c?.options.toolChoice).toBe('auto');
    expect(c?.messages[1]).toEqual({
      role: 'user',
      content: [
        { type: 'text', text: 'This arrived broken. Order for [EMAIL]' },
        { type: 'image', url: 'https://cdn.example.com/u/123/parcel.jpg', detail: 'low' },
      ],
    });
    expect(c?.messages[2]).toEqual({
      role: 'assistant',
      content: '',
      toolCalls: [{ id: 'call_9xk', name: 'search_orders', arguments: '{"email":"[EMAIL]"}' }],
    });
    expect(c?.messages[3]).toEqual({
      role: 'tool',
      toolCallId: 'call_9xk',
      content: '[{"order_id":"A-1043","status":"delivered"}]',
    });
  });

  it('langfuse: an input of {messages, tools} in Anthropic blocks reads into the same neutral model', async () => {
    const { cases } = await sampleOne(LANGFUSE_LINE, 'langfuse');
    const [c] = cases;
    expect(c?.options.tools?.map((t) => t.name)).toEqual(['get_order']);
    expect(c?.messages).toEqual([
      { role: 'user', content: 'Where is order A-2001?' },
      {
        role: 'assistant',
        content: 'Let me check.',
        toolCalls: [{ id: 'toolu_01', name: 'get_order', arguments: '{"order_id":"A-2001"}' }],
      },
      { role: 'tool', toolCallId: 'toolu_01', content: '{"status":"in transit"}' },
    ]);
  });

  it('a logged conversation no provider would accept is a counted bad line, not a stop of the weekly job', async () => {
    const dir = await makeProject({});
    const file = path.join(dir, 'logs.jsonl');
    const orphan = {
      ...OPENAI_CHAT_LINE,
      request: {
        ...OPENAI_CHAT_LINE.request,
        messages: [
          { role: 'user', content: 'hi' },
          { role: 'tool', tool_call_id: 'call_x', content: '[]' },
        ],
      },
    };
    const badSchema = {
      ...OPENAI_CHAT_LINE,
      request: {
        ...OPENAI_CHAT_LINE.request,
        tools: [{ type: 'function', function: { name: 'f', parameters: { type: 'object', required: 'email' } } }],
      },
    };
    writeFileSync(file, [OPENAI_CHAT_LINE, orphan, badSchema].map((l) => JSON.stringify(l)).join('\n') + '\n');
    const sample = await sampleLogs([file], {
      mapping: PRESETS['openai-chat'] as (typeof PRESETS)['generic'],
      size: 10,
      minPerStratum: 1,
      seed: 's',
      maxBadFraction: 1,
    });
    expect(sample.items).toHaveLength(1);
    expect(sample.badLines).toBe(2);
    expect(sample.firstBad.map((b) => [b.line, b.reason.split(':')[0]])).toEqual([
      [2, 'messages[1]'],
      [3, 'tools[0].function.parameters'],
    ]);
    expect(sample.firstBad[0]?.reason).toContain('no earlier assistant message calls a tool with that id');
  });
});
