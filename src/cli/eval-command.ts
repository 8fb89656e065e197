/** `driftgate eval`: flags → runEval → a summary on stdout (table, or JSON with --json). */
import { runEval } from '../runner/eval-run.js';
import { createProgress } from '../runner/calls/progress.js';
import { formatDryRun, formatRunSummary } from './format-run.js';
import { formatGateReport } from './format-gate.js';
import { ExitCode } from '../errors.js';
import { COMMAND_FLAGS, readFlags, sessionFlags } from './flags.js';
import { handleInterrupts, StopSignal } from '../runner/calls/interrupt.js';

export async function evalCommand(opts: Record<string, unknown>): Promise<number> {
  const flags = readFlags(opts, COMMAND_FLAGS.eval);
  const { json, maxCost: maxCostUsd } = flags;
  const evalOptions = {
    configPath: flags.config,
    ...sessionFlags(flags),
    ...(flags.suite ? { suites: flags.suite } : {}),
    ...(flags.timeout !== undefined ? { timeoutMs: flags.timeout } : {}),
    ...(flags.maxErrors !== undefined ? { maxErrors: flags.maxErrors } : {}),
    ...(flags.judgeRepeats !== undefined ? { judgeRepeats: flags.judgeRepeats } : {}),
    ...(flags.shard ? { shard: flags.shard } : {}),
    dryRun: flags.dryRun,
  };
  const stop = new StopSignal();
  const release = handleInterrupts(stop);
  let result;
  try {
    result = await runEval({ ...evalOptions, progress: createProgress(), stop });
  } finally {
    release();
  }
  if (result.dryRun) {
    process.stdout.write(json ? `${JSON.stringify(result.dryRun, null, 2)}\n` : `${formatDryRun(result.dryRun)}\n`);
    return result.exitCode;
  }
  if (!result.meta || !result.runDir) return result.exitCode;
  if (result.meta.shard) {
    // A shard holds part of the cases: the gate runs once, on the merged run.
    const { index, count } = result.meta.shard;
    if (json) process.stdout.write(`${JSON.stringify({ runDir: result.runDir, ...result.meta }, null, 2)}\n`);
    else
      process.stdout.write(
        `${formatRunSummary(result.meta, result.runDir)}\n\nshard ${index}/${count}: not compared with the baselines; join the shards with driftgate merge <dirs...>, then driftgate compare\n`,
      );
    return result.exitCode;
  }
  // With baselines present, the run is compared at once, as `driftgate compare` would; with
  // gate.adaptive, inconclusive metrics may get extra rounds first.
  const { loadConfig } = await import('../config/load.js');
  const { evalAndGate } = await import('../gate/adaptive-eval.js');
  const run = await evalAndGate({
    loaded: await loadConfig(flags.config),
    first: result,
    evalOptions: { ...evalOptions, progress: createProgress() },
    rescore: {
      env: process.env,
      offline: flags.offline,
      ...(maxCostUsd !== undefined ? { maxCostUsd } : {}),
    },
  });
  result = run.result;
  if (!result.meta || !result.runDir) return result.exitCode;
  const { gate } = run;
  if (json) {
    process.stdout.write(
      `${JSON.stringify({ runDir: result.runDir, ...result.meta, ...(gate ? { gate: { report: gate.report, withoutBaseline: gate.withoutBaseline } } : {}) }, null, 2)}\n`,
    );
  } else {
    process.stdout.write(`${formatRunSummary(result.meta, result.runDir)}\n`);
    if (gate) process.stdout.write(`\n${formatGateReport(gate.report, gate.withoutBaseline)}\n`);
  }
  // An incomplete run says so first: its verdicts rest on missing calls.
  if (result.exitCode !== ExitCode.Ok) return result.exitCode;
  if (gate?.report.incomplete?.length) return ExitCode.Incomplete;
  return gate?.report.failed ? ExitCode.GateFailed : ExitCode.Ok;
}
