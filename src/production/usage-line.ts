/**
 * The fields of one log line the production section reads — usage, cost, which model answered,
 * latency, errors, who called — taken through the field mapping, so files, OTLP and every source
 * feed it alike. A field the mapping does not name, or a line does not carry, is undefined; the
 * section then says which parts it could not compute and why.
 */
import { getPath, type FieldMapping } from '../sources/log-fields.js';
import { isRecord } from '../sources/values.js';

export interface UsageLine {
  /** Epoch milliseconds, when the line has a readable time. */
  readonly time?: number;
  readonly feature: string;
  /** The value of `drift.group_by` (a customer tier), when set. */
  readonly group?: string;
  readonly user?: string;
  readonly session?: string;
  readonly requestedModel?: string;
  readonly servedModel?: string;
  readonly fingerprint?: string;
  readonly inputTokens?: number;
  readonly outputTokens?: number;
  readonly cachedInputTokens?: number;
  readonly costUsd?: number;
  readonly latencyMs?: number;
  readonly error: boolean;
  readonly promptVersion?: string;
  /** Characters of the input's text (every message), for the traffic test. */
  readonly inputChars?: number;
  /** The logged input as it is (read for its words only when the line is kept in a sample). */
  readonly input?: unknown;
  /** Numeric feedback by name (true/false as 1/0); absent when the line has none. */
  readonly feedback?: readonly { readonly name: string; readonly value: number }[];
}

/** `true`/`false`, a number, or `"1"`/`"up"`/`"down"` as a number; undefined for anything else. */
function feedbackValue(v: unknown): number | undefined {
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  if (typeof v === 'string') {
    const t = v.trim().toLowerCase();
    if (['up', 'true', 'yes', 'positive', 'good', '👍'].includes(t)) return 1;
    if (['down', 'false', 'no', 'negative', 'bad', '👎'].includes(t)) return 0;
    const n = Number(t);
    return t !== '' && Number.isFinite(n) ? n : undefined;
  }
  return undefined;
}

export function feedbackOf(value: unknown): { name: string; value: number }[] | undefined {
  if (value === undefined || value === null) return undefined;
  const list = Array.isArray(value) ? value : [value];
  const out: { name: string; value: number }[] = [];
  for (const item of list) {
    if (isRecord(item)) {
      const v = feedbackValue(item.value ?? item.score);
      const name = typeof item.name === 'string' && item.name ? item.name : 'feedback';
      if (v !== undefined) out.push({ name, value: v });
    } else {
      const v = feedbackValue(item);
      if (v !== undefined) out.push({ name: 'feedback', value: v });
    }
  }
  return out.length > 0 ? out : undefined;
}

/** The characters of an input: text, or a message list's contents. */
function charsOf(input: unknown): number | undefined {
  if (typeof input === 'string') return input.length;
  if (!Array.isArray(input)) return undefined;
  let n = 0;
  for (const m of input) {
    const content = isRecord(m) ? m.content : undefined;
    if (typeof content === 'string') n += content.length;
    else if (Array.isArray(content))
      for (const part of content) {
        const t = isRecord(part) ? part.text : undefined;
        if (typeof t === 'string') n += t.length;
      }
  }
  return n;
}

const count = (v: unknown): number | undefined => {
  const n = typeof v === 'string' && v.trim() !== '' ? Number(v) : v;
  return typeof n === 'number' && Number.isFinite(n) && n >= 0 ? n : undefined;
};
const text = (v: unknown): string | undefined =>
  typeof v === 'string' && v !== '' ? v : typeof v === 'number' ? String(v) : undefined;

export function timeOf(value: unknown): number | undefined {
  if (typeof value === 'number') return value < 1e12 ? value * 1000 : value;
  const t = Date.parse(String(value ?? ''));
  return Number.isFinite(t) ? t : undefined;
}

type TextField = 'user' | 'session' | 'requestedModel' | 'servedModel' | 'fingerprint' | 'promptVersion';
type CountField = 'inputTokens' | 'outputTokens' | 'cachedInputTokens' | 'costUsd' | 'latencyMs';

/**
 * A reader of usage lines for one mapping: the paths it names are listed once, not per line, and
 * the fields it does not name are never looked up.
 */
export function usageReader(mapping: FieldMapping, groupBy?: string): (record: unknown) => UsageLine {
  const named = <K extends string>(pairs: readonly (readonly [K, string | undefined])[]) =>
    pairs.flatMap(([key, path]) => (path ? [[key, path] as const] : []));
  const texts = named<TextField>([
    ['user', mapping.user],
    ['session', mapping.session],
    ['requestedModel', mapping.requestedModel],
    ['servedModel', mapping.model],
    ['fingerprint', mapping.fingerprint],
    ['promptVersion', mapping.promptVersion],
  ]);
  const counts = named<CountField>([
    ['inputTokens', mapping.inputTokens],
    ['outputTokens', mapping.outputTokens],
    ['cachedInputTokens', mapping.cachedInputTokens],
    ['costUsd', mapping.costUsd],
    ['latencyMs', mapping.latencyMs],
  ]);
  return (record) => {
    const at = (path: string | undefined): unknown => (path ? getPath(record, path) : undefined);
    const error = at(mapping.error);
    // Built by assignment, not spreads: this runs for every line of the week.
    const line: { -readonly [K in keyof UsageLine]: UsageLine[K] } = {
      feature: text(at(mapping.feature)) ?? '(none)',
      error: error !== undefined && error !== null && error !== false && error !== '',
    };
    const time = timeOf(at(mapping.time));
    if (time !== undefined) line.time = time;
    if (groupBy) line.group = text(getPath(record, groupBy)) ?? '(none)';
    for (const [key, path] of texts) {
      const v = text(getPath(record, path));
      if (v !== undefined) line[key] = v;
    }
    for (const [key, path] of counts) {
      const v = count(getPath(record, path));
      if (v !== undefined) line[key] = v;
    }
    const input = at(mapping.input);
    const chars = charsOf(input);
    if (chars !== undefined) {
      line.inputChars = chars;
      line.input = input;
    }
    const feedback = feedbackOf(at(mapping.feedback));
    if (feedback) line.feedback = feedback;
    return line;
  };
}

/** One line's usage (tests and one-off reads; a pass over many lines makes one `usageReader`). */
export function usageLineOf(record: unknown, mapping: FieldMapping, groupBy?: string): UsageLine {
  return usageReader(mapping, groupBy)(record);
}
