/**
 * `driftgate cache verify` checks every entry of a response cache as a run would before serving it
 * (runner/cache/cache-entry.ts) and names each one it would refuse: CI can run it on a pull request's
 * committed cache. `driftgate cache upgrade` seals the entries of an older driftgate (schemaVersion
 * 1, no content hash) whose request still hashes to their key — a decision to trust them, so it is
 * a command of its own and never automatic.
 */
import { lstat, readdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { ExitCode, UsageError } from '../errors.js';
import { loadConfig } from '../config/load.js';
import { cacheKey, type CacheKeyInput } from '../runner/cache/cache.js';
import { CACHE_SCHEMA_VERSION, entryProblem, seal, type SealedEntry } from '../runner/cache/cache-entry.js';
import { EMBEDDING_CACHE_SCHEMA_VERSION } from '../scorers/similarity/embedding-service.js';

interface EntryFile {
  readonly file: string;
  readonly key: string;
  readonly shard: string;
}

export interface VerifiedEntry {
  readonly file: string;
  readonly problem?: string;
}

async function cacheDirOf(opts: Record<string, unknown>): Promise<string> {
  if (opts.dir) return path.resolve(String(opts.dir));
  const loaded = await loadConfig(opts.config as string);
  return path.join(loaded.rootDir, '.driftgate', 'cache');
}

async function entryFiles(dir: string): Promise<EntryFile[]> {
  let shards: string[];
  try {
    shards = (await readdir(dir)).sort();
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
  const out: EntryFile[] = [];
  for (const shard of shards) {
    const shardDir = path.join(dir, shard);
    if (!(await lstat(shardDir)).isDirectory()) {
      out.push({ file: shardDir, key: '', shard });
      continue;
    }
    for (const name of (await readdir(shardDir)).sort())
      out.push({ file: path.join(shardDir, name), key: name.replace(/\.json$/, ''), shard });
  }
  return out;
}

/** What a run would make of one file of the cache folder. */
export async function verifyEntry(e: EntryFile): Promise<VerifiedEntry> {
  const stat = await lstat(e.file);
  if (stat.isSymbolicLink()) return { file: e.file, problem: 'is a symbolic link' };
  if (!stat.isFile())
    return { file: e.file, problem: 'is not a cache entry (a folder of entries is named by two hex digits)' };
  if (!/^[0-9a-f]{64}$/.test(e.key) || !e.file.endsWith('.json'))
    return { file: e.file, problem: 'is not a cache entry (entries are <sha256>.json)' };
  if (e.shard !== e.key.slice(0, 2))
    return { file: e.file, problem: `is in folder ${e.shard}/, not ${e.key.slice(0, 2)}/ where its key puts it` };
  let entry: unknown;
  try {
    entry = JSON.parse(await readFile(e.file, 'utf8'));
  } catch {
    return { file: e.file, problem: 'is not valid JSON (torn by a killed writer: a run removes and rewrites it)' };
  }
  const embedding = (entry as { kind?: unknown } | null)?.kind === 'embedding';
  const problem = entryProblem(
    e.key,
    entry,
    embedding
      ? { version: EMBEDDING_CACHE_SCHEMA_VERSION }
      : { version: CACHE_SCHEMA_VERSION, requestKey: (r) => cacheKey(r as CacheKeyInput) },
  );
  return problem ? { file: e.file, problem } : { file: e.file };
}

export async function cacheVerifyCommand(opts: Record<string, unknown>): Promise<number> {
  const dir = await cacheDirOf(opts);
  const results = await Promise.all((await entryFiles(dir)).map(verifyEntry));
  const refused = results.filter((r) => r.problem !== undefined);
  const rel = (f: string) => path.relative(process.cwd(), f) || f;
  if (opts.json) {
    process.stdout.write(
      `${JSON.stringify({ dir: rel(dir), entries: results.length, refused: refused.map((r) => ({ file: rel(r.file), problem: r.problem })) }, null, 2)}\n`,
    );
  } else {
    const lines = [
      `${rel(dir)}: ${results.length.toLocaleString('en-US')} entries checked, ${(results.length - refused.length).toLocaleString('en-US')} would be served, ${refused.length.toLocaleString('en-US')} refused`,
    ];
    for (const r of refused) lines.push(`  ${rel(r.file)}: ${r.problem}`);
    if (refused.length)
      lines.push(
        '',
        'A run treats each refused entry as a miss (and pays for that call again). Review how they came to be before you trust the rest of this cache.',
      );
    process.stdout.write(`${lines.join('\n')}\n`);
  }
  return refused.length ? ExitCode.GateFailed : ExitCode.Ok;
}

/** Seals schemaVersion 1 entries whose request still hashes to their key; leaves everything else. */
export async function cacheUpgradeCommand(opts: Record<string, unknown>): Promise<number> {
  const dir = await cacheDirOf(opts);
  const files = await entryFiles(dir);
  if (files.length === 0) throw new UsageError(`no cache entries under ${dir}`);
  let sealed = 0;
  const left: string[] = [];
  for (const e of files) {
    const verified = await verifyEntry(e);
    if (!verified.problem) continue;
    const entry = await readFile(e.file, 'utf8').then(
      (t) => JSON.parse(t) as Record<string, unknown>,
      () => undefined,
    );
    const old = entry && entry.schemaVersion === 1 && entry.contentHash === undefined && entry.key === e.key;
    const embedding = entry?.kind === 'embedding';
    if (!old || (!embedding && cacheKey(entry.request as CacheKeyInput) !== e.key)) {
      left.push(`${path.relative(process.cwd(), e.file)}: ${verified.problem}`);
      continue;
    }
    const upgraded = seal<SealedEntry>({
      ...entry,
      key: e.key,
      schemaVersion: embedding ? EMBEDDING_CACHE_SCHEMA_VERSION : CACHE_SCHEMA_VERSION,
    });
    const tmp = `${e.file}.${process.pid}.tmp`;
    await writeFile(tmp, `${JSON.stringify(upgraded)}\n`);
    await rename(tmp, e.file);
    sealed++;
  }
  process.stdout.write(
    [
      `sealed ${sealed.toLocaleString('en-US')} entries of the older format; ${left.length} left as they were`,
      ...left.map((l) => `  ${l}`),
    ].join('\n') + '\n',
  );
  return left.length ? ExitCode.GateFailed : ExitCode.Ok;
}
