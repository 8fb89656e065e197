/**
 * Content hashes. Keys are sorted before hashing so that `{a, b}` and `{b, a}` hash alike; this is
 * what makes cache keys and case ids stable across runs, machines and config formatting.
 */
import { createHash } from 'node:crypto';

/** JSON with object keys sorted at every level; `undefined` fields are dropped as JSON drops them. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value));
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort()) {
      const v = (value as Record<string, unknown>)[key];
      if (v !== undefined) out[key] = sortKeys(v);
    }
    return out;
  }
  return value;
}

/** Full sha256 hex of the canonical JSON of `value`. */
export function canonicalHash(value: unknown): string {
  return sha256(canonicalJson(value));
}

export function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}
