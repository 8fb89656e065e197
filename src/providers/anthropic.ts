/**
 * Messages through the official `@anthropic-ai/sdk`. System messages become the `system`
 * parameter; `max_tokens`, which the API requires, defaults to 1024.
 * The SDK is imported on first use so that `driftgate --help` does not pay for loading it.
 */
import type Anthropic from '@anthropic-ai/sdk';
import { classifySdkError } from './classify-error.js';
import { fromAnthropicMessage, toAnthropicParams } from './anthropic-wire.js';
import type { ChatProvider, ChatRequest, ChatResponse } from './types.js';

export { ANTHROPIC_DEFAULT_MAX_TOKENS } from './anthropic-wire.js';

export interface AnthropicProviderOptions {
  apiKey: string;
  baseURL?: string;
  timeoutMs: number;
}

export async function createAnthropicProvider(options: AnthropicProviderOptions): Promise<ChatProvider> {
  const sdk = await import('@anthropic-ai/sdk');
  const client: Anthropic = new sdk.Anthropic({
    apiKey: options.apiKey,
    ...(options.baseURL ? { baseURL: options.baseURL } : {}),
    maxRetries: 0,
    timeout: options.timeoutMs,
  });
  return {
    name: 'anthropic',
    async complete(request: ChatRequest): Promise<ChatResponse> {
      let message: Anthropic.Message;
      try {
        message = await client.messages.create(toAnthropicParams(request));
      } catch (err) {
        throw classifySdkError(err, sdk);
      }
      return fromAnthropicMessage(message, request);
    },
  };
}
