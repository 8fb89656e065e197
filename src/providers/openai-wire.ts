/**
 * The neutral request and response ↔ the Chat Completions wire format (pure functions, so the
 * translation is tested apart from HTTP as well as through the SDK).
 */
import type OpenAI from 'openai';
import type { ChatMessage, ContentPart, ToolChoice } from '../conversation/types.js';
import { ProviderCallError, type ChatRequest, type ChatResponse } from './types.js';

type Params = OpenAI.Chat.Completions.ChatCompletionCreateParamsNonStreaming;
type WireMessage = OpenAI.Chat.Completions.ChatCompletionMessageParam;

function wirePart(part: ContentPart): OpenAI.Chat.Completions.ChatCompletionContentPart {
  if (part.type === 'text') return { type: 'text', text: part.text };
  return { type: 'image_url', image_url: { url: part.url, ...(part.detail ? { detail: part.detail } : {}) } };
}

export function toOpenAIMessage(m: ChatMessage): WireMessage {
  switch (m.role) {
    case 'system':
      return { role: 'system', content: m.content };
    case 'user':
      return { role: 'user', content: typeof m.content === 'string' ? m.content : m.content.map(wirePart) };
    case 'assistant':
      if (!m.toolCalls?.length) return { role: 'assistant', content: m.content };
      return {
        role: 'assistant',
        // The API wants null, not '', beside tool calls with no text.
        content: m.content === '' ? null : m.content,
        tool_calls: m.toolCalls.map((c) => ({
          id: c.id,
          type: 'function' as const,
          function: { name: c.name, arguments: c.arguments },
        })),
      };
    case 'tool':
      return { role: 'tool', tool_call_id: m.toolCallId, content: m.content };
  }
}

function toolChoice(choice: ToolChoice): OpenAI.Chat.Completions.ChatCompletionToolChoiceOption {
  return typeof choice === 'string' ? choice : { type: 'function', function: { name: choice.name } };
}

export function toOpenAIParams(request: ChatRequest): Params {
  const format = request.structured
    ? {
        type: 'json_schema' as const,
        json_schema: {
          name: request.structured.name,
          description: request.structured.description,
          schema: request.structured.schema,
          strict: true,
        },
      }
    : request.responseFormat?.type === 'json_schema'
      ? {
          type: 'json_schema' as const,
          json_schema: {
            name: request.responseFormat.name,
            schema: request.responseFormat.schema,
            ...(request.responseFormat.strict !== undefined ? { strict: request.responseFormat.strict } : {}),
          },
        }
      : request.responseFormat
        ? { type: request.responseFormat.type }
        : undefined;
  return {
    ...(request.params as object),
    model: request.model,
    messages: request.messages.map(toOpenAIMessage),
    ...(request.tools?.length
      ? {
          tools: request.tools.map((t) => ({
            type: 'function' as const,
            function: {
              name: t.name,
              ...(t.description !== undefined ? { description: t.description } : {}),
              parameters: t.parameters as Record<string, unknown>,
            },
          })),
        }
      : {}),
    ...(request.toolChoice ? { tool_choice: toolChoice(request.toolChoice) } : {}),
    ...(format ? { response_format: format } : {}),
    stream: false,
  } as Params;
}

export function fromOpenAICompletion(completion: OpenAI.Chat.Completions.ChatCompletion): ChatResponse {
  const choice = completion?.choices?.[0];
  if (!choice || !choice.message) throw new ProviderCallError('malformed', 'response has no choices[0].message');
  const message = choice.message;
  const toolCalls = (message.tool_calls ?? []).flatMap((c) =>
    c.type === 'function' && c.function
      ? [{ id: c.id, name: c.function.name, arguments: c.function.arguments ?? '' }]
      : [],
  );
  const usage = completion.usage;
  const cached = usage?.prompt_tokens_details?.cached_tokens;
  const reasoning = usage?.completion_tokens_details?.reasoning_tokens;
  return {
    // A refusal comes back in its own field; it is the answer's text, and no verdict for a judge.
    text: message.content ?? message.refusal ?? '',
    ...(toolCalls.length > 0 ? { toolCalls } : {}),
    ...(message.refusal ? { refusal: message.refusal } : {}),
    finishReason: choice.finish_reason ?? null,
    inputTokens: usage?.prompt_tokens ?? null,
    outputTokens: usage?.completion_tokens ?? null,
    ...(typeof cached === 'number' && cached > 0 ? { cachedInputTokens: cached } : {}),
    ...(typeof reasoning === 'number' && reasoning > 0 ? { reasoningTokens: reasoning } : {}),
    providerModel: completion.model ?? null,
    systemFingerprint: completion.system_fingerprint ?? null,
  };
}
