/** Writes driftgate.schema.json (for editors: `# yaml-language-server: $schema=...`) from the zod schema. */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { configSchema } from '../src/config/schema.js';

export function buildJsonSchema(): Record<string, unknown> {
  return {
    ...z.toJSONSchema(configSchema, { io: 'input', unrepresentable: 'any' }),
    $id: 'https://driftgate.dev/driftgate.schema.json',
    title: 'driftgate.yaml',
  };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const file = new URL('../driftgate.schema.json', import.meta.url);
  writeFileSync(file, `${JSON.stringify(buildJsonSchema(), null, 2)}\n`);
  console.log(`wrote ${fileURLToPath(file)}`);
}
