/**
 * Reads conversations from datasets, prompt files and logs into the neutral model. Both SDK
 * spellings are accepted (OpenAI `tool_calls` / `tool_call_id` / `image_url` parts, Anthropic
 * `tool_use` / `tool_result` / `image` blocks) as well as the neutral one, so a logged request can
 * be replayed as it was sent. Every error names the field (`messages[2].content[1].url`); the
 * caller adds the file and line.
 */
import type { AssistantMessage, ChatMessage, ContentPart, ToolCall, ToolMessage } from './types.js';

/** Throws with a field path and a message; never returns. */
export type Fail = (field: string, message: string) => never;

const IMAGE_DATA_URI = /^data:image\/(png|jpeg|jpg|gif|webp);base64,[A-Za-z0-9+/=\s]+$/;

/** Images reach the provider as an https/http URL or a base64 `data:` URI; nothing else is sent. */
export function checkImageUrl(url: string, field: string, fail: Fail): string {
  if (/^https?:\/\/[^\s]+$/i.test(url)) return url;
  if (url.startsWith('data:')) {
    if (IMAGE_DATA_URI.test(url)) return url;
    return fail(field, 'expected a base64 data URI of a PNG, JPEG, GIF or WebP image (data:image/png;base64,...)');
  }
  const scheme = /^([A-Za-z][A-Za-z0-9+.-]*):/.exec(url)?.[1];
  return fail(
    field,
    `unsupported image URL${scheme ? ` scheme "${scheme}:"` : ''}: expected https://, http:// or a data:image/...;base64 URI (driftgate never fetches images; the provider does)`,
  );
}

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

function parsePart(raw: unknown, field: string, fail: Fail): ContentPart | ContentPart[] {
  if (typeof raw === 'string') return { type: 'text', text: raw };
  if (!isObject(raw))
    return fail(field, 'expected a content part such as {type: "text", text} or {type: "image", url}');
  switch (raw.type) {
    case 'text':
    case 'input_text':
      if (typeof raw.text !== 'string') return fail(`${field}.text`, 'expected a string');
      return { type: 'text', text: raw.text };
    case 'image_url': {
      // OpenAI: {type: image_url, image_url: {url, detail}} (older gateways log the URL as a string).
      const inner = raw.image_url;
      const url = typeof inner === 'string' ? inner : isObject(inner) ? inner.url : undefined;
      if (typeof url !== 'string') return fail(`${field}.image_url.url`, 'expected the image URL as a string');
      const detail = isObject(inner) ? inner.detail : undefined;
      return {
        type: 'image',
        url: checkImageUrl(url, `${field}.image_url.url`, fail),
        ...(detail === 'low' || detail === 'high' || detail === 'auto' ? { detail } : {}),
      };
    }
    case 'image': {
      if (typeof raw.url === 'string') {
        const detail = raw.detail;
        return {
          type: 'image',
          url: checkImageUrl(raw.url, `${field}.url`, fail),
          ...(detail === 'low' || detail === 'high' || detail === 'auto' ? { detail } : {}),
        };
      }
      // Anthropic: {type: image, source: {type: url, url} | {type: base64, media_type, data}}.
      const source = raw.source;
      if (isObject(source) && source.type === 'url' && typeof source.url === 'string')
        return { type: 'image', url: checkImageUrl(source.url, `${field}.source.url`, fail) };
      if (
        isObject(source) &&
        source.type === 'base64' &&
        typeof source.media_type === 'string' &&
        typeof source.data === 'string'
      ) {
        return {
          type: 'image',
          url: checkImageUrl(`data:${source.media_type};base64,${source.data}`, `${field}.source`, fail),
        };
      }
      return fail(
        field,
        'expected an image as {type: "image", url} or an Anthropic image block with a url or base64 source',
      );
    }
    default:
      return fail(
        `${field}.type`,
        `unsupported content part type ${JSON.stringify(raw.type)}: expected "text" or "image" (or "image_url")`,
      );
  }
}

function parseParts(raw: unknown, field: string, fail: Fail): ContentPart[] {
  if (!Array.isArray(raw)) return fail(field, 'expected a string or a list of content parts');
  return raw.flatMap((p, i) => parsePart(p, `${field}[${i}]`, fail));
}

/** Text only: tool results and system prompts are sent as text by both providers. */
function textOf(raw: unknown, field: string, fail: Fail): string {
  if (typeof raw === 'string') return raw;
  if (Array.isArray(raw)) {
    return raw
      .map((p, i) => {
        if (typeof p === 'string') return p;
        if (isObject(p) && (p.type === 'text' || p.type === 'input_text') && typeof p.text === 'string') return p.text;
        return fail(`${field}[${i}]`, 'expected text parts only here');
      })
      .join('');
  }
  if (isObject(raw) || typeof raw === 'number' || typeof raw === 'boolean') return JSON.stringify(raw);
  return fail(field, 'expected a string');
}

function argumentsText(raw: unknown): string {
  if (typeof raw === 'string') return raw;
  return JSON.stringify(raw ?? {});
}

