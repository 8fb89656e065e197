/**
 * Messages through the official `@anthropic-ai/sdk`. System messages become the `system`
 * parameter; `max_tokens`, which the API requires, defaults to 1024.
 * The SDK is imported on first use so that `driftgate --help` does not pay for loading it.
 */
import type Anthropic from '@anthropic-ai/sdk';
import { classifySdkError } from './classify-error.js';
import { ProviderCallError, type ChatProvider, type ChatRequest, type ChatResponse } from './types.js';

export interface AnthropicProviderOptions {
  apiKey: string;
  baseURL?: string;
  timeoutMs: number;
}

export const ANTHROPIC_DEFAULT_MAX_TOKENS = 1024;

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
      const system = request.messages.filter((m) => m.role === 'system').map((m) => m.content).join('\n\n');
      const turns = request.messages
        .filter((m) => m.role !== 'system')
        .map((m) => ({ role: m.role as 'user' | 'assistant', content: m.content }));
      let message: Anthropic.Message;
      try {
        message = (await client.messages.create({
          max_tokens: ANTHROPIC_DEFAULT_MAX_TOKENS,
          ...(request.params as object),
          model: request.model,
          ...(system ? { system } : {}),
          messages: turns,
          ...(request.structured
            ? {
                tools: [{ name: request.structured.name, description: request.structured.description, input_schema: request.structured.schema as Anthropic.Tool.InputSchema }],
                tool_choice: { type: 'tool' as const, name: request.structured.name },
              }
            : {}),
          stream: false,
        })) as Anthropic.Message;
      } catch (err) {
        throw classifySdkError(err, sdk);
      }
      if (!message || !Array.isArray(message.content)) throw new ProviderCallError('malformed', 'response has no content list');
      const toolUse = request.structured
        ? message.content.find((block): block is Anthropic.ToolUseBlock => block.type === 'tool_use' && block.name === request.structured?.name)
        : undefined;
      // With a forced tool, the structured answer is the tool's input; without one (a refusal), the text.
      const text = toolUse
        ? JSON.stringify(toolUse.input)
        : message.content
            .filter((block): block is Anthropic.TextBlock => block.type === 'text')
            .map((block) => block.text)
            .join('');
      return {
        text,
        finishReason: message.stop_reason ?? null,
        inputTokens: message.usage?.input_tokens ?? null,
        outputTokens: message.usage?.output_tokens ?? null,
        providerModel: message.model ?? null,
        systemFingerprint: null,
      };
    },
  };
}
