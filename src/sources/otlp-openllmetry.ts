/**
 * OpenLLMetry (Traceloop) before it moved to the GenAI conventions' JSON attributes — version 0.20
 * of `@traceloop/instrumentation-openai` and the apps still on it: `gen_ai.prompt.N.role|content`,
 * `gen_ai.completion.N.role|content|finish_reason|tool_calls.M.name|arguments`, tools as
 * `llm.request.functions.N.name|description|arguments` (the JSON Schema), and
 * `gen_ai.usage.prompt_tokens|completion_tokens`. It records less than the call had: an assistant
 * turn's tool calls are written as the text "null" and a tool result without the call it answers,
 * so such a conversation cannot be replayed and is a bad line that says why; a response's tool
 * calls keep their name and arguments but not their ids.
 */
import type { NormalizedMessage, NormalizedToolCall } from './normalized-log.js';
import { indexed, SpanProblem, type DialectFields, type SpanView } from './otlp-span.js';
import { countOf, optional, stringOf } from './values.js';

function promptOf(entry: Map<string, unknown>, where: string): NormalizedMessage {
  const role = entry.get('role');
  const content = stringOf(entry.get('content')) ?? '';
  if (role === 'system' || role === 'user') return { role, content };
  if (role === 'assistant') return { role, content };
  if (role === 'tool')
    throw new SpanProblem(
      `${where}: a tool result without the call it answers (this OpenLLMetry version does not record it), so the conversation cannot be replayed`,
    );
  throw new SpanProblem(`${where}: a message with role ${JSON.stringify(role)}`);
}

function parametersOf(text: string | undefined, where: string): unknown {
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new SpanProblem(`${where} is not valid JSON`);
  }
}

export function openLlmetryLog(span: SpanView): DialectFields {
  const a = span.attributes;
  const messages = indexed(a, 'gen_ai.prompt.').map((m, i) => promptOf(m, `gen_ai.prompt.${i}`));
  if (messages.length === 0) throw new SpanProblem('a chat span without gen_ai.prompt messages');
  const tools = indexed(a, 'llm.request.functions.').map((f, i) => {
    const name = stringOf(f.get('name'));
    if (name === undefined) throw new SpanProblem(`llm.request.functions.${i}: a function without a name`);
    const description = stringOf(f.get('description'));
    const parameters = parametersOf(stringOf(f.get('arguments')), `llm.request.functions.${i}.arguments`);
    return {
      type: 'function',
      function: {
        name,
        ...(description !== undefined ? { description } : {}),
        ...(parameters !== undefined ? { parameters } : {}),
      },
    };
  });
  const completion = indexed(a, 'gen_ai.completion.')[0];
  const calls: NormalizedToolCall[] = completion
    ? indexed(Object.fromEntries(completion), 'tool_calls.').map((c) => ({
        id: '',
        type: 'function',
        function: { name: stringOf(c.get('name')) ?? '', arguments: stringOf(c.get('arguments')) ?? '{}' },
      }))
    : [];
  const usage = {
    ...optional('inputTokens', countOf(a['gen_ai.usage.prompt_tokens'])),
    ...optional('outputTokens', countOf(a['gen_ai.usage.completion_tokens'])),
  };
  return {
    input: { messages, ...(tools.length ? { tools } : {}) },
    ...(completion
      ? {
          output: {
            text: stringOf(completion.get('content')) ?? '',
            ...(calls.length ? { tool_calls: calls } : {}),
          },
        }
      : {}),
    ...optional('requestedModel', stringOf(a['gen_ai.request.model'])),
    ...optional('servedModel', stringOf(a['gen_ai.response.model'])),
    ...(Object.keys(usage).length ? { usage } : {}),
    ...optional('finishReason', completion ? stringOf(completion.get('finish_reason')) : undefined),
  };
}
