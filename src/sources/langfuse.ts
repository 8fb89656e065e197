/**
 * Langfuse as a log source: the window's generations read a page at a time through the official
 * `@langfuse/client` (public API v2 observations, cursor pagination), filtered on the server by
 * what the config names. The client retries 429/5xx with Langfuse's Retry-After; a page that still
 * fails ends the read (page-failure.ts). Each page's scores (Langfuse's evaluations and users'
 * feedback on a generation) come with one more request and become the records' feedback. Credentials come only from LANGFUSE_PUBLIC_KEY and
 * LANGFUSE_SECRET_KEY; the address from `base_url`, LANGFUSE_BASE_URL, or Langfuse Cloud.
 */
// A type here; the client is loaded when a Langfuse source is read, not by every command.
import type { LangfuseClient } from '@langfuse/client';
import { z } from 'zod';
import type { LogOrigin, LogRecord } from './log-origin.js';
import { langfuseLog } from './langfuse-record.js';
import { LogProblem } from './openai-messages.js';
import { isRecord } from './values.js';
import type { NormalizedFeedback } from './normalized-log.js';
import { malformedPage, pageFailure, requiredEnv } from './page-failure.js';
import type { SourceContext } from './source-context.js';

export const langfuseSourceSchema = z.strictObject({
  source: z.literal('langfuse'),
  base_url: z.url().optional().describe('Default: LANGFUSE_BASE_URL, else https://cloud.langfuse.com'),
  type: z.string().min(1).default('GENERATION').describe('Observation type to read'),
  name: z.string().min(1).optional().describe('Observation name'),
  trace_name: z.string().min(1).optional(),
  user_id: z.string().min(1).optional(),
  session_id: z.string().min(1).optional(),
  environment: z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]).optional(),
  tags: z.array(z.string().min(1)).min(1).optional().describe("The trace's tags; every one must be present"),
  metadata: z.record(z.string(), z.string()).optional().describe('Metadata keys and the values they must equal'),
  model: z.string().min(1).optional(),
  version: z.string().min(1).optional(),
  page_size: z.int().min(1).max(1000).default(100),
  scores: z
    .boolean()
    .default(true)
    .describe(
      "Attach each generation's scores (evaluations, users' feedback) as its feedback: one more request a page",
    ),
});
export type LangfuseSourceConfig = z.infer<typeof langfuseSourceSchema>;

const CREDENTIALS = ['LANGFUSE_PUBLIC_KEY', 'LANGFUSE_SECRET_KEY'] as const;
const FIELDS = 'core,basic,time,io,metadata,model,usage,prompt,metrics,trace_context';

type Condition = { type: string; column: string; operator: string; value: unknown; key?: string };

/** The config's filters in the v2 API's filter language (its query parameters cannot say tags or metadata). */
export function langfuseFilter(config: LangfuseSourceConfig, since: Date | undefined): Condition[] {
  const eq = (column: string, value: string | undefined): Condition[] =>
    value === undefined ? [] : [{ type: 'string', column, operator: '=', value }];
  const environments = config.environment === undefined ? [] : [config.environment].flat();
  return [
    ...eq('type', config.type),
    ...eq('name', config.name),
    ...eq('traceName', config.trace_name),
    ...eq('userId', config.user_id),
    ...eq('sessionId', config.session_id),
    ...eq('model', config.model),
    ...eq('version', config.version),
    ...(environments.length > 0
      ? [{ type: 'stringOptions', column: 'environment', operator: 'any of', value: environments }]
      : []),
    ...(config.tags ? [{ type: 'arrayOptions', column: 'traceTags', operator: 'all of', value: config.tags }] : []),
    ...Object.entries(config.metadata ?? {}).map(([key, value]) => ({
      type: 'stringObject',
      column: 'metadata',
      key,
      operator: '=',
      value,
    })),
    ...(since ? [{ type: 'datetime', column: 'startTime', operator: '>=', value: since.toISOString() }] : []),
  ];
}

interface ClientError {
  readonly statusCode?: number;
  readonly body?: unknown;
  readonly message?: string;
}

function failureDetail(err: unknown): { status?: number; detail: string } {
  const e = (isRecord(err) ? err : {}) as ClientError;
  const body = typeof e.body === 'string' ? e.body : e.body === undefined ? '' : JSON.stringify(e.body);
  return { ...(e.statusCode !== undefined ? { status: e.statusCode } : {}), detail: body || String(e.message ?? err) };
}

