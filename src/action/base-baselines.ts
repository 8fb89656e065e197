/**
 * The baselines of a pull request's base commit. A pull request may edit `baselines/`; the gate
 * must compare with what the base branch accepted, so the reviewer sees the change the edit
 * accepts. Read with `git show <base>:baselines/<suite>.json` into a temporary directory (fetching
 * the base commit when the checkout is shallow). Undefined when git cannot provide them; the
 * caller then falls back to the working tree's baselines and says so.
 */
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

async function git(cwd: string, args: string[]): Promise<string> {
  const { stdout } = await run('git', args, { cwd, maxBuffer: 256 * 1024 * 1024 });
  return stdout;
}

export async function baselinesAtCommit(
  rootDir: string,
  sha: string,
  suites: readonly string[],
): Promise<{ dir: string; found: string[] } | undefined> {
  try {
    await git(rootDir, ['cat-file', '-e', `${sha}^{commit}`]);
  } catch {
    try {
      await git(rootDir, ['fetch', '--no-tags', '--depth=1', 'origin', sha]);
    } catch {
      return undefined;
    }
  }
  let prefix: string;
  try {
    prefix = (await git(rootDir, ['rev-parse', '--show-prefix'])).trim();
  } catch {
    return undefined;
  }
  const dir = await mkdtemp(path.join(process.env.RUNNER_TEMP ?? tmpdir(), 'driftgate-base-baselines-'));
  await mkdir(dir, { recursive: true });
  const found: string[] = [];
  for (const suite of suites) {
    try {
      const text = await git(rootDir, ['show', `${sha}:${prefix}baselines/${suite}.json`]);
      await writeFile(path.join(dir, `${suite}.json`), text);
      found.push(suite);
    } catch {
      // no baseline for this suite on the base branch
    }
  }
  return { dir, found };
}
