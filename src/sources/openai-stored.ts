/**
 * OpenAI stored chat completions (`store: true`) as a log source, through the official `openai`
 * client: the list is read newest first a page at a time and stops at the window's start (the
 * API has no time filter), and each completion's input messages come from its messages listing.
 * Filters the API offers: `model` and `metadata` (key = value). The client retries 429/5xx with
 * OpenAI's retry-after; a page that still fails ends the read (page-failure.ts). The key comes only
 * from OPENAI_API_KEY; the address from `base_url`, OPENAI_BASE_URL, or api.openai.com.
 */
import OpenAI from 'openai';
import { z } from 'zod';
import type { LogOrigin, LogRecord } from './log-origin.js';
import { NORMALIZED_LOG_SCHEMA_VERSION, type NormalizedLog } from './normalized-log.js';
import { answerOf, LogProblem, messageOf } from './openai-messages.js';
import { countOf, isRecord, optional, textOf } from './values.js';
import { clientFailure, requiredEnv } from './page-failure.js';
import type { SourceContext } from './source-context.js';

export const openaiStoredSourceSchema = z.strictObject({
  source: z.literal('openai-stored'),
  base_url: z.url().optional().describe('Default: OPENAI_BASE_URL, else https://api.openai.com/v1'),
  model: z.string().min(1).optional(),
  metadata: z.record(z.string(), z.string()).optional().describe('Metadata keys and the values they must equal'),
  page_size: z.int().min(1).max(100).default(100),
});
export type OpenaiStoredSourceConfig = z.infer<typeof openaiStoredSourceSchema>;

const CREDENTIALS = ['OPENAI_API_KEY'] as const;

function usageOf(usage: unknown): NormalizedLog['usage'] | undefined {
  if (!isRecord(usage)) return undefined;
  const prompt = isRecord(usage.prompt_tokens_details) ? usage.prompt_tokens_details : {};
  const completion = isRecord(usage.completion_tokens_details) ? usage.completion_tokens_details : {};
  return {
    ...optional('inputTokens', countOf(usage.prompt_tokens)),
    ...optional('outputTokens', countOf(usage.completion_tokens)),
    ...optional('cachedInputTokens', countOf(prompt.cached_tokens)),
    ...optional('reasoningTokens', countOf(completion.reasoning_tokens)),
  };
}

/** A stored completion and its input messages as a normalized record. */
export function storedCompletionLog(completion: unknown, messages: readonly unknown[]): NormalizedLog {
  if (!isRecord(completion)) throw new LogProblem('a stored completion must be an object');
  if (messages.length === 0) throw new LogProblem('input: no input messages');
  const created = countOf(completion.created);
  const metadata = isRecord(completion.metadata) ? completion.metadata : undefined;
  const output = answerOf(completion, 'choices[0].message');
  const choice =
    Array.isArray(completion.choices) && isRecord(completion.choices[0]) ? completion.choices[0] : undefined;
  const usage = usageOf(completion.usage);
  return {
    schemaVersion: NORMALIZED_LOG_SCHEMA_VERSION,
    source: 'openai-stored',
    ...optional('traceId', textOf(completion.id)),
    ...optional('time', created === undefined ? undefined : new Date(created * 1000).toISOString()),
    ...optional('feature', textOf(metadata?.feature)),
    ...optional('user', textOf(metadata?.user)),
    input: { messages: messages.map((m, i) => messageOf(m, `messages[${i}]`)) },
    ...(output ? { output } : {}),
    ...optional('servedModel', textOf(completion.model)),
    ...optional('usage', usage && Object.keys(usage).length > 0 ? usage : undefined),
    ...optional('finishReason', textOf(choice?.finish_reason)),
    ...optional('fingerprint', textOf(completion.system_fingerprint)),
    ...optional('attributes', metadata),
  };
}

const failure = (err: unknown, page: number) =>
  clientFailure(err, {
    source: 'openai-stored',
    page,
    credentials: CREDENTIALS,
    pageShape: 'a stored completions page',
  });

export function openaiStoredOrigin(config: OpenaiStoredSourceConfig, context: SourceContext): LogOrigin {
  const apiKey = requiredEnv(context.env, 'openai-stored', 'OPENAI_API_KEY');
  const baseURL = config.base_url ?? context.env.OPENAI_BASE_URL ?? 'https://api.openai.com/v1';
  const since = context.since ? context.since.getTime() / 1000 : undefined;
  return {
    name: 'openai-stored',
    async *batches() {
      const client = new OpenAI({ apiKey, baseURL, maxRetries: context.maxRetries ?? 4 });
      let after: string | undefined;
      let page = 0;
      let line = 0;
      for (;;) {
        page++;
        let listing;
        try {
          listing = await client.chat.completions.list({
            limit: config.page_size,
            order: 'desc',
            ...(config.model ? { model: config.model } : {}),
            ...(config.metadata ? { metadata: config.metadata } : {}),
            ...(after ? { after } : {}),
          });
        } catch (err) {
          throw failure(err, page);
        }
        const batch: LogRecord[] = [];
        let reachedStart = false;
        for (const completion of listing.data) {
          if (since !== undefined && completion.created < since) {
            reachedStart = true;
            break;
          }
          line++;
          let messages: unknown[];
          try {
            messages = [];
            for await (const message of client.chat.completions.messages.list(completion.id, {
              limit: 100,
              order: 'asc',
            }))
              messages.push(message);
          } catch (err) {
            throw failure(err, page);
          }
          try {
            batch.push({ line, id: completion.id, record: storedCompletionLog(completion, messages) });
          } catch (err) {
            if (!(err instanceof LogProblem)) throw err;
            batch.push({ line, id: completion.id, error: err.message });
          }
        }
        yield batch;
        const last = listing.data.at(-1);
        if (reachedStart || !listing.has_more || !last) return;
        after = last.id;
      }
    },
  };
}
