/** `driftgate import promptfoo CONFIG [--out DIR]`: convert, refuse to overwrite, list what did not map. */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { UsageError } from '../errors.js';
import { convertPromptfoo, existingFiles } from '../import/promptfoo.js';

export async function importCommand(tool: string, config: string, opts: Record<string, unknown>): Promise<number> {
  if (tool !== 'promptfoo') throw new UsageError(`import: unknown source "${tool}" (supported: promptfoo)`);
  const converted = convertPromptfoo(config);
  const outDir = path.resolve(opts.out ? String(opts.out) : path.dirname(path.resolve(config)));
  const existing = existingFiles(converted, outDir);
  if (existing.length > 0)
    throw new UsageError(
      `import: ${existing.map((f) => path.join(outDir, f)).join(', ')} already exist${existing.length === 1 ? 's' : ''}; nothing was written (use --out DIR for another directory)`,
    );
  for (const [name, content] of Object.entries(converted.files)) {
    const file = path.join(outDir, name);
    await mkdir(path.dirname(file), { recursive: true });
    await writeFile(file, content, { flag: 'wx' });
  }
  const rel = (f: string) => path.relative(process.cwd(), path.join(outDir, f)) || f;
  const lines = [
    `driftgate import promptfoo: ${converted.suites} suite${converted.suites === 1 ? '' : 's'}, ${converted.cases} test case${converted.cases === 1 ? '' : 's'}; wrote`,
    ...Object.keys(converted.files).map((f) => `  ${rel(f)}`),
    '',
    converted.unmapped.length ? `not converted (${converted.unmapped.length}):` : 'every construct was converted',
    ...converted.unmapped.map((u) => `  ${u.where}: ${u.what}`),
    '',
    `next: npx driftgate eval --config ${rel('driftgate.yaml')} --dry-run`,
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
  return 0;
}
