/** `driftgate drift`: the weekly job. Exit 0 no drift · 1 drift · 2 bad input · 3 run incomplete. */
import { runDrift } from '../drift/run-drift.js';
import { createProgress } from '../runner/calls/progress.js';
import { formatDriftReport } from './format-drift.js';
import { COMMAND_FLAGS, readFlags, sessionFlags } from './flags.js';
import { handleInterrupts, StopSignal } from '../runner/calls/interrupt.js';

export async function driftCommand(opts: Record<string, unknown>): Promise<number> {
  const flags = readFlags(opts, COMMAND_FLAGS.drift);
  const stop = new StopSignal();
  const release = handleInterrupts(stop);
  const result = await runDrift({
    configPath: flags.config,
    ...sessionFlags(flags),
    ...(flags.since ? { since: flags.since } : {}),
    ...(flags.snapshot ? { snapshot: flags.snapshot } : {}),
    ...(flags.backfill ? { backfill: flags.backfill } : {}),
    ...(flags.asOf ? { asOf: flags.asOf } : {}),
    ...(flags.seed ? { seed: flags.seed } : {}),
    progress: createProgress(),
    stop,
  }).finally(release);
  process.stdout.write(flags.json ? `${JSON.stringify(result, null, 2)}\n` : `${formatDriftReport(result)}\n`);
  return result.exitCode;
}
