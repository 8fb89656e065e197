/**
 * What the runner asks of a provider's batch API (OpenAI Batch API, Anthropic Message Batches),
 * independent of the SDK behind it: submit many requests at once, ask how the batch is doing, and
 * read each request's answer or failure by its custom id (driftgate uses the cache key).
 */
import type { ChatRequest, ChatResponse, ProviderCallError } from './types.js';

export interface BatchRequest {
  readonly customId: string;
  readonly request: ChatRequest;
}

export interface BatchState {
  /** `running` until the provider is done; `ended` with answers; `expired` / `cancelled` / `failed` otherwise (some answers may still be there). */
  readonly state: 'running' | 'ended' | 'expired' | 'cancelled' | 'failed';
  readonly detail?: string;
}

export interface BatchClient {
  readonly provider: 'openai' | 'anthropic';
  /** What one batch may hold (a run with more is split into several batches). */
  readonly limits: { readonly requests: number; readonly bytes: number };
  submit(requests: readonly BatchRequest[]): Promise<string>;
  status(batchId: string): Promise<BatchState>;
  /** Every answered or failed request of an ended batch; requests missing from the map got nothing. */
  results(
    batchId: string,
    requests: ReadonlyMap<string, ChatRequest>,
  ): Promise<Map<string, ChatResponse | ProviderCallError>>;
}
