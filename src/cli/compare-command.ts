/** `driftgate compare [--run DIR]`: a run against the committed baselines; exit 1 when the gate fails. */
import path from 'node:path';
import { ExitCode, UsageError } from '../errors.js';
import { loadConfig } from '../config/load.js';
import { loadRunForGate, resolveRunDir } from '../gate/load-run.js';
import { runGate } from '../gate/run-gate.js';
import { formatGateReport } from './format-gate.js';
import { finishGate } from '../gate/finish-gate.js';
import { COMMAND_FLAGS, readFlags } from './flags.js';

export async function compareCommand(opts: Record<string, unknown>): Promise<number> {
  const flags = readFlags(opts, COMMAND_FLAGS.compare);
  const loaded = await loadConfig(flags.config);
  const runsDir = path.resolve(flags.out ?? path.join(loaded.rootDir, '.driftgate', 'runs'));
  const run = await loadRunForGate(await resolveRunDir(runsDir, flags.run, false));
  const found = await runGate({
    loaded,
    suites: run.meta.suites,
    records: run.records,
    runIncomplete: run.meta.status === 'complete' ? undefined : (run.meta.incompleteReason ?? 'the run did not finish'),
    rescore: { env: process.env, offline: flags.offline },
    looks: { adaptive: run.meta.adaptive },
  });
  if (!found)
    throw new UsageError(
      `no baselines for ${run.meta.suites.join(', ')} under ${path.join(loaded.rootDir, 'baselines')}; accept a run first with: driftgate baseline update`,
    );
  const outcome = await finishGate(run.dir, run.meta.runId, found, async () => run.records);
  const { baselines: _baselines, lastLook: _lastLook, ...shown } = outcome;
  process.stdout.write(
    flags.json
      ? `${JSON.stringify({ run: run.meta.runId, ...shown }, null, 2)}\n`
      : `${formatGateReport(outcome.report, outcome.withoutBaseline)}\n`,
  );
  if (outcome.report.incomplete?.length) return ExitCode.Incomplete;
  return outcome.report.failed ? ExitCode.GateFailed : ExitCode.Ok;
}
