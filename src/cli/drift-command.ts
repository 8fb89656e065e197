/** `driftgate drift`: the weekly job. Exit 0 no drift · 1 drift · 2 bad input · 3 run incomplete. */
import { runDrift } from '../drift/run-drift.js';
import { createProgress } from '../runner/calls/progress.js';
import { formatDriftReport } from './format-drift.js';
import { nonNegativeNumber, positiveInt } from './parse-flags.js';
import { handleInterrupts, StopSignal } from '../runner/calls/interrupt.js';

export async function driftCommand(opts: Record<string, unknown>): Promise<number> {
  const maxCostUsd = nonNegativeNumber('--max-cost', opts.maxCost);
  const concurrency = positiveInt('--concurrency', opts.concurrency);
  const stop = new StopSignal();
  const release = handleInterrupts(stop);
  const result = await runDrift({
    configPath: opts.config as string,
    offline: Boolean(opts.offline),
    useCache: opts.cache !== false,
    ...(maxCostUsd !== undefined ? { maxCostUsd } : {}),
    ...(concurrency !== undefined ? { concurrency } : {}),
    ...(opts.since ? { since: String(opts.since) } : {}),
    ...(opts.seed ? { seed: String(opts.seed) } : {}),
    ...(opts.out ? { outDir: String(opts.out) } : {}),
    ...(opts.resume !== undefined ? { resume: opts.resume as string | true } : {}),
    ...(opts.batch ? { batch: true } : {}),
    progress: createProgress(),
    stop,
  }).finally(release);
  process.stdout.write(opts.json ? `${JSON.stringify(result, null, 2)}\n` : `${formatDriftReport(result)}\n`);
  return result.exitCode;
}
