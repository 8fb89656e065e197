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
 *
 * An entry is served only when it checks out (cache-entry.ts: its key, its request's hash, its
 * content hash); one that does not is a miss with a warning, counted, and overwritten by the next
 * answer. The cache never writes through a symbolic link: a committed link could aim it anywhere.
 */
import { readFile } from 'node:fs/promises';
import { existsSync, lstatSync, mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { storageError, UsageError } from '../../errors.js';
import path from 'node:path';
import { canonicalHash } from '../../util/hash.js';
import type { ChatMessage, ChatRequest, ChatResponse } from '../../providers/types.js';
import { CACHE_SCHEMA_VERSION, entryProblem, seal, type SealedEntry } from './cache-entry.js';

export { CACHE_SCHEMA_VERSION } from './cache-entry.js';
/** Part of every key. Kept at 1 when entries gained content hashes, so existing keys still hold. */
const CACHE_KEY_VERSION = 1;

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
  /**
   * The config's `baseURL`, normalised, when a target sets one: another server's answers are not
   * this one's. Absent for the provider's default endpoint (and for OPENAI_BASE_URL /
   * ANTHROPIC_BASE_URL, a machine's way of reaching the same API), so those keys stay as they were.
   */
  readonly endpoint?: string;
}

export interface CacheEntry extends SealedEntry {
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
export function requestKeyInput(
  provider: string,
  request: ChatRequest,
  sample: number,
  baseURL?: string,
): CacheKeyInput {
  const endpoint = baseURL ? normaliseEndpoint(baseURL) : undefined;
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
    ...(endpoint ? { endpoint } : {}),
  };
}

/** `HTTP://Host:8080/v1/` and `http://host:8080/v1` are one endpoint. */
export function normaliseEndpoint(baseURL: string): string {
  try {
    const url = new URL(baseURL);
    return `${url.protocol}//${url.host}${url.pathname.replace(/\/+$/, '')}`;
  } catch {
    return baseURL.trim().replace(/\/+$/, '');
  }
}

export function cacheKey(input: CacheKeyInput): string {
  return canonicalHash({ ...input, v: CACHE_KEY_VERSION });
}

export interface ResponseCacheOptions {
  /** Told of the first few entries refused as answers (each is counted in `rejected`). */
  readonly warn?: (line: string) => void;
}

/** Rejections told one by one before the rest are only counted. */
const WARNINGS_SHOWN = 3;

export class ResponseCache {
  /** Shard directories known to exist: creating one per write costs a syscall per call. */
  private readonly shards = new Set<string>();
  /** Entries refused as answers in this process, by key, with why. */
  readonly rejected = new Map<string, string>();
  private checkedForLinks = false;

  constructor(
    readonly dir: string,
    private readonly options: ResponseCacheOptions = {},
  ) {}

  private fileOf(key: string): string {
    return path.join(this.dir, key.slice(0, 2), `${key}.json`);
  }

  /** Whether an entry exists under the key (a cheap look, for estimates: it may yet be refused). */
  has(key: string): boolean {
    return existsSync(this.fileOf(key));
  }

  /**
   * Whether the key would be answered from the cache: present and checking out. A refused entry
   * is not an answer — batch mode must send its request in the batch, not at full price later.
   */
  async serves(key: string): Promise<boolean> {
    return (await this.get(key)) !== undefined;
  }

  /**
   * Refuses (exit 2) a cache folder, or the `.driftgate` folder holding it, that is a symbolic
   * link. Called before a run's first call, and by the first write.
   */
  assertNoSymlinks(): void {
    if (this.checkedForLinks) return;
    for (const dir of [path.dirname(this.dir), this.dir]) refuseLink(dir, 'folder');
    this.checkedForLinks = true;
  }

  /** Undefined when absent, unreadable or refused (a damaged entry is a miss, and is rewritten). */
  async get(key: string): Promise<CacheEntry | undefined> {
    return this.getRaw<CacheEntry>(key, {
      version: CACHE_SCHEMA_VERSION,
      requestKey: (request) => cacheKey(request as CacheKeyInput),
    });
  }

  /**
   * Any JSON entry under a key (embeddings use this with their own entry shape), once it checks
   * out (cache-entry.ts): the schema version expected and, for a chat entry, its request's key.
   * Undefined when absent; a torn entry (a writer killed mid-write) is removed so the next put
   * rewrites it; an entry that does not check out is refused with a warning and left for the next
   * put to replace (and for `driftgate cache verify` to name).
   */
  async getRaw<T extends SealedEntry>(key: string, expect: Parameters<typeof entryProblem>[2]): Promise<T | undefined> {
    const file = this.fileOf(key);
    // A miss is the common case on a first run: a stat is far cheaper than a failed async read.
    if (!existsSync(file)) return undefined;
    if (lstatSync(file).isSymbolicLink()) return this.refuse(key, 'is a symbolic link');
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch {
      return undefined;
    }
    let entry: unknown;
    try {
      entry = JSON.parse(text);
    } catch {
      rmSync(file, { force: true });
      return undefined;
    }
    const problem = entryProblem(key, entry, expect);
    return problem ? this.refuse(key, problem) : (entry as T);
  }

  private refuse(key: string, problem: string): undefined {
    if (!this.rejected.has(key)) {
      this.rejected.set(key, problem);
      if (this.rejected.size <= WARNINGS_SHOWN) {
        this.options.warn?.(
          `cache entry ${path.relative(process.cwd(), this.fileOf(key)) || this.fileOf(key)} refused, treated as a miss: ${problem}${this.rejected.size === WARNINGS_SHOWN ? ' (further refusals are only counted; driftgate cache verify lists them all)' : ''}`,
        );
      }
    }
    return undefined;
  }

  /** Forgets an entry, so the next call asks the model again (a verdict that could not be used). */
  remove(key: string): void {
    rmSync(this.fileOf(key), { force: true });
  }

  /** Seals and writes an entry (the content hash is computed here, over the entry as given). */
  putRaw<T extends SealedEntry>(key: string, unsealed: Omit<T, 'contentHash'>): T {
    const entry = seal<T>(unsealed);
    const file = this.fileOf(key);
    const shard = path.dirname(file);
    try {
      this.assertNoSymlinks();
      if (!this.shards.has(shard)) {
        mkdirSync(shard, { recursive: true });
        refuseLink(shard, 'folder');
        this.shards.add(shard);
      }
      const text = `${JSON.stringify(entry)}\n`;
      if (this.rejected.has(key)) {
        // A refused entry is replaced by the real answer, never left to be refused again.
        const tmp = `${file}.${process.pid}.tmp`;
        writeFileSync(tmp, text);
        renameSync(tmp, file);
        this.rejected.delete(key);
      } else writeFileSync(file, text, { flag: 'wx' });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'EEXIST') return entry;
      throw storageError(err, file) ?? err;
    }
    return entry;
  }

  async put(request: CacheKeyInput, response: ChatResponse, latencyMs: number): Promise<CacheEntry> {
    const key = cacheKey(request);
    return this.putRaw<CacheEntry>(key, {
      schemaVersion: CACHE_SCHEMA_VERSION,
      key,
      request,
      response,
      latencyMs,
      createdAt: new Date().toISOString(),
    });
  }
}

function refuseLink(dir: string, what: string): void {
  let link = false;
  try {
    link = lstatSync(dir).isSymbolicLink();
  } catch {
    return; // not there yet: it will be made as a real folder
  }
  if (link) {
    throw new UsageError(
      `${dir} is a symbolic link: driftgate does not write its cache through one (a committed link could point the cache anywhere). Replace it with a real ${what}.`,
    );
  }
}
