/**
 * Where the fields of a production log line live. A mapping names a dotted path per field
 * (`request.messages`, `metadata.feature`); presets cover common export shapes. `input` may be a
 * string, a chat message list (OpenAI or Anthropic spelling: tool calls, tool results and image
 * parts are kept), or an object `{messages, tools, tool_choice, response_format}` as Langfuse
 * stores a generation's input; `output` a string, or an OpenAI / Anthropic response object.
 */
import { parseMessages } from '../conversation/parse.js';
import type { ChatMessage } from '../conversation/types.js';
import type { FieldMapping } from './log-presets.js';

export {
  PRESETS,
  PRESET_NAMES,
  fieldMapping,
  readerOf,
  type FieldMapping,
  type LogReader,
  type PresetName,
} from './log-presets.js';

/**
 * The value at a dotted path. A key that itself holds dots (an OpenTelemetry attribute such as
 * `app.feature` under `attributes`) is found too: where one segment is not a key, longer runs of
 * the remaining segments are tried as one.
 */
const splitPaths = new Map<string, readonly string[]>();

export function getPath(record: unknown, dotted: string): unknown {
  // The common case, a key of the record itself (`feature`, `time`), without splitting anything.
  if (typeof record === 'object' && record !== null && !Array.isArray(record) && dotted in record)
    return (record as Record<string, unknown>)[dotted];
  // Called for several fields of every line of a week: the few distinct paths are split once.
  let parts = splitPaths.get(dotted);
  if (!parts) {
    parts = dotted.split('.');
    if (splitPaths.size < 1_000) splitPaths.set(dotted, parts);
  }
  let current: unknown = record;
  for (let i = 0; i < parts.length; i++) {
    if (current === null || current === undefined) return undefined;
    const part = parts[i] ?? '';
    if (Array.isArray(current) && /^\d+$/.test(part)) {
      current = current[Number(part)];
      continue;
    }
    if (typeof current !== 'object') return undefined;
    const object = current as Record<string, unknown>;
    if (part in object) {
      current = object[part];
      continue;
    }
    let found = false;
    for (let j = i + 2; j <= parts.length && !found; j++) {
      const joined = parts.slice(i, j).join('.');
      if (joined in object) {
        current = object[joined];
        i = j - 1;
        found = true;
      }
    }
    if (!found) return undefined;
  }
  return current;
}

class Unusable extends Error {}

/** A chat input as messages; a plain string becomes one user message. Undefined when unusable. */
export function inputMessages(value: unknown): ChatMessage[] | undefined {
  if (typeof value === 'string') return value.trim() ? [{ role: 'user', content: value }] : undefined;
  const list =
    value !== null && typeof value === 'object' && !Array.isArray(value)
      ? (value as { messages?: unknown }).messages
      : value;
  if (!Array.isArray(list) || list.length === 0) return undefined;
  try {
    return parseMessages(list, 'messages', () => {
      throw new Unusable();
    });
  } catch (err) {
    if (err instanceof Unusable) return undefined;
    throw err;
  }
}

/**
 * The request's tools, tool choice and response format, as logged (checked later, with the case).
 * Looked up at the mapping's paths, else beside the messages when the input is an object.
 */
export function requestOptionsOf(record: unknown, mapping: FieldMapping): Record<string, unknown> | undefined {
  const input = getPath(record, mapping.input);
  const beside =
    input !== null && typeof input === 'object' && !Array.isArray(input) ? (input as Record<string, unknown>) : {};
  const pick = (path: string | undefined, key: string): unknown =>
    (path ? getPath(record, path) : undefined) ?? beside[key];
  const out: Record<string, unknown> = {};
  const tools = pick(mapping.tools, 'tools');
  const toolChoice = pick(mapping.toolChoice, 'tool_choice');
  const format = pick(mapping.responseFormat, 'response_format');
  if (Array.isArray(tools) && tools.length > 0) out.tools = tools;
  if (toolChoice !== undefined && toolChoice !== null) out.tool_choice = toolChoice;
  if (format !== undefined && format !== null) out.response_format = format;
  return Object.keys(out).length > 0 ? out : undefined;
}

/** Output text from a string, an OpenAI completion, or an Anthropic message. */
export function outputText(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (value && typeof value === 'object') {
    const choice = (value as { choices?: { message?: { content?: unknown } }[] }).choices?.[0]?.message?.content;
    if (typeof choice === 'string') return choice;
    const blocks = (value as { content?: unknown }).content;
    if (Array.isArray(blocks))
      return blocks
        .map((b) =>
          b && typeof b === 'object' && typeof (b as { text?: unknown }).text === 'string'
            ? (b as { text: string }).text
            : '',
        )
        .join('');
  }
  return undefined;
}
