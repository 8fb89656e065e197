/** What each OTLP dialect reader is given and gives back (otlp.ts reads the file, the dialects a span). */
import type { NormalizedFeedback, NormalizedLog } from './normalized-log.js';

/** A span's attributes decoded (keys as written, dotted), and the span's own fields. */
export interface SpanView {
  readonly attributes: Readonly<Record<string, unknown>>;
  readonly name: string;
  readonly traceId: string;
  readonly spanId: string;
  readonly startNanos?: bigint;
  readonly endNanos?: bigint;
  readonly error?: string;
  /** `gen_ai.evaluation.result` events on the span, as feedback. */
  readonly evaluations?: readonly NormalizedFeedback[];
}

/** The fields a dialect reads from a chat span; the rest of the record is the span's own. */
export type DialectFields = Pick<
  NormalizedLog,
  'input' | 'output' | 'requestedModel' | 'servedModel' | 'usage' | 'finishReason'
>;

/** A chat span that cannot be read: a bad line, counted, naming the span. */
export class SpanProblem extends Error {}

/** `prefix.N.rest` → the values of each N, in index order, as maps of `rest`. */
export function indexed(attributes: Readonly<Record<string, unknown>>, prefix: string): Map<string, unknown>[] {
  const byIndex = new Map<number, Map<string, unknown>>();
  for (const [key, value] of Object.entries(attributes)) {
    if (!key.startsWith(prefix)) continue;
    const m = /^(\d+)\.(.+)$/.exec(key.slice(prefix.length));
    if (!m) continue;
    const index = Number(m[1]);
    let entry = byIndex.get(index);
    if (!entry) byIndex.set(index, (entry = new Map()));
    entry.set(m[2] ?? '', value);
  }
  return [...byIndex].sort((a, b) => a[0] - b[0]).map(([, entry]) => entry);
}
