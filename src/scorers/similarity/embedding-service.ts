/**
 * Embeddings for the similarity scorer, by the embedder a scorer names (`models.embedder` by
 * default): the built-in local embedder, or an OpenAI-compatible embeddings model through the
 * gateway. Remote embeddings are cached per text (`.driftgate/cache/`, key = hash of provider,
 * model, dimensions and text), de-duplicated, and fetched in batches of `batchSize` texts per
 * request: `prefetch` over a whole suite costs ⌈distinct uncached texts / batchSize⌉ requests.
 */
import type { ModelConfig } from '../../providers/model-schema.js';
import { canonicalHash } from '../../util/hash.js';
import type { EmbedBatcher, RawEntryCache } from '../../records/call-outcome.js';
import { ScoringError } from '../types.js';
import { localEmbedding } from './local-embedder.js';

/** 2: entries carry a content hash (runner/cache/cache-entry.ts); the key still hashes version 1. */
export const EMBEDDING_CACHE_SCHEMA_VERSION = 2;
const EMBEDDING_KEY_VERSION = 1;
export const DEFAULT_EMBEDDING_BATCH = 256;

interface EmbeddingEntry {
  schemaVersion: number;
  key: string;
  contentHash: string;
  kind: 'embedding';
  model: string;
  /** Little-endian float32, base64: a third of the size of a JSON number list. */
  vector: string;
  createdAt: string;
}

export interface EmbeddingTotals {
  requests: number;
  texts: number;
  cached: number;
  costUsd: number | null;
}

export class EmbeddingService {
  private readonly memory = new Map<string, Float32Array>();
  readonly totals: EmbeddingTotals = { requests: 0, texts: 0, cached: 0, costUsd: 0 };

  constructor(
    private readonly models: Readonly<Record<string, ModelConfig>>,
    private readonly gateway: EmbedBatcher | undefined,
    private readonly cache: RawEntryCache | undefined,
    private readonly batchSize = DEFAULT_EMBEDDING_BATCH,
  ) {}

  private modelOf(target: string): ModelConfig {
    const model = this.models[target];
    if (!model) throw new ScoringError(`no embedder named "${target}" under models`);
    return model;
  }

  private keyOf(model: ModelConfig, text: string): string {
    return canonicalHash({
      kind: 'embedding',
      provider: model.provider,
      model: model.model,
      dimensions: model.params?.dimensions ?? null,
      text,
      v: EMBEDDING_KEY_VERSION,
    });
  }

  /** Embeds every text not yet known, in batches. Call once over a suite before scoring it. */
  async prefetch(target: string, texts: readonly string[]): Promise<void> {
    const model = this.modelOf(target);
    if (model.provider === 'local') return;
    if (!this.gateway) throw new ScoringError('remote embeddings need a gateway');
    const missing = new Map<string, string>();
    for (const text of texts) {
      const key = this.keyOf(model, text);
      if (this.memory.has(key) || missing.has(key)) continue;
      const hit = this.cache
        ? await this.cache.getRaw<EmbeddingEntry>(key, { version: EMBEDDING_CACHE_SCHEMA_VERSION })
        : undefined;
      if (hit?.kind === 'embedding') {
        this.memory.set(key, decodeVector(hit.vector));
        this.totals.cached++;
      } else missing.set(key, text);
    }
    const entries = [...missing];
    for (let i = 0; i < entries.length; i += this.batchSize) {
      const batch = entries.slice(i, i + this.batchSize);
      const outcome = await this.gateway.embedBatch(
        target,
        model,
        batch.map(([, text]) => text),
      );
      if (outcome.status === 'skipped') throw new ScoringError('budget reached before the embedding request');
      if (outcome.status === 'error') throw new ScoringError(`embedding request failed: ${outcome.error.message}`);
      this.totals.requests++;
      this.totals.texts += batch.length;
      this.totals.costUsd =
        this.totals.costUsd === null || outcome.costUsd === null ? null : this.totals.costUsd + outcome.costUsd;
      batch.forEach(([key], j) => {
        const vector = outcome.vectors[j] as Float32Array;
        this.memory.set(key, vector);
        const entry: Omit<EmbeddingEntry, 'contentHash'> = {
          schemaVersion: EMBEDDING_CACHE_SCHEMA_VERSION,
          key,
          kind: 'embedding',
          model: model.model ?? '',
          vector: Buffer.from(vector.buffer, vector.byteOffset, vector.byteLength).toString('base64'),
          createdAt: new Date().toISOString(),
        };
        this.cache?.putRaw<EmbeddingEntry>(key, entry);
      });
    }
  }

  async embed(target: string, texts: readonly string[]): Promise<Float32Array[]> {
    const model = this.modelOf(target);
    if (model.provider === 'local') {
      const dims = typeof model.params?.dimensions === 'number' ? model.params.dimensions : undefined;
      return texts.map((t) => localEmbedding(t, dims));
    }
    await this.prefetch(target, texts);
    return texts.map((t) => this.memory.get(this.keyOf(model, t)) as Float32Array);
  }
}

/** Base64 little-endian float32 → Float32Array. Copies: a small Buffer is a view into Node's shared pool. */
export function decodeVector(base64: string): Float32Array {
  const bytes = Buffer.from(base64, 'base64');
  return new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
}
