/**
 * LangSmith as a log source: the window's `llm` runs of the named tracing projects, read a page at
 * a time through the official `langsmith` client (POST /api/v2/runs/query, cursor pagination),
 * filtered on the server in LangSmith's filter language. Project names are resolved to ids first
 * (GET /api/v2/sessions). The client retries 408/429/5xx with LangSmith's retry-after; a page that
 * still fails ends the read (page-failure.ts). The key comes only from LANGSMITH_API_KEY; the
 * address from `base_url`, LANGSMITH_ENDPOINT, or LangSmith's US cloud.
 */
// A type here; the client is loaded when a LangSmith source is read, not by every command.
import type Langsmith from 'langsmith';
import type { RunSelectField } from 'langsmith/resources/runs/runs';
import { z } from 'zod';
import { ExitCode, SourceError } from '../errors.js';
import type { LogOrigin, LogRecord } from './log-origin.js';
import { langsmithLog } from './langsmith-record.js';
import { LogProblem } from './openai-messages.js';
import { clientFailure, malformedPage, requiredEnv } from './page-failure.js';
import type { SourceContext } from './source-context.js';
import { isRecord, textOf } from './values.js';

export const langsmithSourceSchema = z.strictObject({
  source: z.literal('langsmith'),
  base_url: z.url().optional().describe('Default: LANGSMITH_ENDPOINT, else https://api.smith.langchain.com'),
  project: z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]).describe('Tracing project name(s) to read'),
  name: z.string().min(1).optional().describe("The run's name"),
  tags: z.array(z.string().min(1)).min(1).optional().describe("The run's tags; every one must be present"),
  metadata: z.record(z.string(), z.string()).optional().describe('Metadata keys and the values they must equal'),
  model: z.string().min(1).optional().describe('The requested model (metadata ls_model_name)'),
  filter: z.string().min(1).optional().describe('A LangSmith filter expression, and-ed with the others'),
  trace_filter: z.string().min(1).optional().describe("A filter on the root run of each run's trace"),
  page_size: z.int().min(1).max(100).default(100),
});
export type LangsmithSourceConfig = z.infer<typeof langsmithSourceSchema>;

const CREDENTIALS = ['LANGSMITH_API_KEY'] as const;
const SELECTS: RunSelectField[] = [
  'ID',
  'NAME',
  'STATUS',
  'START_TIME',
  'END_TIME',
  'LATENCY_SECONDS',
  'ERROR',
  'EXTRA',
  'METADATA',
  'INPUTS',
  'OUTPUTS',
  'TRACE_ID',
  'THREAD_ID',
  'PROMPT_TOKENS',
  'COMPLETION_TOKENS',
  'PROMPT_TOKEN_DETAILS',
  'COMPLETION_TOKEN_DETAILS',
  'TOTAL_COST',
  'TAGS',
  'FEEDBACK_STATS',
  'LS_USER_ID',
];

/** The config's filters as one LangSmith filter expression (undefined when there are none). */
export function langsmithFilter(config: LangsmithSourceConfig): string | undefined {
  const quoted = (value: string) => JSON.stringify(value);
  const metadata = (key: string, value: string) =>
    `and(eq(metadata_key, ${quoted(key)}), eq(metadata_value, ${quoted(value)}))`;
  const terms = [
    ...(config.name ? [`eq(name, ${quoted(config.name)})`] : []),
    ...(config.tags ?? []).map((tag) => `has(tags, ${quoted(tag)})`),
    ...Object.entries(config.metadata ?? {}).map(([key, value]) => metadata(key, value)),
    ...(config.model ? [metadata('ls_model_name', config.model)] : []),
    ...(config.filter ? [config.filter] : []),
  ];
  if (terms.length === 0) return undefined;
  return terms.length === 1 ? terms[0] : `and(${terms.join(', ')})`;
}

const failure = (err: unknown, page: number | string) =>
  clientFailure(err, { source: 'langsmith', page, credentials: CREDENTIALS, pageShape: 'a runs page' });

async function projectIds(client: Langsmith, names: readonly string[]): Promise<string[]> {
  const ids: string[] = [];
  for (const name of names) {
    let found: string | undefined;
    try {
      const page = await client.sessions.listV2({ name, page_size: 1 });
      found = page.items.map((session) => (isRecord(session) ? textOf(session.id) : undefined)).find(Boolean);
    } catch (err) {
      throw failure(err, `looking up project ${JSON.stringify(name)}`);
    }
    if (!found)
      throw new SourceError(
        `drift.logs (langsmith): no tracing project named ${JSON.stringify(name)} is visible to LANGSMITH_API_KEY`,
        ExitCode.BadInput,
      );
    ids.push(found);
  }
  return ids;
}

export function langsmithOrigin(config: LangsmithSourceConfig, context: SourceContext): LogOrigin {
  const apiKey = requiredEnv(context.env, 'langsmith', 'LANGSMITH_API_KEY');
  const baseURL = config.base_url ?? context.env.LANGSMITH_ENDPOINT ?? 'https://api.smith.langchain.com';
  const filter = langsmithFilter(config);
  // Without a lower bound the API reads only the last day: a run with no window reads everything.
  const since = (context.since ?? new Date(0)).toISOString();
  return {
    name: 'langsmith',
    async *batches() {
      const { default: LangsmithClient } = await import('langsmith');
      const client = new LangsmithClient({ apiKey, baseURL, maxRetries: context.maxRetries ?? 4, logLevel: 'off' });
      const ids = await projectIds(client, [config.project].flat());
      let cursor: string | undefined;
      let page = 0;
      let line = 0;
      do {
        page++;
        let listing;
        try {
          listing = await client.runs.queryV2({
            project_ids: ids,
            run_type: 'LLM',
            min_start_time: since,
            selects: SELECTS,
            page_size: config.page_size,
            ...(filter ? { filter } : {}),
            ...(config.trace_filter ? { trace_filter: config.trace_filter } : {}),
            ...(cursor ? { cursor } : {}),
          });
        } catch (err) {
          throw failure(err, page);
        }
        if (!Array.isArray(listing.items)) throw malformedPage('langsmith', page, 'a runs page');
        const batch: LogRecord[] = listing.items.map((run: unknown) => {
          line++;
          const id = isRecord(run) ? textOf(run.id) : undefined;
          try {
            return { line, record: langsmithLog(run), ...(id ? { id } : {}) };
          } catch (err) {
            if (err instanceof LogProblem) return { line, error: err.message, ...(id ? { id } : {}) };
            throw err;
          }
        });
        yield batch;
        cursor = listing.next_cursor || undefined;
      } while (cursor);
    },
  };
}
