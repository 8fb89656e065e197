/** `driftgate eval`: flags → runEval → a summary on stdout (table, or JSON with --json). */
import { runEval } from '../runner/eval-run.js';
import { createProgress } from '../runner/progress.js';
import { formatDryRun, formatRunSummary } from './format-run.js';
import { countOrPercent, nonNegativeNumber, positiveInt } from './parse-flags.js';

export async function evalCommand(opts: Record<string, unknown>): Promise<number> {
  const json = Boolean(opts.json);
  const maxCostUsd = nonNegativeNumber('--max-cost', opts.maxCost);
  const concurrency = positiveInt('--concurrency', opts.concurrency);
  const timeoutMs = positiveInt('--timeout', opts.timeout);
  const maxErrors = countOrPercent('--max-errors', opts.maxErrors);
  const result = await runEval({
    configPath: opts.config as string,
    ...(opts.suite ? { suites: opts.suite as string[] } : {}),
    ...(concurrency !== undefined ? { concurrency } : {}),
    ...(timeoutMs !== undefined ? { timeoutMs } : {}),
    ...(maxCostUsd !== undefined ? { maxCostUsd } : {}),
    ...(maxErrors !== undefined ? { maxErrors } : {}),
    ...(opts.out ? { outDir: opts.out as string } : {}),
    ...(opts.resume !== undefined ? { resume: opts.resume as string | true } : {}),
    offline: Boolean(opts.offline),
    useCache: opts.cache !== false,
    dryRun: Boolean(opts.dryRun),
    progress: createProgress(),
  });
  if (result.dryRun) {
    process.stdout.write(json ? `${JSON.stringify(result.dryRun, null, 2)}\n` : `${formatDryRun(result.dryRun)}\n`);
    return result.exitCode;
  }
  if (result.meta && result.runDir) {
    process.stdout.write(json ? `${JSON.stringify({ runDir: result.runDir, ...result.meta }, null, 2)}\n` : `${formatRunSummary(result.meta, result.runDir)}\n`);
  }
  return result.exitCode;
}
