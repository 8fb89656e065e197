/**
 * Anthropic Message Batches through the official SDK: create with `{custom_id, params}` requests,
 * retrieve until `processing_status: ended`, then stream the JSONL results. Answers are parsed by
 * the same wire code as online calls (anthropic-wire.ts).
 */
import type Anthropic from '@anthropic-ai/sdk';
import { sdkCaller } from './classify-error.js';
import { fromAnthropicMessage, toAnthropicParams } from './anthropic-wire.js';
import { ProviderCallError, type ChatRequest, type ChatResponse } from './types.js';
import type { BatchClient, BatchRequest, BatchState } from './batch-client.js';

export interface AnthropicBatchOptions {
  readonly apiKey: string;
  readonly baseURL?: string;
  readonly timeoutMs: number;
}

export async function createAnthropicBatchClient(options: AnthropicBatchOptions): Promise<BatchClient> {
  const sdk = await import('@anthropic-ai/sdk');
  const client: Anthropic = new sdk.Anthropic({
    apiKey: options.apiKey,
    ...(options.baseURL ? { baseURL: options.baseURL } : {}),
    maxRetries: 2,
    timeout: options.timeoutMs,
  });
  const call = sdkCaller(sdk);

  return {
    provider: 'anthropic',
    // Message Batches take up to 100,000 requests or 256 MB, whichever comes first.
    limits: { requests: 100_000, bytes: 240_000_000 },
    async submit(requests: readonly BatchRequest[]): Promise<string> {
      const batch = await call(() =>
        client.messages.batches.create({
          requests: requests.map((r) => ({ custom_id: r.customId, params: toAnthropicParams(r.request) })),
        }),
      );
      return batch.id;
    },
    async status(batchId: string): Promise<BatchState> {
      const batch = await call(() => client.messages.batches.retrieve(batchId));
      const c = batch.request_counts;
      const detail = `${batch.processing_status}: ${c.succeeded} succeeded, ${c.errored} errored, ${c.expired} expired, ${c.canceled} canceled`;
      if (batch.processing_status !== 'ended') return { state: 'running', detail };
      // Ended: with every request expired or canceled, say so; results still hold what was answered.
      const total = c.succeeded + c.errored + c.expired + c.canceled;
      if (total > 0 && c.expired === total) return { state: 'expired', detail };
      if (total > 0 && c.canceled === total) return { state: 'cancelled', detail };
      return { state: 'ended', detail };
    },
    async results(
      batchId: string,
      requests: ReadonlyMap<string, ChatRequest>,
    ): Promise<Map<string, ChatResponse | ProviderCallError>> {
      const out = new Map<string, ChatResponse | ProviderCallError>();
      const stream = await call(() => client.messages.batches.results(batchId));
      for await (const line of stream) {
        const request = requests.get(line.custom_id);
        if (!request) continue;
        const result = line.result;
        if (result.type === 'succeeded') {
          try {
            out.set(line.custom_id, fromAnthropicMessage(result.message, request));
          } catch (err) {
            out.set(
              line.custom_id,
              err instanceof ProviderCallError
                ? err
                : new ProviderCallError('malformed', `batch ${batchId}: ${String(err)}`),
            );
          }
        } else if (result.type === 'errored') {
          out.set(
            line.custom_id,
            new ProviderCallError(
              'server',
              `batch ${batchId}: ${result.error.error.message ?? result.error.error.type}`,
            ),
          );
        } else {
          out.set(line.custom_id, new ProviderCallError('timeout', `batch ${batchId}: request ${result.type}`));
        }
      }
      return out;
    },
  };
}
