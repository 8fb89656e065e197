/** Temporary project directories for tests: a driftgate.yaml plus whatever files a test needs. */
import { mkdtemp, mkdir, writeFile, readdir, readFile, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';

export async function makeProject(files: Record<string, string>): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'driftgate-test-'));
  for (const [name, content] of Object.entries(files)) {
    await mkdir(path.dirname(path.join(dir, name)), { recursive: true });
    await writeFile(path.join(dir, name), content);
  }
  return dir;
}

/** A JSONL dataset of `n` support questions with explicit ids. */
export function questions(n: number): string {
  return (
    Array.from({ length: n }, (_, i) => JSON.stringify({ id: `q${i}`, question: `Question number ${i}?` })).join('\n') +
    '\n'
  );
}

/** Every file below `dir`, with its text. */
export async function allFiles(dir: string): Promise<{ file: string; text: string }[]> {
  const out: { file: string; text: string }[] = [];
  const walk = async (d: string): Promise<void> => {
    for (const name of await readdir(d)) {
      const p = path.join(d, name);
      if ((await stat(p)).isDirectory()) await walk(p);
      else out.push({ file: p, text: await readFile(p, 'utf8') });
    }
  };
  await walk(dir);
  return out;
}
