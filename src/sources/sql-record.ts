/**
 * A row of the `sql` source's query as a normalized log record. The query names its columns after
 * the record's fields (snake_case or camelCase): `input` (a message list, `{messages, tools}`, or
 * text — a struct, a list or a JSON string), `output` (text or an assistant message), `time`,
 * `feature`, `user`, `session`, `trace_id`, `requested_model`, `served_model`, `fingerprint`,
 * `input_tokens`, `output_tokens`, `cached_input_tokens`, `reasoning_tokens`, `cost_usd`,
 * `latency_ms`, `environment`, `error`, `tags`, `feedback`; every other column is an attribute,
 * so `drift.fields` and `stratify` can name it (`attributes.tier`).
 */
import { NORMALIZED_LOG_SCHEMA_VERSION, type NormalizedFeedback, type NormalizedLog } from './normalized-log.js';
import { answerOf, LogProblem, parsedJson, requestOf } from './openai-messages.js';
import { isRecord, optional, textOf } from './values.js';

const FIELDS = {
  input: ['input'],
  output: ['output'],
  time: ['time', 'timestamp', 'start_time', 'startTime'],
  feature: ['feature'],
  user: ['user', 'user_id', 'userId'],
  session: ['session', 'session_id', 'sessionId'],
  traceId: ['trace_id', 'traceId'],
  spanId: ['span_id', 'spanId'],
  requestedModel: ['requested_model', 'requestedModel', 'model'],
  servedModel: ['served_model', 'servedModel'],
  fingerprint: ['fingerprint', 'system_fingerprint'],
  inputTokens: ['input_tokens', 'inputTokens', 'prompt_tokens'],
  outputTokens: ['output_tokens', 'outputTokens', 'completion_tokens'],
  cachedInputTokens: ['cached_input_tokens', 'cachedInputTokens'],
  reasoningTokens: ['reasoning_tokens', 'reasoningTokens'],
  costUsd: ['cost_usd', 'costUsd'],
  latencyMs: ['latency_ms', 'latencyMs'],
  finishReason: ['finish_reason', 'finishReason'],
  environment: ['environment'],
  error: ['error'],
  tags: ['tags'],
  feedback: ['feedback'],
  attributes: ['attributes', 'metadata'],
} as const;
const CLAIMED = new Set<string>([
  ...Object.values(FIELDS).flat(),
  'schemaVersion',
  'source',
  'dialect',
  'usage',
  'prompt',
]);

/** DuckDB's JSON form of a row: BIGINT and DECIMAL arrive as strings, timestamps without a zone. */
function numberOf(value: unknown): number | undefined {
  const n = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  return typeof n === 'number' && Number.isFinite(n) && n >= 0 ? n : undefined;
}

/** `2026-11-24 09:00:00[.123][+00]` (DuckDB's TIMESTAMP text) → ISO; other text as is. */
function timeOf(value: unknown): string | undefined {
  const text = textOf(value);
  if (!text) return undefined;
  const m = /^(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2}:\d{2}(?:\.\d+)?)(Z|[+-]\d{2}(?::?\d{2})?)?$/.exec(text);
  if (!m) return text;
  const zone = !m[3] || m[3] === 'Z' ? 'Z' : m[3].length === 3 ? `${m[3]}:00` : m[3];
  const parsed = Date.parse(`${m[1]}T${m[2]}${zone}`);
  return Number.isFinite(parsed) ? new Date(parsed).toISOString() : text;
}

/** Struct unification gives every row every field: a null is a field the row does not have. */
function withoutNulls(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutNulls);
  if (!isRecord(value)) return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) if (v !== null) out[k] = withoutNulls(v);
  return out;
}

function feedbackOf(value: unknown): NormalizedFeedback[] | undefined {
  const list = parsedJson(value);
  if (!Array.isArray(list)) return undefined;
  const out = list.filter(isRecord).flatMap((f): NormalizedFeedback[] => {
    const name = textOf(f.name);
    if (!name) return [];
    const v = f.value;
    const feedbackValue = typeof v === 'number' || typeof v === 'boolean' || typeof v === 'string' ? v : undefined;
    return [
      {
        name,
        ...optional('value', feedbackValue),
        ...optional('comment', textOf(f.comment)),
        ...optional('source', textOf(f.source)),
      },
    ];
  });
  return out.length > 0 ? out : undefined;
}

