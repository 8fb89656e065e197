/**
 * The GenAI semantic conventions' event form, as the OpenTelemetry project's own
 * `@opentelemetry/instrumentation-openai` writes it: the span carries the model, usage and finish
 * reasons, and each message is a log record tied to the span (`event.name` `gen_ai.system.message`,
 * `gen_ai.user.message`, `gen_ai.assistant.message`, `gen_ai.tool.message`, `gen_ai.choice`), its
 * content in the body. otlp.ts joins the two by span id within a file; the tools offered are not
 * recorded by this form.
 */
import type { NormalizedMessage, NormalizedToolCall } from './normalized-log.js';
import { SpanProblem, type DialectFields, type SpanView } from './otlp-span.js';
import { countOf, isObject, optional, stringOf } from './values.js';

export interface GenAiEvent {
  readonly name: string;
  readonly body: unknown;
}

function toolCallsOf(value: unknown, where: string): NormalizedToolCall[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) throw new SpanProblem(`${where}: tool_calls is not a list`);
  return value.map((call) => {
    const fn = isObject(call) && isObject(call.function) ? call.function : undefined;
    const name = stringOf(fn?.name);
    if (!fn || name === undefined) throw new SpanProblem(`${where}: a tool call without a function name`);
    const args = fn.arguments;
    return {
      id: stringOf(isObject(call) ? call.id : undefined) ?? '',
      type: 'function',
      function: { name, arguments: typeof args === 'string' ? args : JSON.stringify(args ?? {}) },
    };
  });
}

function messageOf(event: GenAiEvent, index: number): NormalizedMessage | undefined {
  const body = isObject(event.body) ? event.body : {};
  const where = `event ${index} (${event.name})`;
  switch (event.name) {
    case 'gen_ai.system.message':
      return { role: 'system', content: stringOf(body.content) ?? '' };
    case 'gen_ai.user.message':
      return { role: 'user', content: stringOf(body.content) ?? '' };
    case 'gen_ai.assistant.message': {
      const calls = toolCallsOf(body.tool_calls, where);
      const content = stringOf(body.content);
      return {
        role: 'assistant',
        content: content ?? (calls.length ? null : ''),
        ...(calls.length ? { tool_calls: calls } : {}),
      };
    }
    case 'gen_ai.tool.message':
      return { role: 'tool', tool_call_id: stringOf(body.id) ?? '', content: stringOf(body.content) ?? '' };
    default:
      return undefined;
  }
}

export function eventFormLog(span: SpanView, events: readonly GenAiEvent[]): DialectFields {
  const a = span.attributes;
  const messages = events.flatMap((e, i) => {
    const m = messageOf(e, i);
    return m ? [m] : [];
  });
  if (messages.length === 0)
    throw new SpanProblem(
      'no gen_ai message events for this chat span in the file (the instrumentation records content only with OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT=true, and its logs must reach the same file)',
    );
  const choice = events.find((e) => e.name === 'gen_ai.choice');
  const body = choice && isObject(choice.body) ? choice.body : undefined;
  const message = body && isObject(body.message) ? body.message : undefined;
  const calls = message ? toolCallsOf(message.tool_calls, 'gen_ai.choice') : [];
  const finish = a['gen_ai.response.finish_reasons'];
  const usage = {
    ...optional('inputTokens', countOf(a['gen_ai.usage.input_tokens'])),
    ...optional('outputTokens', countOf(a['gen_ai.usage.output_tokens'])),
  };
  return {
    input: { messages },
    ...(message
      ? { output: { text: stringOf(message.content) ?? '', ...(calls.length ? { tool_calls: calls } : {}) } }
      : {}),
    ...optional('requestedModel', stringOf(a['gen_ai.request.model'])),
    ...optional('servedModel', stringOf(a['gen_ai.response.model'])),
    ...(Object.keys(usage).length ? { usage } : {}),
    ...optional(
      'finishReason',
      stringOf(body?.finish_reason) ?? (Array.isArray(finish) ? stringOf(finish[0]) : undefined),
    ),
  };
}
