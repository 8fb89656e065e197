/**
 * OpenInference (Arize Phoenix's conventions): flattened, indexed attributes —
 * `llm.input_messages.N.message.role|content|tool_call_id`,
 * `llm.input_messages.N.message.tool_calls.M.tool_call.id|function.name|function.arguments`, the
 * same under `llm.output_messages`, tools as JSON in `llm.tools.N.tool.json_schema`, the served
 * model in `llm.model_name`, the request in `llm.invocation_parameters`, and `llm.token_count.*`.
 */
import type { NormalizedMessage, NormalizedToolCall } from './normalized-log.js';
import { indexed, SpanProblem, type DialectFields, type SpanView } from './otlp-span.js';
import { countOf, isObject, optional, stringOf } from './values.js';

function toolCalls(message: Map<string, unknown>): NormalizedToolCall[] {
  const flat = Object.fromEntries(message);
  return indexed(flat, 'message.tool_calls.').map((call) => {
    const name = stringOf(call.get('tool_call.function.name'));
    if (name === undefined) throw new SpanProblem('a tool call without a function name');
    return {
      id: stringOf(call.get('tool_call.id')) ?? '',
      type: 'function',
      function: { name, arguments: stringOf(call.get('tool_call.function.arguments')) ?? '{}' },
    };
  });
}

function messageOf(message: Map<string, unknown>, where: string): NormalizedMessage {
  const role = message.get('message.role');
  const content = stringOf(message.get('message.content'));
  if (role === 'system' || role === 'user') return { role, content: content ?? '' };
  if (role === 'assistant') {
    const calls = toolCalls(message);
    return {
      role,
      content: content ?? (calls.length ? null : ''),
      ...(calls.length ? { tool_calls: calls } : {}),
    };
  }
  if (role === 'tool')
    return { role, tool_call_id: stringOf(message.get('message.tool_call_id')) ?? '', content: content ?? '' };
  throw new SpanProblem(`${where}: a message with role ${JSON.stringify(role)}`);
}

function requestedModel(attributes: Readonly<Record<string, unknown>>): string | undefined {
  const raw = attributes['llm.invocation_parameters'];
  if (typeof raw !== 'string') return undefined;
  try {
    const parameters: unknown = JSON.parse(raw);
    return isObject(parameters) ? stringOf(parameters.model) : undefined;
  } catch {
    return undefined;
  }
}

export function openInferenceLog(span: SpanView): DialectFields {
  const a = span.attributes;
  const messages = indexed(a, 'llm.input_messages.').map((m, i) => messageOf(m, `llm.input_messages.${i}`));
  if (messages.length === 0) throw new SpanProblem('an LLM span without input messages');
  const answer = indexed(a, 'llm.output_messages.')
    .map((m, i) => messageOf(m, `llm.output_messages.${i}`))
    .find((m) => m.role === 'assistant');
  const tools = indexed(a, 'llm.tools.').map((t, i) => {
    const schema = stringOf(t.get('tool.json_schema'));
    try {
      return schema === undefined ? undefined : (JSON.parse(schema) as unknown);
    } catch {
      throw new SpanProblem(`llm.tools.${i}.tool.json_schema is not valid JSON`);
    }
  });
  const usage = {
    ...optional('inputTokens', countOf(a['llm.token_count.prompt'])),
    ...optional('outputTokens', countOf(a['llm.token_count.completion'])),
    ...optional('cachedInputTokens', countOf(a['llm.token_count.prompt_details.cache_read'])),
    ...optional('reasoningTokens', countOf(a['llm.token_count.completion_details.reasoning'])),
  };
  const defined = tools.filter((t) => t !== undefined);
  return {
    input: { messages, ...(defined.length ? { tools: defined } : {}) },
    ...(answer && answer.role === 'assistant'
      ? {
          output: {
            text: answer.content ?? '',
            ...(answer.tool_calls?.length ? { tool_calls: answer.tool_calls } : {}),
          },
        }
      : {}),
    ...optional('requestedModel', requestedModel(a)),
    ...optional('servedModel', stringOf(a['llm.model_name'])),
    ...(Object.keys(usage).length ? { usage } : {}),
    ...optional('finishReason', stringOf(a['llm.finish_reason'])),
  };
}