function parseToolCalls(raw: unknown, field: string, fail: Fail): ToolCall[] {
  if (!Array.isArray(raw)) return fail(field, 'expected a list of tool calls');
  return raw.map((c, i) => {
    const f = `${field}[${i}]`;
    if (!isObject(c)) return fail(f, 'expected {id, name, arguments}');
    // OpenAI nests name and arguments under `function`.
    const fn = isObject(c.function) ? c.function : c;
    if (typeof c.id !== 'string' || c.id === '') return fail(`${f}.id`, 'expected the call id as a string');
    if (typeof fn.name !== 'string' || fn.name === '')
      return fail(`${f}${fn === c ? '' : '.function'}.name`, 'expected the tool name as a string');
    return { id: c.id, name: fn.name, arguments: argumentsText(fn.arguments ?? c.input) };
  });
}

/**
 * One raw message, which may become several: an Anthropic user turn carrying tool_result blocks
 * becomes one `tool` message per result (then the rest of its content as a user message).
 */
function parseOne(raw: unknown, field: string, fail: Fail): ChatMessage[] {
  if (!isObject(raw)) return fail(field, 'expected {role, content}');
  const role = raw.role === 'developer' ? 'system' : raw.role;
  switch (role) {
    case 'system':
      return [{ role: 'system', content: textOf(raw.content, `${field}.content`, fail) }];
    case 'user': {
      const content = raw.content;
      if (typeof content === 'string') return [{ role: 'user', content }];
      if (Array.isArray(content) && content.some((b) => isObject(b) && b.type === 'tool_result')) {
        const out: ChatMessage[] = [];
        const rest: unknown[] = [];
        content.forEach((b, i) => {
          if (isObject(b) && b.type === 'tool_result') {
            if (typeof b.tool_use_id !== 'string')
              return fail(`${field}.content[${i}].tool_use_id`, 'expected the id of the tool_use this answers');
            out.push({
              role: 'tool',
              toolCallId: b.tool_use_id,
              content: textOf(b.content ?? '', `${field}.content[${i}].content`, fail),
            });
          } else rest.push(b);
        });
        if (rest.length > 0) out.push({ role: 'user', content: parseParts(rest, `${field}.content`, fail) });
        return out;
      }
      const parts = parseParts(content, `${field}.content`, fail);
      // Text-only parts mean the same as their text to both providers: one spelling, one cache key.
      if (parts.every((p) => p.type === 'text'))
        return [{ role: 'user', content: parts.map((p) => (p as { text: string }).text).join('') }];
      return [{ role: 'user', content: parts }];
    }
    case 'assistant': {
      let text = '';
      const calls: ToolCall[] = [];
      if (Array.isArray(raw.content)) {
        // Anthropic: text and tool_use blocks in one list.
        raw.content.forEach((b, i) => {
          const f = `${field}.content[${i}]`;
          if (typeof b === 'string') text += b;
          else if (isObject(b) && b.type === 'text' && typeof b.text === 'string') text += b.text;
          else if (isObject(b) && b.type === 'tool_use') calls.push(...parseToolCalls([b], `${field}.content`, fail));
          else if (isObject(b) && (b.type === 'thinking' || b.type === 'redacted_thinking')) return;
          else fail(f, 'expected text or tool_use blocks in an assistant message');
        });
      } else if (raw.content !== null && raw.content !== undefined) {
        text = textOf(raw.content, `${field}.content`, fail);
      }
      const listed = raw.tool_calls ?? raw.toolCalls;
      if (listed !== undefined && listed !== null)
        calls.push(
          ...parseToolCalls(listed, `${field}.${raw.tool_calls !== undefined ? 'tool_calls' : 'toolCalls'}`, fail),
        );
      if (raw.content === undefined && calls.length === 0)
        return fail(`${field}.content`, 'expected a string (or tool calls)');
      const message: AssistantMessage = {
        role: 'assistant',
        content: text,
        ...(calls.length > 0 ? { toolCalls: calls } : {}),
      };
      return [message];
    }
    case 'tool': {
      const id = raw.tool_call_id ?? raw.toolCallId;
      if (typeof id !== 'string' || id === '')
        return fail(`${field}.tool_call_id`, 'expected the id of the tool call this result answers');
      const message: ToolMessage = {
        role: 'tool',
        toolCallId: id,
        content: textOf(raw.content ?? '', `${field}.content`, fail),
      };
      return [message];
    }
    default:
      return fail(`${field}.role`, `expected "system", "user", "assistant" or "tool", got ${JSON.stringify(raw.role)}`);
  }
}

/** Parses a list of messages; `field` is the list's own name (`messages`, or `` for a prompt file). */
export function parseMessages(raw: unknown, field: string, fail: Fail): ChatMessage[] {
  if (!Array.isArray(raw) || raw.length === 0)
    return fail(field || '[0]', 'expected a non-empty list of {role, content}');
  return raw.flatMap((m, i) => parseOne(m, `${field}[${i}]`, fail));
}

/**
 * A conversation is sendable when every tool result answers a call made earlier in it and not
 * answered yet. Both APIs reject such a request; catching it here stops the run before any call.
 */
export function checkToolResults(
  messages: readonly ChatMessage[],
  fail: (index: number, message: string) => never,
): void {
  const open = new Set<string>();
  const answered = new Set<string>();
  messages.forEach((m, i) => {
    if (m.role === 'assistant') for (const call of m.toolCalls ?? []) open.add(call.id);
    if (m.role === 'tool') {
      if (!open.has(m.toolCallId)) {
        fail(
          i,
          answered.has(m.toolCallId)
            ? `tool result for "${m.toolCallId}" given twice`
            : `tool result for "${m.toolCallId}", but no earlier assistant message calls a tool with that id`,
        );
      }
      open.delete(m.toolCallId);
      answered.add(m.toolCallId);
    }
  });
}
