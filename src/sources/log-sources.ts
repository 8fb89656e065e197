/**
 * The platforms the drift job reads logs from, declared once: `drift.logs: { source: … }` in the
 * config takes its union from here, and the run opens a source through `openSource`. Adding a
 * platform is one entry: its config schema (with the filters it offers) and how to open it.
 */
import { z } from 'zod';
import type { LogOrigin } from './log-origin.js';
import { langfuseOrigin, langfuseSourceSchema } from './langfuse.js';
import { langsmithOrigin, langsmithSourceSchema } from './langsmith.js';
import { openaiStoredOrigin, openaiStoredSourceSchema } from './openai-stored.js';
import type { SourceContext } from './source-context.js';
import { sqlOrigin, sqlSourceSchema } from './sql.js';

export const LOG_SOURCES = {
  langfuse: { schema: langfuseSourceSchema, open: langfuseOrigin },
  langsmith: { schema: langsmithSourceSchema, open: langsmithOrigin },
  'openai-stored': { schema: openaiStoredSourceSchema, open: openaiStoredOrigin },
  sql: { schema: sqlSourceSchema, open: sqlOrigin },
} as const;

export type LogSourceName = keyof typeof LOG_SOURCES;

export const logSourceSchema = z.discriminatedUnion('source', [
  langfuseSourceSchema,
  langsmithSourceSchema,
  openaiStoredSourceSchema,
  sqlSourceSchema,
]);

export type LogSourceConfig = z.infer<typeof logSourceSchema>;

export function openSource(config: LogSourceConfig, context: SourceContext): LogOrigin {
  switch (config.source) {
    case 'langfuse':
      return LOG_SOURCES.langfuse.open(config, context);
    case 'langsmith':
      return LOG_SOURCES.langsmith.open(config, context);
    case 'openai-stored':
      return LOG_SOURCES['openai-stored'].open(config, context);
    case 'sql':
      return LOG_SOURCES.sql.open(config, context);
  }
}
