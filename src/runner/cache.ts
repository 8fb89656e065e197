/**
 * The content-addressed response cache (`.driftgate/cache/`). Key = sha256 of the canonical JSON of
 * provider, model, params, messages and the sample index; the sample index keeps `repeats: 3` from
 * replaying one answer three times. One file per entry, sharded by the key's first two hex digits,
 * written atomically, so concurrent runs and a kill -9 never leave a torn entry.
 */
import { readFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { canonicalHash } from '../util/hash.js';
import { writeJsonAtomic } from '../util/atomic-write.js';
import type { ChatMessage, ChatResponse } from '../providers/types.js';

export const CACHE_SCHEMA_VERSION = 1;

export interface CacheKeyInput {
  readonly provider: string;
  readonly model: string;
  readonly params: Readonly<Record<string, unknown>>;
  readonly messages: readonly ChatMessage[];
  /** 0-based repeat index. */
  readonly sample: number;
}

export interface CacheEntry {
  readonly schemaVersion: typeof CACHE_SCHEMA_VERSION;
  readonly key: string;
  readonly request: CacheKeyInput;
  readonly response: ChatResponse;
  /** Latency of the call that produced the entry; replays report it, as a replay has no latency of its own. */
  readonly latencyMs: number;
  readonly createdAt: string;
}

export function cacheKey(input: CacheKeyInput): string {
  return canonicalHash({ ...input, v: CACHE_SCHEMA_VERSION });
}

export class ResponseCache {
  constructor(readonly dir: string) {}

  private fileOf(key: string): string {
    return path.join(this.dir, key.slice(0, 2), `${key}.json`);
  }

  has(key: string): boolean {
    return existsSync(this.fileOf(key));
  }

  /** Undefined when absent or unreadable (a damaged entry is a miss, and is rewritten). */
  async get(key: string): Promise<CacheEntry | undefined> {
    let text: string;
    try {
      text = await readFile(this.fileOf(key), 'utf8');
    } catch {
      return undefined;
    }
    try {
      const entry = JSON.parse(text) as CacheEntry;
      return entry.schemaVersion === CACHE_SCHEMA_VERSION && entry.key === key ? entry : undefined;
    } catch {
      return undefined;
    }
  }

  async put(request: CacheKeyInput, response: ChatResponse, latencyMs: number): Promise<CacheEntry> {
    const key = cacheKey(request);
    const entry: CacheEntry = { schemaVersion: CACHE_SCHEMA_VERSION, key, request, response, latencyMs, createdAt: new Date().toISOString() };
    await writeJsonAtomic(this.fileOf(key), entry);
    return entry;
  }
}
