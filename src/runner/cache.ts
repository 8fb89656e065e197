/**
 * The content-addressed response cache (`.driftgate/cache/`). Key = sha256 of the canonical JSON of
 * provider, model, params, messages, tools, tool choice, response format and the sample index; the sample index keeps `repeats: 3` from
 * replaying one answer three times. One file per entry, sharded by the key's first two hex digits.
 *
 * Entries are written with exclusive create (`wx`) instead of temp-file-and-rename: the name is the
 * content's key, so two writers of one key write equivalent entries and the second simply yields.
 * A torn entry (a kill mid-write) fails to parse, counts as a miss and is removed so the next put
 * rewrites it. Entries are a few kilobytes and written synchronously: at 50 calls in flight the
 * promise and threadpool round trips of async writes cost more main-thread time than the writes
 * themselves (see bench/).
 */
import { readFile } from 'node:fs/promises';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { storageError } from '../errors.js';
import path from 'node:path';
import { canonicalHash } from '../util/hash.js';
import type { ChatMessage, ChatRequest, ChatResponse } from '../providers/types.js';

export const CACHE_SCHEMA_VERSION = 1;

export interface CacheKeyInput {
  readonly provider: string;
  readonly model: string;
  readonly params: Readonly<Record<string, unknown>>;
  readonly messages: readonly ChatMessage[];
  readonly structured?: ChatRequest['structured'];
  readonly tools?: ChatRequest['tools'];
  readonly toolChoice?: ChatRequest['toolChoice'];
  readonly responseFormat?: ChatRequest['responseFormat'];
  /** 0-based repeat index (for a judge: the verdict sample, plus 1000 × the retry number). */
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

/**
 * What identifies a request for the cache: provider, model, params, messages, tools and formats
 * (each only when set, so keys of plain requests stay as they were), and the sample index. The
 * plan and the gateway both build keys here, so a work item's key is the key its call is cached under.
 */
export function requestKeyInput(provider: string, request: ChatRequest, sample: number): CacheKeyInput {
  return {
    provider,
    model: request.model,
    params: request.params,
    messages: request.messages,
    ...(request.structured ? { structured: request.structured } : {}),
    ...(request.tools ? { tools: request.tools } : {}),
    ...(request.toolChoice !== undefined ? { toolChoice: request.toolChoice } : {}),
    ...(request.responseFormat ? { responseFormat: request.responseFormat } : {}),
    sample,
  };
}

export function cacheKey(input: CacheKeyInput): string {
  return canonicalHash({ ...input, v: CACHE_SCHEMA_VERSION });
}

export class ResponseCache {
  /** Shard directories known to exist: creating one per write costs a syscall per call. */
  private readonly shards = new Set<string>();

  constructor(readonly dir: string) {}

  private fileOf(key: string): string {
    return path.join(this.dir, key.slice(0, 2), `${key}.json`);
  }

  has(key: string): boolean {
    return existsSync(this.fileOf(key));
  }

  /** Undefined when absent or unreadable (a damaged entry is a miss, and is rewritten). */
  async get(key: string): Promise<CacheEntry | undefined> {
    const entry = await this.getRaw<CacheEntry>(key);
    return entry?.schemaVersion === CACHE_SCHEMA_VERSION ? entry : undefined;
  }

  /**
   * Any JSON entry under a key (embeddings use this with their own entry shape). Undefined when
   * absent; a torn entry (a writer killed mid-write) is removed so the next put rewrites it.
   */
  async getRaw<T extends { schemaVersion: number; key: string }>(key: string): Promise<T | undefined> {
    const file = this.fileOf(key);
    // A miss is the common case on a first run: a stat is far cheaper than a failed async read.
    if (!existsSync(file)) return undefined;
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch {
      return undefined;
    }
    try {
      const entry = JSON.parse(text) as T;
      return entry.key === key ? entry : undefined;
    } catch {
      rmSync(file, { force: true });
      return undefined;
    }
  }

  /** Forgets an entry, so the next call asks the model again (a verdict that could not be used). */
  remove(key: string): void {
    rmSync(this.fileOf(key), { force: true });
  }

  putRaw(key: string, entry: { schemaVersion: number; key: string }): void {
    const file = this.fileOf(key);
    const shard = path.dirname(file);
    try {
      if (!this.shards.has(shard)) {
        mkdirSync(shard, { recursive: true });
        this.shards.add(shard);
      }
      writeFileSync(file, `${JSON.stringify(entry)}\n`, { flag: 'wx' });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'EEXIST') return;
      throw storageError(err, file) ?? err;
    }
  }

  async put(request: CacheKeyInput, response: ChatResponse, latencyMs: number): Promise<CacheEntry> {
    const key = cacheKey(request);
    const entry: CacheEntry = { schemaVersion: CACHE_SCHEMA_VERSION, key, request, response, latencyMs, createdAt: new Date().toISOString() };
    this.putRaw(key, entry);
    return entry;
  }
}
