/**
 * Where the fields of a production log line live. A mapping names a dotted path per field
 * (`request.messages`, `metadata.feature`); presets cover common export shapes. `input` may be a
 * string or a chat message list; `output` a string, or an OpenAI / Anthropic response object.
 */
export interface FieldMapping {
  readonly input: string;
  readonly output?: string;
  readonly feature?: string;
  readonly time?: string;
  readonly model?: string;
  readonly user?: string;
}

export const PRESETS: Readonly<Record<string, FieldMapping>> = {
  /** `{ input, output, feature, timestamp, model, user }` at the top level. */
  generic: { input: 'input', output: 'output', feature: 'feature', time: 'timestamp', model: 'model', user: 'user' },
  /** Raw OpenAI chat request/response pairs, as many gateways log them. */
  'openai-chat': { input: 'request.messages', output: 'response.choices.0.message.content', feature: 'metadata.feature', time: 'created_at', model: 'response.model', user: 'request.user' },
  /** A Langfuse generations export. */
  langfuse: { input: 'input', output: 'output', feature: 'metadata.feature', time: 'startTime', model: 'model', user: 'userId' },
};

export function getPath(record: unknown, dotted: string): unknown {
  let current: unknown = record;
  for (const part of dotted.split('.')) {
    if (current === null || current === undefined) return undefined;
    if (Array.isArray(current) && /^\d+$/.test(part)) current = current[Number(part)];
    else if (typeof current === 'object') current = (current as Record<string, unknown>)[part];
    else return undefined;
  }
  return current;
}

export interface LogMessage {
  readonly role: string;
  readonly content: string;
}

/** A chat input as messages; a plain string becomes one user message. Undefined when unusable. */
export function inputMessages(value: unknown): LogMessage[] | undefined {
  if (typeof value === 'string') return value.trim() ? [{ role: 'user', content: value }] : undefined;
  if (!Array.isArray(value) || value.length === 0) return undefined;
  const out: LogMessage[] = [];
  for (const m of value) {
    if (!m || typeof m !== 'object') return undefined;
    const { role, content } = m as { role?: unknown; content?: unknown };
    if (typeof role !== 'string') return undefined;
    const text = typeof content === 'string' ? content : Array.isArray(content) ? content.map((p) => (p && typeof p === 'object' && typeof (p as { text?: unknown }).text === 'string' ? (p as { text: string }).text : '')).join('') : undefined;
    if (text === undefined) return undefined;
    out.push({ role, content: text });
  }
  return out;
}

/** Output text from a string, an OpenAI completion, or an Anthropic message. */
export function outputText(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (value && typeof value === 'object') {
    const choice = (value as { choices?: { message?: { content?: unknown } }[] }).choices?.[0]?.message?.content;
    if (typeof choice === 'string') return choice;
    const blocks = (value as { content?: unknown }).content;
    if (Array.isArray(blocks)) return blocks.map((b) => (b && typeof b === 'object' && typeof (b as { text?: unknown }).text === 'string' ? (b as { text: string }).text : '')).join('');
  }
  return undefined;
}
