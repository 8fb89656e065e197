/** `driftgate merge DIR...`: shard runs → one run (see runner/merge-runs.ts). */
import path from 'node:path';
import { loadConfig } from '../config/load.js';
import { ExitCode } from '../errors.js';
import { mergeShardRuns } from '../runner/store/merge-runs.js';
import { formatRunSummary } from './format-run.js';

export async function mergeCommand(dirs: readonly string[], opts: Record<string, unknown>): Promise<number> {
  const loaded = await loadConfig(opts.config as string);
  const runsDir = path.resolve(opts.out ? String(opts.out) : path.join(loaded.rootDir, '.driftgate', 'runs'));
  const merged = await mergeShardRuns(loaded, dirs, runsDir);
  if (opts.json) process.stdout.write(`${JSON.stringify({ runDir: merged.runDir, ...merged.meta }, null, 2)}\n`);
  else
    process.stdout.write(
      `merged ${dirs.length} shards (${merged.records.length} records) into ${path.relative(process.cwd(), merged.runDir) || merged.runDir}\n\n${formatRunSummary(merged.meta, merged.runDir)}\n`,
    );
  return ExitCode.Ok;
}
