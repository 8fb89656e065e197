/**
 * OTLP trace files as the OpenTelemetry Collector's file exporter writes them — one
 * ExportTraceServiceRequest as JSON per line, plain or gzipped — read into normalized log
 * records. Four dialects are told apart by their attributes, with no configuration:
 * - the GenAI semantic conventions' attribute form (`gen_ai.input.messages`, `gen_ai.output.messages`,
 *   `gen_ai.system_instructions`, `gen_ai.tool.definitions`, `gen_ai.usage.*`), which OpenLLMetry's
 *   instrumentation now writes;
 * - OpenInference (`openinference.span.kind: LLM`, `llm.input_messages.N.message.*`,
 *   `llm.output_messages.N…`, `llm.tools.N.tool.json_schema`, `llm.token_count.*`);
 * - OpenLLMetry's earlier indexed attributes (`gen_ai.prompt.N.*`, `gen_ai.completion.N.*`);
 * - the GenAI conventions' event form (the OpenTelemetry project's own instrumentation): model and
 *   usage on the span, each message a log record of the same file tied to it by span id.
 * Only chat spans become records; any other span is passed over. A line that is not JSON, or a chat
 * span whose messages cannot be read, is a bad line (counted, as the file reader counts them).
 */
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { createGunzip } from 'node:zlib';
import type { Readable } from 'node:stream';
import { NORMALIZED_LOG_SCHEMA_VERSION, type NormalizedFeedback, type NormalizedLog } from './normalized-log.js';
import { SpanProblem, type DialectFields, type SpanView } from './otlp-span.js';
import { isObject, optional, textOf } from './values.js';
import { eventFormLog, type GenAiEvent } from './otlp-events.js';
import { genAiLog } from './otlp-gen-ai.js';
import { openInferenceLog } from './otlp-openinference.js';
import { openLlmetryLog } from './otlp-openllmetry.js';

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

/** Which dialect a span speaks, or undefined when it is not a chat call. */
const DIALECTS = {
  'gen-ai': genAiLog,
  openinference: openInferenceLog,
  openllmetry: openLlmetryLog,
} as const;

type Dialect = keyof typeof DIALECTS | 'gen-ai-events';

function dialectOf(attributes: Readonly<Record<string, unknown>>): Dialect | undefined {
  if ('gen_ai.input.messages' in attributes || 'gen_ai.output.messages' in attributes) return 'gen-ai';
  if (attributes['openinference.span.kind'] === 'LLM') return 'openinference';
  if ('gen_ai.prompt.0.role' in attributes || 'gen_ai.prompt.0.content' in attributes) return 'openllmetry';
  // Model and usage on the span, the messages in log records tied to it.
  if (attributes['gen_ai.operation.name'] === 'chat') return 'gen-ai-events';
  return undefined;
}

/**
 * The GenAI conventions' `gen_ai.evaluation.result` events on a span (an evaluator's verdict on
 * the answer: name, score value or label, explanation) as the record's feedback.
 */
function evaluationsOf(span: Record<string, unknown>): NormalizedFeedback[] {
  return list(span.events).flatMap((event): NormalizedFeedback[] => {
    if (!isObject(event) || event.name !== 'gen_ai.evaluation.result') return [];
    const a = decodeAll(list(event.attributes) as KeyValue[]);
    const name = textOf(a['gen_ai.evaluation.name']);
    if (!name) return [];
    const score = a['gen_ai.evaluation.score.value'];
    const value = typeof score === 'number' ? score : textOf(a['gen_ai.evaluation.score.label']);
    return [
      {
        name,
        ...optional('value', value),
        ...optional('comment', textOf(a['gen_ai.evaluation.explanation'])),
        source: 'otel',
      },
    ];
  });
}

function viewOf(span: Record<string, unknown>, attributes: Record<string, unknown>): SpanView {
  const status = isObject(span.status) ? span.status : {};
  const evaluations = evaluationsOf(span);
  return {
    ...(evaluations.length > 0 ? { evaluations } : {}),
    attributes,
    name: String(span.name ?? ''),
    traceId: String(span.traceId ?? ''),
    spanId: String(span.spanId ?? ''),
    ...optional('startNanos', nanos(span.startTimeUnixNano)),
    ...optional('endNanos', nanos(span.endTimeUnixNano)),
    ...(status.code === 2 || status.code === 'STATUS_CODE_ERROR'
      ? { error: textOf(status.message) ?? 'the span ended in an error' }
      : {}),
  };
}

function recordOf(
  view: SpanView,
  dialect: Dialect,
  fields: DialectFields,
  resource: Readonly<Record<string, unknown>>,
): NormalizedLog {
  const attributes = { ...resource, ...view.attributes };
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
    ...optional('feature', textOf(attributes['service.name']) ?? (view.name || undefined)),
    ...optional('user', textOf(attributes['user.id']) ?? textOf(attributes['enduser.id'])),
    ...optional('session', textOf(attributes['session.id']) ?? textOf(attributes['gen_ai.conversation.id'])),
    ...fields,
    ...(view.evaluations ? { feedback: view.evaluations } : {}),
    ...(view.error ? { error: view.error } : {}),
    attributes,
  };
}

