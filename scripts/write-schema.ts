/**
 * What is derived from the config schema: driftgate.schema.json (for editors:
 * `# yaml-language-server: $schema=...`) from the zod schema, and the scorer table of
 * docs/scorers.md from the scorer catalogue. test/config.test.ts and test/architecture.test.ts
 * fail when either is stale; `npm run schema` (write-derived.ts) writes them.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { configSchema } from '../src/config/schema.js';
import { SCORERS } from '../src/scorers/catalogue.js';

export function buildJsonSchema(): Record<string, unknown> {
  return {
    ...z.toJSONSchema(configSchema, { io: 'input', unrepresentable: 'any' }),
    $id: 'https://driftgate.dev/driftgate.schema.json',
    title: 'driftgate.yaml',
  };
}

const TABLE_START = '<!-- scorer table: generated from src/scorers/catalogue.ts by `npm run schema` -->';
const TABLE_END = '<!-- end of scorer table -->';

export function buildScorerTable(): string {
  const rows = SCORERS.map((d) => `| \`${d.type}\` | ${d.doc.kind} | ${d.doc.checks} | ${d.doc.options ?? ''} |`);
  return ['| type | kind | checks | options |', '|---|---|---|---|', ...rows].join('\n');
}

/** The page with its table replaced by the one the catalogue gives. */
export function withScorerTable(page: string): string {
  const start = page.indexOf(TABLE_START);
  const end = page.indexOf(TABLE_END);
  if (start < 0 || end < start) throw new Error(`docs/scorers.md: the markers of the scorer table are missing`);
  return `${page.slice(0, start + TABLE_START.length)}\n${buildScorerTable()}\n${page.slice(end)}`;
}

export const SCORERS_PAGE = new URL('../docs/scorers.md', import.meta.url);

/** Writes driftgate.schema.json and the scorer table; run through write-derived.ts (`npm run schema`). */
export function writeSchemaAndTable(): void {
  const file = new URL('../driftgate.schema.json', import.meta.url);
  writeFileSync(file, `${JSON.stringify(buildJsonSchema(), null, 2)}\n`);
  console.log(`wrote ${fileURLToPath(file)}`);
  writeFileSync(SCORERS_PAGE, withScorerTable(readFileSync(SCORERS_PAGE, 'utf8')));
  console.log(`wrote ${fileURLToPath(SCORERS_PAGE)}`);
}
