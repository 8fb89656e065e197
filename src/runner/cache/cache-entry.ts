/**
 * What makes a cache entry trustworthy enough to be served as an answer. The cache is committed
 * (README), so a pull request can edit it: an entry is served only when
 * - it lives under the key it names,
 * - a chat entry's request hashes to that key (an edited request, or one moved under another
 *   request's key, would replay an answer to a different question), and
 * - its content hash — sha256 of the canonical JSON of everything else in it — still matches (an
 *   edited answer, token count or latency).
 * Anything else is a miss with a warning, never an answer. The content hash detects edits; it is
 * not a signature: someone who recomputes it by hand has forged the entry on purpose, which
 * `driftgate cache verify` cannot tell from a real one — review committed cache changes like code.
 */
import { canonicalHash } from '../../util/hash.js';

/** Entries since content hashes; schemaVersion 1 entries carry none and are not served. */
export const CACHE_SCHEMA_VERSION = 2;

export type { RawCacheEntry as SealedEntry } from '../../records/call-outcome.js';
import type { RawCacheEntry as SealedEntry } from '../../records/call-outcome.js';

type Unsealed<T> = Omit<T, 'contentHash'>;

export function contentHashOf(entry: Record<string, unknown>): string {
  const { contentHash: _ignored, ...rest } = entry;
  return canonicalHash(rest);
}

/** The entry with its content hash, ready to write. */
export function seal<T extends SealedEntry>(entry: Unsealed<T>): T {
  return { ...entry, contentHash: contentHashOf(entry as Record<string, unknown>) } as unknown as T;
}

/**
 * Why the entry found under `key` must not be served, or undefined when it may. `requestKey` gives
 * the key a chat entry's request hashes to (the cache key function); embedding entries have none
 * (their key hashes the text, which the entry does not keep).
 */
export function entryProblem(
  key: string,
  value: unknown,
  expect: { readonly version: number; readonly requestKey?: (request: unknown) => string },
): string | undefined {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return 'not a JSON object';
  const entry = value as Record<string, unknown>;
  if (entry.key !== key) return `names key ${String(entry.key).slice(0, 16)}…, not the key it is stored under`;
  if (typeof entry.contentHash !== 'string') {
    return `schemaVersion ${String(entry.schemaVersion)} entry without a content hash (written before driftgate checked entries; \`driftgate cache upgrade\` seals the ones you trust)`;
  }
  if (entry.schemaVersion !== expect.version)
    return `schemaVersion ${String(entry.schemaVersion)} is not supported (expected ${expect.version})`;
  if (expect.requestKey) {
    if (entry.request === undefined) return 'has no request';
    if (expect.requestKey(entry.request) !== key)
      return 'its request does not hash to its key (the request was edited, or the entry moved)';
  }
  if (contentHashOf(entry) !== entry.contentHash)
    return 'its content was edited after it was written (the content hash does not match)';
  return undefined;
}
