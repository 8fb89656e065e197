/**
 * The small readers every source's record builder uses on values a platform or a trace hands it
 * loosely typed: an object, a count, a non-empty string, and a key set only when it has a value
 * (so normalized records carry no `undefined` fields).
 */

/** Any non-null object, arrays included (OTLP attribute values). */
export const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null;

/** A plain record: an object that is not an array (a message, a page, a platform's item). */
export const isRecord = (v: unknown): v is Record<string, unknown> => isObject(v) && !Array.isArray(v);

/** A string, or undefined for anything else. */
export const stringOf = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

/** A non-empty string, or undefined. */
export const textOf = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

/** A non-negative finite number (a token count, a cost, seconds), or undefined. */
export const countOf = (v: unknown): number | undefined =>
  typeof v === 'number' && Number.isFinite(v) && v >= 0 ? v : undefined;

/** `{ key: value }`, or nothing when the value is absent. */
export function optional<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  const out: { [P in K]?: V } = {};
  if (value !== undefined) out[key] = value;
  return out;
}
