/**
 * The OpenAI Batch API through the official SDK: the requests as a JSONL file (`purpose: batch`),
 * a batch on `/v1/chat/completions`, then the output and error files. Answers are parsed by the same
 * wire code as online calls (openai-wire.ts), so a batch answer is recorded exactly like one.
 */
import type OpenAI from 'openai';
import { sdkCaller } from './classify-error.js';
import { fromOpenAICompletion, toOpenAIParams } from './openai-wire.js';
import { ProviderCallError, type ChatRequest, type ChatResponse } from './types.js';
import type { BatchClient, BatchRequest, BatchState } from './batch-client.js';

export interface OpenAIBatchOptions {
  readonly apiKey: string;
  readonly baseURL?: string;
  readonly timeoutMs: number;
}

interface OutputLine {
  custom_id?: string;
  response?: { status_code?: number; body?: unknown } | null;
  error?: { code?: string; message?: string } | null;
}

const STATE: Readonly<Record<string, BatchState['state']>> = {
  validating: 'running',
  in_progress: 'running',
  finalizing: 'running',
  cancelling: 'running',
  completed: 'ended',
  expired: 'expired',
  cancelled: 'cancelled',
  failed: 'failed',
};

export async function createOpenAIBatchClient(options: OpenAIBatchOptions): Promise<BatchClient> {
  const sdk = await import('openai');
  const client: OpenAI = new sdk.OpenAI({
    apiKey: options.apiKey,
    ...(options.baseURL ? { baseURL: options.baseURL } : {}),
    maxRetries: 2,
    timeout: options.timeoutMs,
  });
  const call = sdkCaller(sdk);

  const readFile = async (id: string | null | undefined): Promise<OutputLine[]> => {
    if (!id) return [];
    const text = await call(async () => (await client.files.content(id)).text());
    return text
      .split('\n')
      .filter((l) => l.trim())
      .map((l) => JSON.parse(l) as OutputLine);
  };
  return {
    provider: 'openai',
    // The Batch API takes up to 50,000 requests in an input file of up to 200 MB.
    limits: { requests: 50_000, bytes: 190_000_000 },
    async submit(requests: readonly BatchRequest[]): Promise<string> {
      const jsonl = requests
        .map((r) =>
          JSON.stringify({
            custom_id: r.customId,
            method: 'POST',
            url: '/v1/chat/completions',
            body: toOpenAIParams(r.request),
          }),
        )
        .join('\n');
      const file = await call(async () =>
        client.files.create({
          file: await sdk.toFile(Buffer.from(`${jsonl}\n`), 'driftgate-batch.jsonl'),
          purpose: 'batch',
        }),
      );
      const batch = await call(() =>
        client.batches.create({ input_file_id: file.id, endpoint: '/v1/chat/completions', completion_window: '24h' }),
      );
      return batch.id;
    },
    async status(batchId: string): Promise<BatchState> {
      const batch = await call(() => client.batches.retrieve(batchId));
      const counts = batch.request_counts
        ? `${batch.request_counts.completed} of ${batch.request_counts.total} answered, ${batch.request_counts.failed} failed`
        : undefined;
      return {
        state: STATE[batch.status] ?? 'running',
        ...(counts ? { detail: `${batch.status}: ${counts}` } : { detail: batch.status }),
      };
    },
    async results(
      batchId: string,
      requests: ReadonlyMap<string, ChatRequest>,
    ): Promise<Map<string, ChatResponse | ProviderCallError>> {
      const batch = await call(() => client.batches.retrieve(batchId));
      const out = new Map<string, ChatResponse | ProviderCallError>();
      for (const line of [...(await readFile(batch.output_file_id)), ...(await readFile(batch.error_file_id))]) {
        const id = line.custom_id;
        if (!id || !requests.has(id)) continue;
        const status = line.response?.status_code;
        if (line.error || !line.response || status === undefined || status >= 400) {
          const body = line.response?.body as { error?: { message?: string } } | undefined;
          const message = line.error?.message ?? body?.error?.message ?? `batch request failed (HTTP ${status ?? '?'})`;
          out.set(
            id,
            new ProviderCallError(
              line.error?.code === 'batch_expired' ? 'timeout' : 'server',
              `batch ${batchId}: ${message}`,
              status,
            ),
          );
          continue;
        }
        try {
          out.set(id, fromOpenAICompletion(line.response.body as OpenAI.Chat.Completions.ChatCompletion));
        } catch (err) {
          out.set(
            id,
            err instanceof ProviderCallError
              ? err
              : new ProviderCallError('malformed', `batch ${batchId}: ${String(err)}`),
          );
        }
      }
      return out;
    },
  };
}
