/**
 * ARCHITECTURE.md is the record of what was built: every source file is named in its module table
 * (by file name; a few names recur in two folders, each with its own row), so a file added without
 * a word about it fails here.
 */
import { describe, expect, it } from 'vitest';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sourceFiles(path.join(dir, e.name)) : e.name.endsWith('.ts') ? [path.join(dir, e.name)] : [],
  );
}

describe('ARCHITECTURE.md', () => {
  it('names every file under src/ in its module table', () => {
    const text = readFileSync(path.join(root, 'ARCHITECTURE.md'), 'utf8');
    const table = text
      .split('\n')
      .filter((l) => l.startsWith('|'))
      .join('\n');
    const files = sourceFiles(path.join(root, 'src')).map((f) => path.relative(path.join(root, 'src'), f));
    expect(files.length).toBeGreaterThan(150);
    const missing = files.filter(
      (f) => !new RegExp(`\`(?:[\\w-]+/)?${path.basename(f).replace(/\./g, '\\.')}\``).test(table),
    );
    expect(missing).toEqual([]);
  });
});
