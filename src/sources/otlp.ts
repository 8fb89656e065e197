/**
 * OTLP trace files as the OpenTelemetry Collector's file exporter writes them — one
 * ExportTraceServiceRequest as JSON per line, plain or gzipped — read into normalized log
 * records. Two dialects are told apart by their attributes, with no configuration:
 * - the GenAI semantic conventions' attribute form (`gen_ai.input.messages`, `gen_ai.output.messages`,
 *   `gen_ai.system_instructions`, `gen_ai.tool.definitions`, `gen_ai.usage.*`), which OpenLLMetry's
 *   instrumentation now writes;
 * - OpenInference (`openinference.span.kind: LLM`, `llm.input_messages.N.message.*`,
 *   `llm.output_messages.N…`, `llm.tools.N.tool.json_schema`, `llm.token_count.*`).
 * Only chat spans become records; any other span is passed over. A line that is not JSON, or a chat
 * span whose messages cannot be read, is a bad line (counted, as the file reader counts them).
 */
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { createGunzip } from 'node:zlib';
import type { Readable } from 'node:stream';
import { NORMALIZED_LOG_SCHEMA_VERSION, type NormalizedLog } from './normalized-log.js';
import { isObject, optional, SpanProblem, type SpanView } from './otlp-span.js';
import { genAiLog } from './otlp-gen-ai.js';
import { openInferenceLog } from './otlp-openinference.js';

interface AnyValue {
  readonly stringValue?: string;
  readonly boolValue?: boolean;
  readonly intValue?: string | number;
  readonly doubleValue?: number;
  readonly arrayValue?: { readonly values?: readonly AnyValue[] };
  readonly kvlistValue?: { readonly values?: readonly KeyValue[] };
}
interface KeyValue {
  readonly key: string;
  readonly value?: AnyValue;
}

function decode(value: AnyValue | undefined): unknown {
  if (!value) return undefined;
  if (value.stringValue !== undefined) return value.stringValue;
  if (value.boolValue !== undefined) return value.boolValue;
  if (value.intValue !== undefined) return Number(value.intValue);
  if (value.doubleValue !== undefined) return value.doubleValue;
  if (value.arrayValue) return (value.arrayValue.values ?? []).map(decode);
  if (value.kvlistValue) return decodeAll(value.kvlistValue.values);
  return undefined;
}

function decodeAll(list: readonly KeyValue[] | undefined): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const kv of list ?? []) out[kv.key] = decode(kv.value);
  return out;
}

const nanos = (v: unknown): bigint | undefined =>
  typeof v === 'string' && /^\d+$/.test(v) ? BigInt(v) : typeof v === 'number' ? BigInt(Math.round(v)) : undefined;
const text = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

/** Which dialect a span speaks, or undefined when it is not a chat call. */
function dialectOf(attributes: Readonly<Record<string, unknown>>): 'gen-ai' | 'openinference' | undefined {
  if ('gen_ai.input.messages' in attributes || 'gen_ai.output.messages' in attributes) return 'gen-ai';
  if (attributes['openinference.span.kind'] === 'LLM') return 'openinference';
  return undefined;
}

/**
 * One span as a normalized record; undefined for a span that is not a chat call. `resource`: the
 * resource's attributes, which the span's own override.
 */
export function spanToLog(span: unknown, resource: Readonly<Record<string, unknown>>): NormalizedLog | undefined {
  if (!isObject(span)) throw new SpanProblem('a span that is not an object');
  const own = decodeAll(Array.isArray(span.attributes) ? span.attributes : []);
  const dialect = dialectOf(own);
  if (!dialect) return undefined;
  const status = isObject(span.status) ? span.status : {};
  const view: SpanView = {
    attributes: own,
    name: String(span.name ?? ''),
    traceId: String(span.traceId ?? ''),
    spanId: String(span.spanId ?? ''),
    ...optional('startNanos', nanos(span.startTimeUnixNano)),
    ...optional('endNanos', nanos(span.endTimeUnixNano)),
    ...(status.code === 2 || status.code === 'STATUS_CODE_ERROR'
      ? { error: text(status.message) ?? 'the span ended in an error' }
      : {}),
  };
  const fields = dialect === 'gen-ai' ? genAiLog(view) : openInferenceLog(view);
  const attributes = { ...resource, ...own };
  const start = view.startNanos;
  return {
    schemaVersion: NORMALIZED_LOG_SCHEMA_VERSION,
    source: 'otlp',
    dialect,
    traceId: view.traceId,
    spanId: view.spanId,
    ...(start !== undefined ? { time: new Date(Number(start / 1_000_000n)).toISOString() } : {}),
    ...(start !== undefined && view.endNanos !== undefined
      ? { latencyMs: Number((view.endNanos - start) / 1_000n) / 1000 }
      : {}),
    ...optional('feature', text(attributes['service.name']) ?? (view.name || undefined)),
    ...optional('user', text(attributes['user.id']) ?? text(attributes['enduser.id'])),
    ...optional('session', text(attributes['session.id']) ?? text(attributes['gen_ai.conversation.id'])),
    ...fields,
    ...(view.error ? { error: view.error } : {}),
    attributes,
  };
}

export interface OtlpLine {
  readonly line: number;
  readonly record?: NormalizedLog;
  readonly error?: string;
}

/** The chat spans of one ExportTraceServiceRequest, or why a line could not be read. */
export function requestToLogs(text: string, line: number): OtlpLine[] {
  let request: unknown;
  try {
    request = JSON.parse(text);
  } catch (err) {
    return [{ line, error: `not valid JSON (${(err as Error).message.slice(0, 80)})` }];
  }
  if (!isObject(request) || !Array.isArray(request.resourceSpans))
    return [{ line, error: 'not an OTLP trace export (no resourceSpans)' }];
  const out: OtlpLine[] = [];
  for (const rs of request.resourceSpans) {
    const resource = decodeAll(
      isObject(rs) && isObject(rs.resource) && Array.isArray(rs.resource.attributes) ? rs.resource.attributes : [],
    );
    const scopes = isObject(rs) && Array.isArray(rs.scopeSpans) ? rs.scopeSpans : [];
    for (const scope of scopes) {
      for (const span of isObject(scope) && Array.isArray(scope.spans) ? scope.spans : []) {
        try {
          const record = spanToLog(span, resource);
          if (record) out.push({ line, record });
        } catch (err) {
          if (!(err instanceof SpanProblem)) throw err;
          const id = isObject(span) ? String(span.spanId ?? '?') : '?';
          out.push({ line, error: `span ${id}: ${err.message}` });
        }
      }
    }
  }
  return out;
}

/** A file's lines, gunzipped when it starts with gzip's magic bytes. */
async function openLines(file: string): Promise<AsyncIterable<string>> {
  const head = await new Promise<Buffer>((resolve, reject) => {
    const chunks: Buffer[] = [];
    createReadStream(file, { start: 0, end: 1 })
      .on('data', (c) => chunks.push(Buffer.isBuffer(c) ? c : Buffer.from(c)))
      .on('end', () => resolve(Buffer.concat(chunks)))
      .on('error', reject);
  });
  const raw: Readable = createReadStream(file);
  const stream = head[0] === 0x1f && head[1] === 0x8b ? raw.pipe(createGunzip()) : raw;
  return createInterface({ input: stream, crlfDelay: Infinity });
}

/** The normalized records of an OTLP file, a request (line) at a time. */
export async function* otlpLogs(file: string): AsyncGenerator<OtlpLine[]> {
  let line = 0;
  for await (const text of await openLines(file)) {
    line++;
    if (text.trim() === '') continue;
    yield requestToLogs(text, line);
  }
}
