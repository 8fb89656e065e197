/**
 * ARCHITECTURE.md is the record of what was built: every source file is named in its folder's rows
 * of the module table, so a file added without a word about it fails here; so do a planted import
 * against the data flow, a stale scorer table and a scorer missing from the catalogue.
 */
import { describe, expect, it } from 'vitest';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ESLint } from 'eslint';

const root = fileURLToPath(new URL('..', import.meta.url));

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sourceFiles(path.join(dir, e.name)) : e.name.endsWith('.ts') ? [path.join(dir, e.name)] : [],
  );
}

/**
 * The module table's rows, read as folder → files: a row's first cell names its folder (`runner/calls/`,
 * or `src/` for the root), an empty first cell continues the folder above, and each backticked
 * `*.ts` name in the second cell is a file of that folder.
 */
function documentedFiles(markdown: string): { files: Set<string>; folders: string[] } {
  const files = new Set<string>();
  const folders: string[] = [];
  let folder = '';
  for (const line of markdown.split('\n')) {
    const cells = line.split('|').map((c) => c.trim());
    if (!line.startsWith('|') || cells.length < 4 || cells[1] === 'folder' || cells[1]?.startsWith('---')) continue;
    const named = /^`([\w/-]+\/)`$/.exec(cells[1] ?? '');
    if (named?.[1]) {
      folder = named[1] === 'src/' ? '' : named[1];
      folders.push(folder);
    } else if (cells[1] !== '') continue;
    for (const m of (cells[2] ?? '').matchAll(/`([\w.-]+\.ts)`/g)) files.add(`${folder}${m[1]}`);
  }
  return { files, folders };
}

describe('ARCHITECTURE.md', () => {
  const text = readFileSync(path.join(root, 'ARCHITECTURE.md'), 'utf8');
  const modules = text.slice(text.indexOf('## Modules'), text.indexOf('## Recipes'));
  const { files: documented, folders } = documentedFiles(modules);

  it("names every file under src/ in its folder's rows, and no file that is not there", () => {
    const files = sourceFiles(path.join(root, 'src')).map((f) => path.relative(path.join(root, 'src'), f));
    expect(files.length).toBeGreaterThan(150);
    expect(files.filter((f) => !documented.has(f))).toEqual([]);
    expect([...documented].filter((f) => !files.includes(f))).toEqual([]);
  });

  it('gives each folder one group of rows', () => {
    expect(folders.filter((f, i) => folders.indexOf(f) !== i)).toEqual([]);
  });
});

describe('the import direction', () => {
  // The lint rule is the guard; these plant imports in real files' places and show it fires.
  // Only the import rule runs, without the type-aware program: building that program over src/ and
  // test/ while other test files write into the tree made a planted lint come back empty under load.
  const eslint = new ESLint({
    cwd: root,
    ruleFilter: ({ ruleId }) => ruleId === 'no-restricted-imports',
    overrideConfig: { languageOptions: { parserOptions: { project: false, projectService: false } } },
  });
  const planted = async (filePath: string, specifier: string): Promise<string[]> => {
    const text = `import * as planted from '${specifier}';\nexport const keep = planted;\n`;
    const [result] = await eslint.lintText(text, { filePath: path.join(root, filePath) });
    const messages = result?.messages ?? [];
    // Anything else (a parse error, a config error) is a broken check, not a quiet pass.
    expect(messages.filter((m) => m.ruleId !== 'no-restricted-imports')).toEqual([]);
    return messages.map((m) => m.message);
  };

  it('refuses an import from a folder above, at any depth', { timeout: 120_000 }, async () => {
    for (const [file, specifier] of [
      ['src/stats/rng.ts', '../runner/eval-run.js'],
      ['src/runner/calls/gateway.ts', '../../gate/run-gate.js'],
      ['src/scorers/length.ts', '../config/schema.js'],
      ['src/signals/signals.ts', '../drift/drift-plan.js'],
      ['src/report/markdown.ts', '../cli/main.js'],
    ] as const) {
      const messages = await planted(file, specifier);
      expect(messages, `${file} importing ${specifier}`).toHaveLength(1);
      expect(messages[0]).toMatch(/is below these folders in the data flow/);
    }
  });

  it('lets a folder import from below it and from within itself', { timeout: 120_000 }, async () => {
    expect(await planted('src/runner/calls/gateway.ts', '../../stats/rng.js')).toEqual([]);
    expect(await planted('src/runner/calls/gateway.ts', '../store/journal.js')).toEqual([]);
    expect(await planted('src/cli/main.ts', '../action/main.js')).toEqual([]);
  });
});

describe('the scorer catalogue', () => {
  it('lists every defineScorer export under src/scorers/, and ARCHITECTURE.md names their files', async () => {
    const { findDefinitions, withScorerFilesRow, ARCHITECTURE_FILE } = await import('../scripts/scorer-catalogue.js');
    const { SCORERS } = await import('../src/scorers/catalogue.js');
    const found = findDefinitions();
    expect(found.length).toBeGreaterThan(20);
    // A definition missing here is a scorer no config can use: add it to src/scorers/catalogue.ts.
    expect(SCORERS.map((d) => d.type).sort()).toEqual(found.map((d) => d.type).sort());
    const architecture = readFileSync(ARCHITECTURE_FILE, 'utf8');
    expect(architecture, 'run npm run schema').toBe(withScorerFilesRow(architecture, found));
  });

  it('is the table docs/scorers.md shows (npm run schema writes it)', async () => {
    const { withScorerTable } = await import('../scripts/write-schema.js');
    const page = readFileSync(path.join(root, 'docs', 'scorers.md'), 'utf8');
    expect(page).toBe(withScorerTable(page));
  });

  it('names each type once, and each definition accepts its own type', async () => {
    const { SCORERS } = await import('../src/scorers/catalogue.js');
    const types = SCORERS.map((d) => d.type);
    expect(new Set(types).size).toBe(types.length);
    for (const definition of SCORERS) {
      const parsed = definition.schema.safeParse({ type: definition.type });
      const typeIssues = parsed.success ? [] : parsed.error.issues.filter((i) => i.path[0] === 'type');
      expect(typeIssues, definition.type).toEqual([]);
    }
  });
});
