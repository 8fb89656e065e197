/**
 * The fields of one log line the production section reads — usage, cost, which model answered,
 * latency, errors, who called — taken through the field mapping, so files, OTLP and every source
 * feed it alike. A field the mapping does not name, or a line does not carry, is undefined; the
 * section then says which parts it could not compute and why.
 */
import { getPath, type FieldMapping } from '../sources/log-fields.js';

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

export function usageLineOf(record: unknown, mapping: FieldMapping, groupBy?: string): UsageLine {
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
  const texts = [
    ['user', mapping.user],
    ['session', mapping.session],
    ['requestedModel', mapping.requestedModel],
    ['servedModel', mapping.model],
    ['fingerprint', mapping.fingerprint],
  ] as const;
  for (const [key, path] of texts) {
    const v = text(at(path));
    if (v !== undefined) line[key] = v;
  }
  const counts = [
    ['inputTokens', mapping.inputTokens],
    ['outputTokens', mapping.outputTokens],
    ['cachedInputTokens', mapping.cachedInputTokens],
    ['costUsd', mapping.costUsd],
    ['latencyMs', mapping.latencyMs],
  ] as const;
  for (const [key, path] of counts) {
    const v = count(at(path));
    if (v !== undefined) line[key] = v;
  }
  return line;
}
