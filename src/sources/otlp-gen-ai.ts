/**
 * The OpenTelemetry GenAI semantic conventions, attribute form: messages as JSON in
 * `gen_ai.input.messages` / `gen_ai.output.messages`, each `{role, parts: [...]}` with parts
 * `text` (`content`), `tool_call` (`id`, `name`, `arguments`) and `tool_call_response` (`id`,
 * `response`); the system prompt may also stand apart in `gen_ai.system_instructions`.
 */
import type { NormalizedMessage, NormalizedToolCall } from './normalized-log.js';
import { SpanProblem, type DialectFields, type SpanView } from './otlp-span.js';
import { countOf as count, isObject, optional as opt, stringOf } from './values.js';

function parsed(attributes: Readonly<Record<string, unknown>>, key: string): unknown {
  const value = attributes[key];
  if (value === undefined) return undefined;
  if (typeof value !== 'string') return value;
  try {
    return JSON.parse(value);
  } catch {
    throw new SpanProblem(`${key} is not valid JSON`);
  }
}

const argumentsText = (args: unknown): string => (typeof args === 'string' ? args : JSON.stringify(args ?? {}));

function toolCallOf(part: Record<string, unknown>, key: string): NormalizedToolCall {
  if (typeof part.name !== 'string') throw new SpanProblem(`${key}: a tool_call part without a name`);
  return {
    id: String(part.id ?? ''),
    type: 'function',
    function: { name: part.name, arguments: argumentsText(part.arguments) },
  };
}

function partsOf(message: unknown, key: string): Record<string, unknown>[] {
  if (!isObject(message) || !Array.isArray(message.parts)) throw new SpanProblem(`${key}: a message without parts`);
  return message.parts.filter(isObject);
}

const textOf = (parts: readonly Record<string, unknown>[]): string =>
  parts
    .filter((p) => p.type === 'text')
    .map((p) => String(p.content ?? ''))
    .join('');

/** One GenAI message as the OpenAI-spelled messages it stands for (a tool message per response part). */
function messagesOf(message: unknown, key: string): NormalizedMessage[] {
  const parts = partsOf(message, key);
  const role = isObject(message) ? message.role : undefined;
  if (role === 'system' || role === 'user') return [{ role, content: textOf(parts) }];
  if (role === 'assistant') {
    const calls = parts.filter((p) => p.type === 'tool_call').map((p) => toolCallOf(p, key));
    const content = textOf(parts);
    return [
      {
        role,
        content: calls.length > 0 && content === '' ? null : content,
        ...(calls.length ? { tool_calls: calls } : {}),
      },
    ];
  }
  if (role === 'tool')
    return parts
      .filter((p) => p.type === 'tool_call_response')
      .map((p) => ({
        role: 'tool',
        tool_call_id: String(p.id ?? ''),
        content: typeof p.response === 'string' ? p.response : JSON.stringify(p.response ?? null),
      }));
  throw new SpanProblem(`${key}: a message with role ${JSON.stringify(role)}`);
}

function listOf(value: unknown, key: string): unknown[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) throw new SpanProblem(`${key} is not a list`);
  return value;
}

export function genAiLog(span: SpanView): DialectFields {
  const a = span.attributes;
  const system = listOf(parsed(a, 'gen_ai.system_instructions'), 'gen_ai.system_instructions').filter(isObject);
  const input = listOf(parsed(a, 'gen_ai.input.messages'), 'gen_ai.input.messages').flatMap((m, i) =>
    messagesOf(m, `gen_ai.input.messages[${i}]`),
  );
  if (input.length === 0 && system.length === 0) throw new SpanProblem('a chat span without input messages');
  const messages: NormalizedMessage[] = [
    ...(system.length ? [{ role: 'system' as const, content: textOf(system) }] : []),
    ...input,
  ];
  const output = listOf(parsed(a, 'gen_ai.output.messages'), 'gen_ai.output.messages').flatMap((m, i) =>
    messagesOf(m, `gen_ai.output.messages[${i}]`),
  );
  const answer = output.find((m) => m.role === 'assistant');
  const tools = listOf(parsed(a, 'gen_ai.tool.definitions'), 'gen_ai.tool.definitions');
  const finish = a['gen_ai.response.finish_reasons'];
  const usage = {
    ...opt('inputTokens', count(a['gen_ai.usage.input_tokens'])),
    ...opt('outputTokens', count(a['gen_ai.usage.output_tokens'])),
    ...opt('cachedInputTokens', count(a['gen_ai.usage.cache_read.input_tokens'])),
    ...opt('reasoningTokens', count(a['gen_ai.usage.reasoning.output_tokens'])),
  };
  return {
    input: { messages, ...(tools.length ? { tools } : {}) },
    ...(answer && answer.role === 'assistant'
      ? {
          output: {
            text: answer.content ?? '',
            ...(answer.tool_calls?.length ? { tool_calls: answer.tool_calls } : {}),
          },
        }
      : {}),
    ...opt('requestedModel', stringOf(a['gen_ai.request.model'])),
    ...opt('servedModel', stringOf(a['gen_ai.response.model'])),
    ...(Object.keys(usage).length ? { usage } : {}),
    ...opt('finishReason', Array.isArray(finish) && typeof finish[0] === 'string' ? finish[0] : undefined),
  };
}