export interface OtlpLine {
  readonly line: number;
  readonly record?: NormalizedLog;
  readonly error?: string;
}

const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const resourceOf = (entry: unknown) =>
  decodeAll(isObject(entry) && isObject(entry.resource) ? (list(entry.resource.attributes) as KeyValue[]) : []);

/**
 * One file's requests, a line at a time. Spans whose messages are in the same line's attributes
 * become records at once; a span of the event form waits, with the gen_ai log records seen, until
 * the file ends, and is joined with its own (same span id) then — so memory for that form grows
 * with a file, not with the whole window (the Collector rotates its files).
 */
export class OtlpReader {
  private readonly pending: { line: number; view: SpanView; resource: Record<string, unknown> }[] = [];
  private readonly events = new Map<string, GenAiEvent[]>();

  read(textLine: string, line: number): OtlpLine[] {
    let request: unknown;
    try {
      request = JSON.parse(textLine);
    } catch (err) {
      return [{ line, error: `not valid JSON (${(err as Error).message.slice(0, 80)})` }];
    }
    if (isObject(request) && Array.isArray(request.resourceLogs)) {
      this.keepEvents(request.resourceLogs);
      return [];
    }
    if (!isObject(request) || !Array.isArray(request.resourceSpans))
      return [{ line, error: 'not an OTLP trace export (no resourceSpans)' }];
    const out: OtlpLine[] = [];
    for (const rs of request.resourceSpans) {
      const resource = resourceOf(rs);
      for (const scope of isObject(rs) ? list(rs.scopeSpans) : [])
        for (const span of isObject(scope) ? list(scope.spans) : []) {
          const id = isObject(span) ? String(span.spanId ?? '?') : '?';
          try {
            const record = this.spanRecord(span, resource, line);
            if (record) out.push({ line, record });
          } catch (err) {
            if (!(err instanceof SpanProblem)) throw err;
            out.push({ line, error: `span ${id}: ${err.message}` });
          }
        }
    }
    return out;
  }

  /** The event-form spans, joined with their log records now that the file has been read. */
  finish(): OtlpLine[] {
    const out = this.pending.map(({ line, view, resource }): OtlpLine => {
      try {
        return {
          line,
          record: recordOf(view, 'gen-ai-events', eventFormLog(view, this.events.get(view.spanId) ?? []), resource),
        };
      } catch (err) {
        if (!(err instanceof SpanProblem)) throw err;
        return { line, error: `span ${view.spanId}: ${err.message}` };
      }
    });
    this.pending.length = 0;
    this.events.clear();
    return out;
  }

  private spanRecord(span: unknown, resource: Record<string, unknown>, line: number): NormalizedLog | undefined {
    if (!isObject(span)) throw new SpanProblem('a span that is not an object');
    const own = decodeAll(list(span.attributes) as KeyValue[]);
    const dialect = dialectOf(own);
    if (!dialect) return undefined;
    const view = viewOf(span, own);
    if (dialect === 'gen-ai-events') {
      this.pending.push({ line, view, resource });
      return undefined;
    }
    return recordOf(view, dialect, DIALECTS[dialect](view), resource);
  }

  private keepEvents(resourceLogs: readonly unknown[]): void {
    for (const rl of resourceLogs)
      for (const scope of isObject(rl) ? list(rl.scopeLogs) : [])
        for (const record of isObject(scope) ? list(scope.logRecords) : []) {
          if (!isObject(record) || typeof record.spanId !== 'string' || record.spanId === '') continue;
          const attributes = decodeAll(list(record.attributes) as KeyValue[]);
          const name = textOf(record.eventName) ?? textOf(attributes['event.name']);
          if (!name?.startsWith('gen_ai.')) continue;
          const events = this.events.get(record.spanId) ?? [];
          events.push({ name, body: decode(isObject(record.body) ? record.body : undefined) });
          this.events.set(record.spanId, events);
        }
  }
}

/** The chat spans of one line read alone (an event-form span is joined with what the line holds). */
export function requestToLogs(textLine: string, line: number): OtlpLine[] {
  const reader = new OtlpReader();
  return [...reader.read(textLine, line), ...reader.finish()];
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

/** The normalized records of an OTLP file, a request (line) at a time; event-form spans at its end. */
export async function* otlpLogs(file: string): AsyncGenerator<OtlpLine[]> {
  const reader = new OtlpReader();
  let line = 0;
  for await (const textLine of await openLines(file)) {
    line++;
    if (textLine.trim() === '') continue;
    const out = reader.read(textLine, line);
    if (out.length) yield out;
  }
  const joined = reader.finish();
  if (joined.length) yield joined;
}
