/**
 * Chat completions through the official `openai` SDK. With `baseURL` it serves any
 * OpenAI-compatible server (Ollama, vLLM, LiteLLM, Azure's v1 endpoint).
 * The SDK is imported on first use so that `driftgate --help` does not pay for loading it.
 */
import type OpenAI from 'openai';
import { classifySdkError } from './classify-error.js';
import { fromOpenAICompletion, toOpenAIParams } from './openai-wire.js';
import type { ChatProvider, ChatRequest, ChatResponse } from './types.js';

export interface OpenAIProviderOptions {
  apiKey: string;
  baseURL?: string;
  timeoutMs: number;
}

export async function createOpenAIProvider(options: OpenAIProviderOptions): Promise<ChatProvider> {
  const sdk = await import('openai');
  // Retries are the runner's job (one policy for every provider, shared rate-limit cooldown).
  const client: OpenAI = new sdk.OpenAI({
    apiKey: options.apiKey,
    ...(options.baseURL ? { baseURL: options.baseURL } : {}),
    maxRetries: 0,
    timeout: options.timeoutMs,
  });
  return {
    name: 'openai',
    async complete(request: ChatRequest): Promise<ChatResponse> {
      let completion: OpenAI.Chat.Completions.ChatCompletion;
      try {
        completion = await client.chat.completions.create(toOpenAIParams(request));
      } catch (err) {
        throw classifySdkError(err, sdk);
      }
      return fromOpenAICompletion(completion);
    },
  };
}