/** One score as feedback: a number, a boolean, or a category / text, with its comment and source. */
function scoreFeedback(score: Record<string, unknown>): NormalizedFeedback | undefined {
  const name = typeof score.name === 'string' ? score.name : undefined;
  if (!name) return undefined;
  const value =
    score.dataType === 'BOOLEAN'
      ? score.value === 1
      : score.dataType === 'NUMERIC' && typeof score.value === 'number'
        ? score.value
        : typeof score.stringValue === 'string'
          ? score.stringValue
          : typeof score.value === 'number'
            ? score.value
            : undefined;
  return {
    name,
    ...(value !== undefined ? { value } : {}),
    ...(typeof score.comment === 'string' && score.comment ? { comment: score.comment } : {}),
    ...(typeof score.source === 'string' ? { source: score.source.toLowerCase() } : {}),
  };
}

/** The scores of a page's observations, by observation id (every page of the scores listing). */
async function scoresOf(
  client: LangfuseClient,
  ids: readonly string[],
  page: number,
  maxRetries: number,
): Promise<Map<string, NormalizedFeedback[]>> {
  const out = new Map<string, NormalizedFeedback[]>();
  if (ids.length === 0) return out;
  for (let scoresPage = 1; ; scoresPage++) {
    let response: unknown;
    try {
      response = await client.api.scores.getMany(
        { observationId: ids.join(','), fields: 'score', limit: 100, page: scoresPage },
        { maxRetries },
      );
    } catch (err) {
      const { status, detail } = failureDetail(err);
      throw pageFailure({
        source: 'langfuse',
        page: `the scores of page ${page}`,
        ...(status !== undefined ? { status } : {}),
        detail,
        credentials: CREDENTIALS,
      });
    }
    if (!isRecord(response) || !Array.isArray(response.data))
      throw malformedPage('langfuse', page, 'an observations page with its scores');
    for (const score of response.data) {
      if (!isRecord(score) || typeof score.observationId !== 'string') continue;
      const feedback = scoreFeedback(score);
      if (feedback) out.set(score.observationId, [...(out.get(score.observationId) ?? []), feedback]);
    }
    const meta = isRecord(response.meta) ? response.meta : {};
    const totalPages = typeof meta.totalPages === 'number' ? meta.totalPages : 1;
    if (scoresPage >= totalPages || response.data.length === 0) return out;
  }
}

export function langfuseOrigin(config: LangfuseSourceConfig, context: SourceContext): LogOrigin {
  const publicKey = requiredEnv(context.env, 'langfuse', 'LANGFUSE_PUBLIC_KEY');
  const secretKey = requiredEnv(context.env, 'langfuse', 'LANGFUSE_SECRET_KEY');
  const baseUrl = config.base_url ?? context.env.LANGFUSE_BASE_URL ?? 'https://cloud.langfuse.com';
  const filter = JSON.stringify(langfuseFilter(config, context.since));
  return {
    name: 'langfuse',
    async *batches() {
      const { LangfuseClient: Client } = await import('@langfuse/client');
      const client = new Client({ publicKey, secretKey, baseUrl, timeout: 60 });
      let cursor: string | undefined;
      let page = 0;
      let line = 0;
      do {
        page++;
        let response: unknown;
        try {
          response = await client.api.observations.getMany(
            { fields: FIELDS, limit: config.page_size, filter, ...(cursor ? { cursor } : {}) },
            { maxRetries: context.maxRetries ?? 4 },
          );
        } catch (err) {
          const { status, detail } = failureDetail(err);
          // The client reports an unparsable 200 as an error with the status it got.
          if (status !== undefined && status >= 200 && status < 300)
            throw malformedPage('langfuse', page, 'an observations page');
          throw pageFailure({
            source: 'langfuse',
            page,
            ...(status !== undefined ? { status } : {}),
            detail,
            credentials: CREDENTIALS,
          });
        }
        if (!isRecord(response) || !Array.isArray(response.data))
          throw malformedPage('langfuse', page, 'an observations page');
        const observations: unknown[] = response.data;
        const ids = observations.flatMap((o) => (isRecord(o) && typeof o.id === 'string' ? [o.id] : []));
        const feedback = config.scores ? await scoresOf(client, ids, page, context.maxRetries ?? 4) : new Map();
        const batch: LogRecord[] = observations.map((observation: unknown) => {
          line++;
          const id = isRecord(observation) && typeof observation.id === 'string' ? observation.id : undefined;
          try {
            return { line, record: langfuseLog(observation, id ? feedback.get(id) : undefined), ...(id ? { id } : {}) };
          } catch (err) {
            if (err instanceof LogProblem) return { line, error: err.message, ...(id ? { id } : {}) };
            throw err;
          }
        });
        yield batch;
        const meta: unknown = response.meta;
        cursor = isRecord(meta) && typeof meta.cursor === 'string' && meta.cursor !== '' ? meta.cursor : undefined;
      } while (cursor);
    },
  };
}
