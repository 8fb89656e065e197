/** What the runner asks of a model provider, independent of the SDK behind it. */

import type { ChatMessage, RequestOptions, ToolCall } from '../conversation/types.js';

export type { ChatMessage, RequestOptions, ToolCall } from '../conversation/types.js';

/** `tools`, `toolChoice` and `responseFormat` come from the suite or the case (RequestOptions). */
export interface ChatRequest extends RequestOptions {
  readonly model: string;
  readonly messages: readonly ChatMessage[];
  /** Passed to the API as given (temperature, max_tokens, seed, ...). */
  readonly params: Readonly<Record<string, unknown>>;
  /**
   * Ask for a JSON object matching `schema`: OpenAI `response_format: json_schema` (strict), or an
   * Anthropic tool the model must call. The response text is then that object as JSON.
   */
  readonly structured?: {
    readonly name: string;
    readonly description: string;
    readonly schema: Readonly<Record<string, unknown>>;
  };
}

export interface ChatResponse {
  readonly text: string;
  /** The functions the model called, in its order (absent when it called none). */
  readonly toolCalls?: readonly ToolCall[];
  /** OpenAI's refusal field, when the model declined (the text then holds the refusal too). */
  readonly refusal?: string;
  /** As the provider says it: `stop`, `length`, `end_turn`, `max_tokens`, `tool_calls`, ... */
  readonly finishReason: string | null;
  /** All input tokens, cached ones included (Anthropic's cache reads and writes are added in). */
  readonly inputTokens: number | null;
  readonly outputTokens: number | null;
  /** Input tokens read from the provider's prompt cache (OpenAI cached_tokens, Anthropic cache reads). */
  readonly cachedInputTokens?: number;
  /** Input tokens written to Anthropic's prompt cache (priced above plain input). */
  readonly cacheWriteTokens?: number;
  /** Reasoning tokens, part of `outputTokens` (OpenAI reasoning models). */
  readonly reasoningTokens?: number;
  /** The model id the provider reports having used; differs from the request for aliases. */
  readonly providerModel: string | null;
  /** OpenAI's backend configuration id; a change reveals a silent model update. */
  readonly systemFingerprint: string | null;
}

export interface ChatProvider {
  readonly name: string;
  complete(request: ChatRequest): Promise<ChatResponse>;
}

export type FailureKind =
  'rate_limit' | 'server' | 'timeout' | 'connection' | 'malformed' | 'auth' | 'bad_request' | 'not_found' | 'other';

const RETRYABLE: ReadonlySet<FailureKind> = new Set(['rate_limit', 'server', 'timeout', 'connection', 'malformed']);

/** A failed provider call, classified so the runner knows whether and when to retry. */
export class ProviderCallError extends Error {
  readonly retryable: boolean;
  constructor(
    readonly kind: FailureKind,
    message: string,
    readonly status?: number,
    /** From `retry-after-ms` / `retry-after`, when the provider sent one. */
    readonly retryAfterMs?: number,
  ) {
    super(message);
    this.name = 'ProviderCallError';
    this.retryable = RETRYABLE.has(kind);
  }
}

/** Adapters throw ProviderCallError for SDK errors; anything else is an unexpected failure of one call. */
export function toProviderCallError(err: unknown): ProviderCallError {
  if (err instanceof ProviderCallError) return err;
  return new ProviderCallError('other', err instanceof Error ? err.message : String(err));
}
