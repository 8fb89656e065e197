/**
 * What one model call through the gateway came to, and the narrow views of the cache and the
 * gateway that scorers use: scorers depend on these shapes, not on `runner/`.
 */
import type { ModelConfig } from '../providers/model-schema.js';
import type { ChatResponse, ProviderCallError } from '../providers/types.js';
import type { CallFailureKind } from './call-record.js';

export type CallOutcome =
  | {
      readonly status: 'ok';
      readonly key: string;
      readonly response: ChatResponse;
      readonly latencyMs: number;
      readonly cached: boolean;
      readonly attempts: number;
      readonly costUsd: number | null;
      /** Answered inside a provider batch (priced at the batch discount). */
      readonly batch?: boolean;
    }
  | {
      readonly status: 'error';
      readonly key: string;
      readonly kind: CallFailureKind;
      readonly error: ProviderCallError;
      readonly attempts: number;
    }
  /** Not started: the budget would have been exceeded. */
  | { readonly status: 'skipped'; readonly key: string };

export type EmbedOutcome =
  | {
      readonly status: 'ok';
      readonly vectors: Float32Array[];
      readonly costUsd: number | null;
      readonly inputTokens: number | null;
    }
  | { readonly status: 'error'; readonly kind: CallFailureKind; readonly error: ProviderCallError }
  | { readonly status: 'skipped' };

/** A cache entry as written: the cache seals it with the hash of its content. */
export interface RawCacheEntry {
  readonly schemaVersion: number;
  readonly key: string;
  readonly contentHash: string;
}

/** The cache as the embedding service uses it: raw entries by key, served only when they check out. */
export interface RawEntryCache {
  getRaw<T extends RawCacheEntry>(key: string, expect: { readonly version: number }): Promise<T | undefined>;
  putRaw<T extends RawCacheEntry>(key: string, entry: Omit<T, 'contentHash'>): T;
}

/** The gateway as the embedding service uses it: one uncached, budgeted embeddings request. */
export interface EmbedBatcher {
  embedBatch(target: string, model: ModelConfig, texts: readonly string[]): Promise<EmbedOutcome>;
}
