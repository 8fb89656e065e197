/**
 * Chat completions through the official `openai` SDK. With `baseURL` it serves any
 * OpenAI-compatible server (Ollama, vLLM, LiteLLM, Azure's v1 endpoint).
 * The SDK is imported on first use so that `driftgate --help` does not pay for loading it.
 */
import type OpenAI from 'openai';
import { classifySdkError } from './classify-error.js';
import { ProviderCallError, type ChatProvider, type ChatRequest, type ChatResponse } from './types.js';

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
        completion = (await client.chat.completions.create({
          ...(request.params as object),
          model: request.model,
          messages: request.messages.map((m) => ({ role: m.role, content: m.content })),
          ...(request.structured
            ? {
                response_format: {
                  type: 'json_schema',
                  json_schema: { name: request.structured.name, description: request.structured.description, schema: request.structured.schema, strict: true },
                },
              }
            : {}),
          stream: false,
        })) as OpenAI.Chat.Completions.ChatCompletion;
      } catch (err) {
        throw classifySdkError(err, sdk);
      }
      const choice = completion?.choices?.[0];
      if (!choice || !choice.message) throw new ProviderCallError('malformed', 'response has no choices[0].message');
      // A refusal comes back in its own field; it is the answer's text, and no verdict for a judge.
      return {
        text: choice.message.content ?? choice.message.refusal ?? '',
        finishReason: choice.finish_reason ?? null,
        inputTokens: completion.usage?.prompt_tokens ?? null,
        outputTokens: completion.usage?.completion_tokens ?? null,
        providerModel: completion.model ?? null,
        systemFingerprint: completion.system_fingerprint ?? null,
      };
    },
  };
}
