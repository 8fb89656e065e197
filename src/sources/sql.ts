/**
 * Logs in a warehouse: the `sql` source runs a query you write through an embedded DuckDB (the
 * official `@duckdb/node-api`) over Parquet, JSONL or CSV files, and streams its rows a chunk at a
 * time (2,048 rows) into the sampler, so the week's filter and projection run at columnar speed
 * where the data is, and memory stays bounded. Relative paths in the query resolve against the
 * config's folder. `$since` in the query is bound to the window's start (ISO text; compare with
 * `$since::TIMESTAMPTZ`). Rows become normalized records as sql-record.ts says.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
// A type only: the engine itself is imported when a query runs, so driftgate works without it.
import type { DuckDBConnection } from '@duckdb/node-api';
import { z } from 'zod';
import { ExitCode, SourceError } from '../errors.js';
import type { LogOrigin, LogRecord } from './log-origin.js';
import { LogProblem } from './openai-messages.js';
import type { SourceContext } from './source-context.js';
import { sqlRowLog } from './sql-record.js';
import { isRecord, textOf } from './values.js';

export const sqlSourceSchema = z
  .strictObject({
    source: z.literal('sql'),
    engine: z.literal('duckdb').default('duckdb').describe('The embedded engine (DuckDB, in process)'),
    query: z.string().min(1).optional().describe('The query; its columns name the normalized fields'),
    query_file: z.string().min(1).optional().describe('A .sql file holding the query, relative to the config'),
    memory_limit: z
      .string()
      .regex(/^\d+(\.\d+)?\s*(KB|MB|GB|KiB|MiB|GiB)$/i)
      .optional()
      .describe("DuckDB's memory limit, e.g. 1GB"),
  })
  .refine((c) => (c.query === undefined) !== (c.query_file === undefined), {
    message: 'give exactly one of query and query_file',
  });
export type SqlSourceConfig = z.infer<typeof sqlSourceSchema>;

const failed = (detail: string) =>
  new SourceError(`sql: ${detail.replace(/\s+/g, ' ').trim().slice(0, 400)}`, ExitCode.BadInput);

async function duckdb() {
  try {
    return await import('@duckdb/node-api');
  } catch {
    throw failed(
      'the sql source needs @duckdb/node-api, which is not installed here (npm i @duckdb/node-api; it installs with driftgate unless optional dependencies are skipped)',
    );
  }
}

type Params = Record<string, string> | undefined;

/**
 * The query's rows, a chunk at a time. Each row is turned into JSON text by DuckDB and parsed by
 * V8, several times faster than converting nested values one by one in JavaScript; a query that
 * cannot be wrapped (several statements: `LOAD httpfs; SELECT …`) is streamed as it is.
 */
async function streamRows(
  connection: DuckDBConnection,
  sql: string,
  params: Params,
): Promise<AsyncIterable<unknown[]>> {
  const single = sql.trim().replace(/;\s*$/, '');
  const wrapped = await connection
    .stream(`SELECT to_json(driftgate_row)::VARCHAR AS j FROM (${single}) AS driftgate_row`, params)
    .catch(() => undefined);
  if (wrapped)
    return (async function* () {
      for await (const rows of wrapped.yieldRows())
        yield rows.map(([text]) => (typeof text === 'string' ? (JSON.parse(text) as unknown) : undefined));
    })();
  try {
    return (await connection.stream(sql, params)).yieldRowObjectJson();
  } catch (err) {
    throw failed(`the query failed (${err instanceof Error ? err.message : String(err)})`);
  }
}

export function sqlOrigin(config: SqlSourceConfig, context: SourceContext): LogOrigin {
  const rootDir = context.rootDir ?? process.cwd();
  return {
    name: 'sql',
    async *batches() {
      const sql =
        config.query ??
        (await readFile(path.resolve(rootDir, config.query_file ?? ''), 'utf8').catch(() => {
          throw failed(`query_file ${config.query_file ?? ''} cannot be read (relative to ${rootDir})`);
        }));
      const { DuckDBInstance } = await duckdb();
      const instance = await DuckDBInstance.create(':memory:', {
        file_search_path: rootDir,
        ...(config.memory_limit ? { memory_limit: config.memory_limit } : {}),
      });
      const connection = await instance.connect();
      try {
        const params = /\$since\b/.test(sql) ? { since: (context.since ?? new Date(0)).toISOString() } : undefined;
        const rows = await streamRows(connection, sql, params);
        let line = 0;
        try {
          for await (const chunk of rows) {
            const batch: LogRecord[] = chunk.map((row: unknown) => {
              line++;
              const id = isRecord(row) ? textOf(row.span_id ?? row.spanId ?? row.id) : undefined;
              try {
                if (!isRecord(row)) throw new LogProblem('a row is not an object');
                return { line, record: sqlRowLog(row), ...(id ? { id } : {}) };
              } catch (err) {
                if (err instanceof LogProblem) return { line, error: err.message, ...(id ? { id } : {}) };
                throw err;
              }
            });
            yield batch;
          }
        } catch (err) {
          if (err instanceof SourceError) throw err;
          // A value that fails to cast half way fails the same way every time: the query needs fixing.
          throw failed(
            `the query failed after ${line} rows (${err instanceof Error ? err.message : String(err)}); the week's logs were not all read`,
          );
        }
      } finally {
        connection.closeSync();
        instance.closeSync();
      }
    },
  };
}
