/**
 * Every `export const xScorer = defineScorer({ type: '…'` under src/scorers/, found by reading the
 * files as text: test/architecture.test.ts checks that src/scorers/catalogue.ts lists each one
 * (the catalogue's order is the docs' order, chosen by hand), and `npm run schema` writes the
 * scorer-files row of ARCHITECTURE.md from them, so a new scorer file needs no row written by hand.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { globSync } from 'tinyglobby';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const SCORERS_DIR = path.join(ROOT, 'src', 'scorers');
export const ARCHITECTURE_FILE = path.join(ROOT, 'ARCHITECTURE.md');

export interface FoundDefinition {
  /** Relative to src/scorers/, e.g. `judge/judge.ts`. */
  readonly file: string;
  readonly name: string;
  readonly type: string;
}

const DEFINITION = /^export const (\w+) = defineScorer\(\{\s*type: '([^']+)'/gm;

/** Files in path order, definitions in the order each file declares them. */
export function findDefinitions(): FoundDefinition[] {
  const files = globSync('**/*.ts', { cwd: SCORERS_DIR }).sort();
  return files.flatMap((file) =>
    [...readFileSync(path.join(SCORERS_DIR, file), 'utf8').matchAll(DEFINITION)].map((m) => ({
      file,
      name: m[1] ?? '',
      type: m[2] ?? '',
    })),
  );
}

const ROW_END =
  ' | one file per scorer family, each exporting its definitions (this row is written by `npm run schema`) |';

/** ARCHITECTURE.md with its scorer-files row naming every top-level file that defines a scorer. */
export function withScorerFilesRow(architecture: string, found: readonly FoundDefinition[]): string {
  const files = [...new Set(found.map((d) => d.file).filter((f) => !f.includes('/')))];
  const row = `| | ${files.map((f) => `\`${f}\``).join(', ')}${ROW_END}`;
  const lines = architecture.split('\n');
  const at = lines.findIndex((l) => l.endsWith(ROW_END));
  if (at < 0) throw new Error(`ARCHITECTURE.md: no row ending "${ROW_END.trim()}" to write the scorer files into`);
  lines[at] = row;
  return lines.join('\n');
}
