/**
 * The neutral request and response ↔ the Messages wire format (pure functions).
 * - System messages become the `system` parameter.
 * - Tool results become `tool_result` blocks in a user turn; consecutive results (parallel calls)
 *   share one turn, as the API requires, and a user message right after them joins that turn.
 * - Assistant tool calls become `tool_use` blocks with the arguments parsed (the API wants an
 *   object; unparseable arguments, which a replayed log can hold, are sent as {"_raw": text}).
 * - Images: a `data:` URI becomes a base64 source, an http(s) URL a url source.
 * - `response_format: json_schema` (and the judge's structured verdict) is a tool the model must
 *   call, whose input is the answer; `json_object` is the same with an open object schema.
 */
import type Anthropic from '@anthropic-ai/sdk';
import type { ChatMessage, ContentPart, ToolChoice } from '../conversation/types.js';
import { ProviderCallError, type ChatRequest, type ChatResponse } from './types.js';

export const ANTHROPIC_DEFAULT_MAX_TOKENS = 1024;

type Block = Anthropic.ContentBlockParam;
type Params = Anthropic.MessageCreateParamsNonStreaming;

function imageBlock(url: string): Anthropic.ImageBlockParam {
  const data = /^data:(image\/[a-z]+);base64,(.*)$/s.exec(url);
  if (data) {
    const mediaType = (data[1] === 'image/jpg' ? 'image/jpeg' : data[1]) as Anthropic.Base64ImageSource['media_type'];
    return {
      type: 'image',
      source: { type: 'base64', media_type: mediaType, data: (data[2] as string).replace(/\s+/g, '') },
    };
  }
  return { type: 'image', source: { type: 'url', url } };
}

function partBlock(part: ContentPart): Block {
  return part.type === 'text' ? { type: 'text', text: part.text } : imageBlock(part.url);
}

function parseArguments(text: string): Record<string, unknown> {
  try {
    const value = JSON.parse(text === '' ? '{}' : text) as unknown;
    if (value !== null && typeof value === 'object' && !Array.isArray(value)) return value as Record<string, unknown>;
  } catch {
    // fall through: keep the text so nothing the log held is lost
  }
  return { _raw: text };
}

export function toAnthropicTurns(messages: readonly ChatMessage[]): {
  system: string;
  turns: Anthropic.MessageParam[];
} {
  const system = messages
    .filter((m) => m.role === 'system')
    .map((m) => m.content)
    .join('\n\n');
  const turns: Anthropic.MessageParam[] = [];
  // Whether the last turn is a user turn made of tool results, which later results and text join.
  let openResults = false;
  for (const m of messages) {
    if (m.role === 'system') continue;
    if (m.role === 'tool') {
      const block: Anthropic.ToolResultBlockParam = {
        type: 'tool_result',
        tool_use_id: m.toolCallId,
        content: m.content,
      };
      const last = turns[turns.length - 1];
      if (openResults && last) (last.content as Block[]).push(block);
      else turns.push({ role: 'user', content: [block] });
      openResults = true;
      continue;
    }
    if (m.role === 'user') {
      const blocks: Block[] =
        typeof m.content === 'string' ? [{ type: 'text', text: m.content }] : m.content.map(partBlock);
      const last = turns[turns.length - 1];
      if (openResults && last) (last.content as Block[]).push(...blocks);
      else turns.push({ role: 'user', content: typeof m.content === 'string' ? m.content : blocks });
      openResults = false;
      continue;
    }
    openResults = false;
    if (!m.toolCalls?.length) {
      turns.push({ role: 'assistant', content: m.content });
      continue;
    }
    const blocks: Block[] = m.content ? [{ type: 'text', text: m.content }] : [];
    for (const call of m.toolCalls)
      blocks.push({ type: 'tool_use', id: call.id, name: call.name, input: parseArguments(call.arguments) });
    turns.push({ role: 'assistant', content: blocks });
  }
  return { system, turns };
}

function toolChoice(choice: ToolChoice): Anthropic.ToolChoice {
  if (choice === 'auto' || choice === 'none') return { type: choice };
  if (choice === 'required') return { type: 'any' };
  return { type: 'tool', name: choice.name };
}

/** The forced tool standing for a structured answer, if the request asks for one. */
export function structuredTool(request: ChatRequest): Anthropic.Tool | undefined {
  if (request.structured) {
    return {
      name: request.structured.name,
      description: request.structured.description,
      input_schema: request.structured.schema as Anthropic.Tool.InputSchema,
    };
  }
  const format = request.responseFormat;
  if (format?.type === 'json_schema')
    return {
      name: format.name,
      description: "Give the answer as this tool's input.",
      input_schema: format.schema as Anthropic.Tool.InputSchema,
    };
  if (format?.type === 'json_object')
    return {
      name: 'json_answer',
      description: "Give the answer as this tool's input (a JSON object).",
      input_schema: { type: 'object' },
    };
  return undefined;
}

export function toAnthropicParams(request: ChatRequest): Params {
  const { system, turns } = toAnthropicTurns(request.messages);
  const forced = structuredTool(request);
  const tools: Anthropic.Tool[] = (request.tools ?? []).map((t) => ({
    name: t.name,
    ...(t.description !== undefined ? { description: t.description } : {}),
    input_schema: t.parameters as Anthropic.Tool.InputSchema,
  }));
  if (forced) tools.push(forced);
  return {
    max_tokens: ANTHROPIC_DEFAULT_MAX_TOKENS,
    ...(request.params as object),
    model: request.model,
    ...(system ? { system } : {}),
    messages: turns,
    ...(tools.length > 0 ? { tools } : {}),
    ...(forced
      ? { tool_choice: { type: 'tool' as const, name: forced.name } }
      : request.toolChoice
        ? { tool_choice: toolChoice(request.toolChoice) }
        : {}),
    stream: false,
  } as Params;
}

export function fromAnthropicMessage(message: Anthropic.Message, request: ChatRequest): ChatResponse {
  if (!message || !Array.isArray(message.content))
    throw new ProviderCallError('malformed', 'response has no content list');
  const forced = structuredTool(request)?.name;
  const toolUses = message.content.filter((block): block is Anthropic.ToolUseBlock => block.type === 'tool_use');
  const answer = forced ? toolUses.find((b) => b.name === forced) : undefined;
  const text = message.content
    .filter((block): block is Anthropic.TextBlock => block.type === 'text')
    .map((block) => block.text)
    .join('');
  const toolCalls = toolUses
    .filter((b) => b !== answer)
    .map((b) => ({ id: b.id, name: b.name, arguments: JSON.stringify(b.input ?? {}) }));
  const usage = message.usage;
  const read = usage?.cache_read_input_tokens ?? 0;
  const written = usage?.cache_creation_input_tokens ?? 0;
  return {
    // With a forced tool, the structured answer is the tool's input; without one (a refusal), the text.
    text: answer ? JSON.stringify(answer.input) : text,
    ...(toolCalls.length > 0 ? { toolCalls } : {}),
    ...(message.stop_reason === 'refusal' ? { refusal: text } : {}),
    finishReason: message.stop_reason ?? null,
    // Anthropic counts cache reads and writes apart from input_tokens; the record counts all input.
    inputTokens: typeof usage?.input_tokens === 'number' ? usage.input_tokens + read + written : null,
    outputTokens: usage?.output_tokens ?? null,
    ...(read > 0 ? { cachedInputTokens: read } : {}),
    ...(written > 0 ? { cacheWriteTokens: written } : {}),
    providerModel: message.model ?? null,
    systemFingerprint: null,
  };
}
