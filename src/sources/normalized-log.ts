/**
 * One production call as every log source hands it to the drift job, whatever it was read from
 * (ARCHITECTURE.md "Normalized log record"). Messages use the OpenAI spelling the rest of the
 * conversation code already reads (tool calls as `tool_calls`, tool results as `role: tool`), so a
 * source's job ends at producing this shape; the `normalized` preset maps its fields.
 */
export const NORMALIZED_LOG_SCHEMA_VERSION = 1;

export interface NormalizedToolCall {
  readonly id: string;
  readonly type: 'function';
  readonly function: { readonly name: string; readonly arguments: string };
}

export type NormalizedMessage =
  | { readonly role: 'system' | 'user'; readonly content: string }
  | { readonly role: 'assistant'; readonly content: string | null; readonly tool_calls?: readonly NormalizedToolCall[] }
  | { readonly role: 'tool'; readonly tool_call_id: string; readonly content: string };

export interface NormalizedLog {
  readonly schemaVersion: typeof NORMALIZED_LOG_SCHEMA_VERSION;
  /** Where it was read from, and in which dialect (for OTLP: `gen-ai`, `openinference`). */
  readonly source: string;
  readonly dialect?: string;
  readonly traceId?: string;
  readonly spanId?: string;
  /** ISO time the call started. */
  readonly time?: string;
  readonly latencyMs?: number;
  readonly feature?: string;
  readonly user?: string;
  readonly session?: string;
  readonly input: {
    readonly messages: readonly NormalizedMessage[];
    readonly tools?: readonly unknown[];
  };
  readonly output?: { readonly text: string; readonly tool_calls?: readonly NormalizedToolCall[] };
  readonly requestedModel?: string;
  /** The model id the provider says answered (a dated snapshot behind an alias). */
  readonly servedModel?: string;
  readonly usage?: {
    readonly inputTokens?: number;
    readonly outputTokens?: number;
    readonly cachedInputTokens?: number;
    readonly reasoningTokens?: number;
  };
  readonly finishReason?: string;
  /** The call failed (span status error): its message, when the trace gives one. */
  readonly error?: string;
  /** Every span and resource attribute, by its full (dotted) key, for `drift.fields` to name. */
  readonly attributes?: Readonly<Record<string, unknown>>;
}