/** Text, an assistant message, or the normalized `{ text, tool_calls }`. */
function outputOf(value: unknown): NormalizedLog['output'] {
  if (value === undefined || value === null) return undefined;
  if (isRecord(value) && typeof value.text === 'string' && !('role' in value) && !('choices' in value))
    return answerOf({ role: 'assistant', content: value.text, tool_calls: value.tool_calls }, 'output');
  return answerOf(value, 'output');
}

export function sqlRowLog(row: Readonly<Record<string, unknown>>): NormalizedLog {
  const pick = (field: keyof typeof FIELDS): unknown => {
    for (const column of FIELDS[field]) if (row[column] !== null && row[column] !== undefined) return row[column];
    return undefined;
  };
  const rawInput = pick('input');
  if (rawInput === undefined) throw new LogProblem('input: the query returned no input column (or it is null)');
  const input = requestOf(withoutNulls(parsedJson(rawInput)), 'input');
  const output = outputOf(withoutNulls(parsedJson(pick('output'))));
  const given = parsedJson(pick('attributes'));
  const extra = Object.fromEntries(Object.entries(row).filter(([k, v]) => !CLAIMED.has(k) && v !== null));
  const attributes = { ...(isRecord(given) ? given : {}), ...extra };
  // A `usage` struct (a normalized export read back) or one column per count.
  const counts = isRecord(row.usage) ? row.usage : {};
  const count = (field: 'inputTokens' | 'outputTokens' | 'cachedInputTokens' | 'reasoningTokens') =>
    numberOf(pick(field) ?? counts[field]);
  const usage = {
    ...optional('inputTokens', count('inputTokens')),
    ...optional('outputTokens', count('outputTokens')),
    ...optional('cachedInputTokens', count('cachedInputTokens')),
    ...optional('reasoningTokens', count('reasoningTokens')),
  };
  const prompt = isRecord(row.prompt) ? row.prompt : undefined;
  const promptName = textOf(prompt?.name);
  const promptVersion = prompt?.version;
  const tags = parsedJson(pick('tags'));
  const tagList = Array.isArray(tags) ? tags.filter((t): t is string => typeof t === 'string') : [];
  const text = (field: keyof typeof FIELDS) =>
    textOf(typeof pick(field) === 'number' ? String(pick(field)) : pick(field));
  return {
    schemaVersion: NORMALIZED_LOG_SCHEMA_VERSION,
    source: 'sql',
    ...optional('traceId', text('traceId')),
    ...optional('spanId', text('spanId')),
    ...optional('time', timeOf(pick('time'))),
    ...optional('latencyMs', numberOf(pick('latencyMs'))),
    ...optional('feature', text('feature')),
    ...optional('user', text('user')),
    ...optional('session', text('session')),
    input,
    ...optional('output', output),
    ...optional('requestedModel', text('requestedModel')),
    ...optional('servedModel', text('servedModel')),
    ...optional('usage', Object.keys(usage).length > 0 ? usage : undefined),
    ...optional('finishReason', text('finishReason')),
    ...optional('fingerprint', text('fingerprint')),
    ...optional('costUsd', numberOf(pick('costUsd'))),
    ...optional(
      'prompt',
      promptName
        ? {
            name: promptName,
            ...optional(
              'version',
              typeof promptVersion === 'number' || typeof promptVersion === 'string' ? promptVersion : undefined,
            ),
          }
        : undefined,
    ),
    ...optional('environment', text('environment')),
    ...optional('tags', tagList.length > 0 ? tagList : undefined),
    ...optional('feedback', feedbackOf(pick('feedback'))),
    ...optional('error', text('error')),
    ...optional('attributes', Object.keys(attributes).length > 0 ? attributes : undefined),
  };
}
