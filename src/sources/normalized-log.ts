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

/** A non-text part of a message (an image, audio), kept as the platform logged it. */
export type ContentPart = Readonly<Record<string, unknown>>;

/** A score or a user's feedback attached to the call (Langfuse scores, LangSmith feedback). */
export interface NormalizedFeedback {
  readonly name: string;
  readonly value?: number | string | boolean;
  readonly comment?: string;
  /** Who gave it: `human`/`user`, `api`, `eval` (the platform's own word). */
  readonly source?: string;
}

export type NormalizedMessage =
  | { readonly role: 'system' | 'user'; readonly content: string | readonly ContentPart[] }
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
    readonly tool_choice?: unknown;
    readonly response_format?: unknown;
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
  /** Provider's system fingerprint of the serving configuration, when logged. */
  readonly fingerprint?: string;
  /** Cost the platform logged for the call, in US dollars. */
  readonly costUsd?: number;
  readonly prompt?: { readonly name: string; readonly version?: number | string };
  readonly environment?: string;
  readonly tags?: readonly string[];
  readonly feedback?: readonly NormalizedFeedback[];
  /** The call failed (span status error): its message, when the trace gives one. */
  readonly error?: string;
  /** Every span and resource attribute, by its full (dotted) key, for `drift.fields` to name. */
  readonly attributes?: Readonly<Record<string, unknown>>;
}

/** A value read back from a file is a normalized record: the version this driftgate writes, and messages. */
export function isNormalizedLog(value: unknown): value is NormalizedLog {
  if (typeof value !== 'object' || value === null || !('schemaVersion' in value) || !('input' in value)) return false;
  const { schemaVersion, input } = value;
  return (
    schemaVersion === NORMALIZED_LOG_SCHEMA_VERSION &&
    typeof input === 'object' &&
    input !== null &&
    'messages' in input &&
    Array.isArray(input.messages)
  );
}
