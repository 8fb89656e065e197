/** Reading files that may not exist yet (a first run has no journal, history or baseline). */
import { readFile } from 'node:fs/promises';

/** The file's text, or undefined when it does not exist; any other failure is thrown. */
export async function readTextIfExists(file: string): Promise<string | undefined> {
  try {
    return await readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}
