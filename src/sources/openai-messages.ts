/**
 * Chat messages and answers in the OpenAI spelling — as Langfuse, LangSmith and stored
 * completions keep them — read into the normalized record's messages. Content parts other than
 * text (images, audio) are kept as parts for the conversation parser to judge; a message with a
 * role no provider accepts is a problem of that record, thrown as a LogProblem and counted.
 */
import type { ContentPart, NormalizedLog, NormalizedMessage, NormalizedToolCall } from './normalized-log.js';
import { isRecord } from './values.js';

/** A record a source cannot read: a bad line, with the reason. */
export class LogProblem extends Error {}

/** A JSON string is parsed (Langfuse's v2 API returns input and output as raw strings); anything else as is. */
export function parsedJson(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  const trimmed = value.trimStart();
  if (!trimmed.startsWith('[') && !trimmed.startsWith('{') && !trimmed.startsWith('"')) return value;
  try {
    return JSON.parse(value) as unknown;
  } catch {
    return value;
  }
}

function contentOf(value: unknown, where: string): string | ContentPart[] {
  if (typeof value === 'string') return value;
  if (value === null || value === undefined) return '';
  if (Array.isArray(value)) {
    const parts = value.filter(isRecord);
    // Text-only part lists read as their text, the form every scorer compares.
    if (parts.length === value.length && parts.every((p) => p.type === 'text' && typeof p.text === 'string'))
      return parts.map((p) => p.text).join('');
    if (parts.length !== value.length) throw new LogProblem(`${where}: content parts must be objects`);
    return parts;
  }
  throw new LogProblem(`${where}: content is neither text nor a list of parts`);
}

function toolCallsOf(value: unknown, where: string): NormalizedToolCall[] | undefined {
  if (!Array.isArray(value) || value.length === 0) return undefined;
  return value.map((call, i) => {
    const fn = isRecord(call) && isRecord(call.function) ? call.function : undefined;
    if (!isRecord(call) || !fn || typeof fn.name !== 'string')
      throw new LogProblem(`${where}.tool_calls[${i}]: a tool call needs function.name`);
    const args = typeof fn.arguments === 'string' ? fn.arguments : JSON.stringify(fn.arguments ?? {});
    return {
      id: typeof call.id === 'string' ? call.id : `call_${i}`,
      type: 'function',
      function: { name: fn.name, arguments: args },
    };
  });
}

export function messageOf(value: unknown, where: string): NormalizedMessage {
  if (!isRecord(value)) throw new LogProblem(`${where}: a message must be an object`);
  const role = value.role;
  if (role === 'system' || role === 'developer') return { role: 'system', content: contentOf(value.content, where) };
  if (role === 'user') return { role: 'user', content: contentOf(value.content, where) };
  if (role === 'assistant') {
    const toolCalls = toolCallsOf(value.tool_calls, where);
    const content = value.content === null || value.content === undefined ? null : contentOf(value.content, where);
    return {
      role: 'assistant',
      content: typeof content === 'string' || content === null ? content : JSON.stringify(content),
      ...(toolCalls ? { tool_calls: toolCalls } : {}),
    };
  }
  if (role === 'tool') {
    if (typeof value.tool_call_id !== 'string') throw new LogProblem(`${where}: a tool message needs tool_call_id`);
    const content = contentOf(value.content, where);
    return {
      role: 'tool',
      tool_call_id: value.tool_call_id,
      content: typeof content === 'string' ? content : JSON.stringify(content),
    };
  }
  throw new LogProblem(`${where}: unknown role ${JSON.stringify(role)}`);
}

/**
 * A request's messages and tools: a message list, `{ messages, tools }` (a request's parameters, as
 * the OpenAI wrappers log them), or a plain string (one user message).
 */
export function requestOf(value: unknown, where: string): NormalizedLog['input'] {
  const parsed = parsedJson(value);
  if (typeof parsed === 'string' && parsed !== '') return { messages: [{ role: 'user', content: parsed }] };
  const list = Array.isArray(parsed)
    ? parsed
    : isRecord(parsed) && Array.isArray(parsed.messages)
      ? parsed.messages
      : undefined;
  if (!list || list.length === 0) throw new LogProblem(`${where}: no input messages`);
  const messages = list.map((m, i) => messageOf(m, `${where}[${i}]`));
  if (!isRecord(parsed)) return { messages };
  const tools = Array.isArray(parsed.tools) && parsed.tools.length > 0 ? parsed.tools : undefined;
  return {
    messages,
    ...(tools ? { tools } : {}),
    ...(parsed.tool_choice !== undefined ? { tool_choice: parsed.tool_choice } : {}),
    ...(parsed.response_format !== undefined ? { response_format: parsed.response_format } : {}),
  };
}

/**
 * What was answered: a string, an assistant message, or a whole chat completion
 * (`choices[0].message`). Undefined when nothing was logged.
 */
export function answerOf(
  value: unknown,
  where: string,
): { text: string; tool_calls?: NormalizedToolCall[] } | undefined {
  const parsed = parsedJson(value);
  if (parsed === undefined || parsed === null || parsed === '') return undefined;
  if (typeof parsed === 'string') return { text: parsed };
  let message: unknown = parsed;
  if (isRecord(parsed) && Array.isArray(parsed.choices))
    message = isRecord(parsed.choices[0]) ? parsed.choices[0].message : undefined;
  if (!isRecord(message)) throw new LogProblem(`${where}: the output is neither text nor an assistant message`);
  const content = message.content === null || message.content === undefined ? '' : contentOf(message.content, where);
  const toolCalls = toolCallsOf(message.tool_calls, where);
  return {
    text: typeof content === 'string' ? content : JSON.stringify(content),
    ...(toolCalls ? { tool_calls: toolCalls } : {}),
  };
}
