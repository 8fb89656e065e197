/**
 * Embeddings through the official `openai` SDK: any OpenAI-compatible `/embeddings` endpoint.
 * One request embeds a whole batch of texts (OpenAI accepts up to 2,048 inputs per request).
 */
import type OpenAI from 'openai';
import { classifySdkError } from './classify-error.js';
import { ProviderCallError } from './types.js';

export interface EmbeddingProvider {
  embed(
    model: string,
    texts: readonly string[],
    dimensions?: number,
  ): Promise<{ vectors: Float32Array[]; inputTokens: number | null }>;
}

export async function createOpenAIEmbedder(options: {
  apiKey: string;
  baseURL?: string;
  timeoutMs: number;
}): Promise<EmbeddingProvider> {
  const sdk = await import('openai');
  const client: OpenAI = new sdk.OpenAI({
    apiKey: options.apiKey,
    ...(options.baseURL ? { baseURL: options.baseURL } : {}),
    maxRetries: 0,
    timeout: options.timeoutMs,
  });
  return {
    async embed(model, texts, dimensions) {
      let res: OpenAI.CreateEmbeddingResponse;
      try {
        res = await client.embeddings.create({ model, input: [...texts], ...(dimensions ? { dimensions } : {}) });
      } catch (err) {
        throw classifySdkError(err, sdk);
      }
      if (!Array.isArray(res?.data) || res.data.length !== texts.length) {
        throw new ProviderCallError(
          'malformed',
          `expected ${texts.length} embeddings, got ${Array.isArray(res?.data) ? res.data.length : 'none'}`,
        );
      }
      const vectors = new Array<Float32Array>(texts.length);
      for (const d of res.data) vectors[d.index] = Float32Array.from(d.embedding);
      return { vectors, inputTokens: res.usage?.prompt_tokens ?? null };
    },
  };
}
