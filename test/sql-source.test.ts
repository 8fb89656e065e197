/**
 * The `sql` source through the real embedded DuckDB (@duckdb/node-api, in process): a Parquet file
 * written by DuckDB from a normalized JSONL export samples exactly as the file reader samples the
 * JSONL; a query that renames a warehouse table's columns yields the normalized record exactly;
 * bad queries and bad rows are one clear line each.
 */
import { describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { readOrigin } from './support/fake-platform.js';
import { sqlOrigin, sqlSourceSchema } from '../src/sources/sql.js';
import { sampleLogs } from '../src/drift/sample-logs.js';
import { fieldMapping } from '../src/sources/log-fields.js';
import { SourceError } from '../src/errors.js';
import { makeProject } from './support/project.js';

const config = (extra: Record<string, unknown>) => sqlSourceSchema.parse({ source: 'sql', ...extra });

function normalized(i: number) {
  const tool = i % 10 === 0;
  return {
    schemaVersion: 1,
    source: 'langfuse',
    traceId: `trace-${i}`,
    time: new Date(Date.UTC(2026, 10, 20) + i * 600_000).toISOString(),
    feature: ['faq', 'chat', 'billing'][i % 3],
    input: {
      messages: [
        { role: 'system', content: 'Answer briefly.' },
        { role: 'user', content: `Question ${i % 700}` },
        ...(tool
          ? [
              {
                role: 'assistant',
                content: null,
                tool_calls: [{ id: `c${i}`, type: 'function', function: { name: 'lookup', arguments: `{"q":${i}}` } }],
              },
              { role: 'tool', tool_call_id: `c${i}`, content: 'found' },
            ]
          : []),
      ],
    },
    output: { text: `Answer ${i}` },
    servedModel: 'gpt-4o-2024-08-06',
    usage: { inputTokens: 20 + (i % 5), outputTokens: 4 },
  };
}

describe('sql source (DuckDB)', () => {
  it('a Parquet file samples as the file reader samples the JSONL it was written from, window pushed into the query', async () => {
    const dir = await makeProject({});
    const jsonl = path.join(dir, 'logs.jsonl');
    writeFileSync(jsonl, Array.from({ length: 3_000 }, (_, i) => JSON.stringify(normalized(i))).join('\n'));
    const db = await DuckDBInstance.create(':memory:');
    const c = await db.connect();
    await c.run(`COPY (SELECT * FROM read_json('${jsonl}')) TO '${path.join(dir, 'logs.parquet')}' (FORMAT parquet)`);
    c.closeSync();
    db.closeSync();

    const since = new Date('2026-11-30T00:00:00Z');
    const options = {
      mapping: fieldMapping('normalized'),
      size: 120,
      stratify: 'feature' as const,
      seed: 'w48',
      since,
    };
    const source = config({ query: "SELECT * FROM 'logs.parquet' WHERE time >= $since::TIMESTAMPTZ" });
    const fromSql = await sampleLogs([sqlOrigin(source, { env: {}, rootDir: dir, since })], options);
    const fromFile = await sampleLogs([jsonl], options);
    // 3,000 calls ten minutes apart from 2026-11-20: the last 1,560 are in the window.
    expect(fromSql.lines).toBe(1_560);
    expect(fromFile.lines - fromFile.outsideWindow).toBe(1_560);
    expect(fromSql.badLines).toBe(0);
    expect(fromSql.items.map((i) => i.inputKey)).toEqual(fromFile.items.map((i) => i.inputKey));
    expect(fromSql.strata).toEqual(fromFile.strata.map((s) => ({ ...s })));
  });

  it("a warehouse table's own columns, renamed in the query, become the normalized record exactly", async () => {
    const dir = await makeProject({
      'calls.jsonl': JSON.stringify({
        ts: '2026-11-25 09:00:00',
        app: 'weather',
        customer: 'u-7',
        tier: 'pro',
        request_json: JSON.stringify({
          messages: [
            { role: 'system', content: 'You are a weather assistant.' },
            { role: 'user', content: 'Weather in Paris?' },
          ],
          tools: [{ type: 'function', function: { name: 'get_weather', parameters: { type: 'object' } } }],
        }),
        answer: 'It is 14 °C.',
        model_id: 'gpt-4o-mini-2024-07-18',
        tokens_in: 120,
        tokens_out: 9,
        dollars: 0.0000234,
      }),
    });
    const query = `SELECT ts AS time, app AS feature, customer AS user_id, request_json AS input, answer AS output,
      model_id AS served_model, tokens_in AS input_tokens, tokens_out AS output_tokens, dollars AS cost_usd, tier
      FROM read_json('calls.jsonl')`;
    const [line] = await readOrigin(sqlOrigin(config({ query }), { env: {}, rootDir: dir }));
    expect(line?.error).toBeUndefined();
    expect(line?.record).toEqual({
      schemaVersion: 1,
      source: 'sql',
      time: '2026-11-25T09:00:00.000Z',
      feature: 'weather',
      user: 'u-7',
      input: {
        messages: [
          { role: 'system', content: 'You are a weather assistant.' },
          { role: 'user', content: 'Weather in Paris?' },
        ],
        tools: [{ type: 'function', function: { name: 'get_weather', parameters: { type: 'object' } } }],
      },
      output: { text: 'It is 14 °C.' },
      servedModel: 'gpt-4o-mini-2024-07-18',
      usage: { inputTokens: 120, outputTokens: 9 },
      costUsd: 0.0000234,
      attributes: { tier: 'pro' },
    });
  });

  it('a bad query or a missing file is exit 2 naming the engine; a row without input is a counted bad line', async () => {
    const dir = await makeProject({ 'a.jsonl': '{"input":"hi","id":"r1"}\n{"input":null,"id":"r2"}\n' });
    const syntax = await readOrigin(sqlOrigin(config({ query: 'SELEC 1' }), { env: {}, rootDir: dir })).catch(
      (e: unknown) => e,
    );
    expect(syntax).toBeInstanceOf(SourceError);
    expect((syntax as SourceError).exitCode).toBe(2);
    expect((syntax as SourceError).message).toMatch(
      /^sql: the query failed \(.*Parser Error: syntax error at or near "SELEC"/,
    );
    const missing = await readOrigin(
      sqlOrigin(config({ query: "SELECT * FROM 'nope.parquet'" }), { env: {}, rootDir: dir }),
    ).catch((e: unknown) => e);
    expect((missing as SourceError).exitCode).toBe(2);
    expect((missing as SourceError).message).toMatch(
      /^sql: the query failed \(IO Error: No files found that match the pattern "nope.parquet"/,
    );
    const sample = await sampleLogs(
      [sqlOrigin(config({ query: "SELECT * FROM read_json('a.jsonl')" }), { env: {}, rootDir: dir })],
      { mapping: fieldMapping('normalized'), size: 5, seed: 's', maxBadFraction: 1 },
    );
    expect(sample.badLines).toBe(1);
    expect(sample.firstBad).toEqual([
      { file: 'sql', line: 2, reason: 'r2: input: the query returned no input column (or it is null)' },
    ]);
    expect(() => sqlSourceSchema.parse({ source: 'sql' })).toThrow(/give exactly one of query and query_file/);
  });
});
