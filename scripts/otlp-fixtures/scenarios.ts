/**
 * The chat calls every OTLP fixture records, one per shape a production trace has: a system
 * prompt, a multi-turn conversation, a tool call, and the tool's result answered. The stand-in
 * server answers them as `answerFor` says; the recorder keeps what the API returned beside the
 * traces (`<dialect>.expected.json`), so the readers are checked against the wire, not themselves.
 */
import type OpenAI from 'openai';
import type { Answer, ChatCall } from '../../test/support/fake-llm-server.js';

type Request = OpenAI.Chat.Completions.ChatCompletionCreateParamsNonStreaming;

const ORDER_TOOL = {
  type: 'function' as const,
  function: {
    name: 'get_order_status',
    description: 'Look up the status of an order by its number',
    parameters: {
      type: 'object',
      properties: { order_id: { type: 'string' } },
      required: ['order_id'],
    },
  },
};

export const SCENARIOS: readonly { readonly name: string; readonly request: Request }[] = [
  {
    name: 'system prompt',
    request: {
      model: 'gpt-4o-mini',
      messages: [
        { role: 'system', content: 'You are the support assistant of Nimbus Drive. Answer in one sentence.' },
        { role: 'user', content: 'How do I reset my password?' },
      ],
    },
  },
  {
    name: 'multi-turn',
    request: {
      model: 'gpt-4o',
      messages: [
        { role: 'system', content: 'You are the support assistant of Nimbus Drive.' },
        { role: 'user', content: 'Can I share a folder?' },
        { role: 'assistant', content: 'Yes: open the folder and choose Share.' },
        { role: 'user', content: 'And can I revoke it later?' },
      ],
      temperature: 0.2,
    },
  },
  {
    name: 'tool call',
    request: {
      model: 'gpt-4o-mini',
      messages: [{ role: 'user', content: 'Where is my order 1234?' }],
      tools: [ORDER_TOOL],
    },
  },
  {
    name: 'tool result',
    request: {
      model: 'gpt-4o-mini',
      messages: [
        { role: 'user', content: 'Where is my order 1234?' },
        {
          role: 'assistant',
          content: null,
          tool_calls: [
            {
              id: 'call_1',
              type: 'function',
              function: { name: 'get_order_status', arguments: '{"order_id":"1234"}' },
            },
          ],
        },
        { role: 'tool', tool_call_id: 'call_1', content: '{"status":"shipped","eta":"2026-12-04"}' },
      ],
      tools: [ORDER_TOOL],
    },
  },
];

export function answerFor(call: ChatCall): Answer {
  const last = call.messages[call.messages.length - 1];
  if (last?.role === 'tool') return 'Your order 1234 has shipped and should arrive on 4 December.';
  if (last?.content.includes('order 1234'))
    return { toolCalls: [{ name: 'get_order_status', arguments: { order_id: '1234' } }] };
  if (last?.content.includes('revoke')) return 'Yes: open Share settings and remove the person.';
  return 'Open Settings, choose Security, then Reset password.';
}
