/** `driftgate merge DIR...`: shard runs → one run (see runner/store/merge-runs.ts). */
import path from 'node:path';
import { COMMAND_FLAGS, readFlags } from './flags.js';
import { loadConfig } from '../config/load.js';
import { ExitCode } from '../errors.js';
import { mergeShardRuns } from '../runner/store/merge-runs.js';
import { formatRunSummary } from './format-run.js';

export async function mergeCommand(dirs: readonly string[], opts: Record<string, unknown>): Promise<number> {
  const flags = readFlags(opts, COMMAND_FLAGS.merge);
  const loaded = await loadConfig(flags.config);
  const runsDir = path.resolve(flags.out ?? path.join(loaded.rootDir, '.driftgate', 'runs'));
  const merged = await mergeShardRuns(loaded, dirs, runsDir);
  if (flags.json) process.stdout.write(`${JSON.stringify({ runDir: merged.runDir, ...merged.meta }, null, 2)}\n`);
  else
    process.stdout.write(
      `merged ${dirs.length} shards (${merged.records.length} records) into ${path.relative(process.cwd(), merged.runDir) || merged.runDir}\n\n${formatRunSummary(merged.meta, merged.runDir)}\n`,
    );
  return ExitCode.Ok;
}
