/**
 * `npm run schema`: writes every file derived from the code's declarations — ARCHITECTURE.md's
 * scorer-files row from the scorers' own files (read as text), then driftgate.schema.json and the
 * scorer table of docs/scorers.md from the loaded schema and catalogue.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { ARCHITECTURE_FILE, findDefinitions, withScorerFilesRow } from './scorer-catalogue.js';

const found = findDefinitions();
writeFileSync(ARCHITECTURE_FILE, withScorerFilesRow(readFileSync(ARCHITECTURE_FILE, 'utf8'), found));
const { writeSchemaAndTable } = await import('./write-schema.js');
writeSchemaAndTable();
