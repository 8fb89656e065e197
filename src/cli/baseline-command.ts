/** `driftgate baseline update [--run DIR]`: accept a run's results as the new baselines (like a snapshot update). */
import path from 'node:path';
import { ExitCode, RunStateError } from '../errors.js';
import { loadConfig } from '../config/load.js';
import { baselineFromRun } from '../baselines/from-run.js';
import { baselinePath, readBaseline, writeBaseline } from '../baselines/baseline-file.js';
import { loadRun, resolveRunDir } from '../gate/load-run.js';
import { changedScorers, rescoreBaseline } from '../gate/rescore.js';
import { prepareSuites } from '../runner/plan/plan.js';
import { buildRunServices } from '../runner/calls/services.js';
import { ResponseCache } from '../runner/cache/cache.js';
import { COMMAND_FLAGS, readFlags } from './flags.js';

export async function baselineUpdateCommand(opts: Record<string, unknown>): Promise<number> {
  const flags = readFlags(opts, COMMAND_FLAGS['baseline update']);
  const loaded = await loadConfig(flags.config);
  const runsDir = path.resolve(flags.out ?? path.join(loaded.rootDir, '.driftgate', 'runs'));
  const run = await loadRun(await resolveRunDir(runsDir, flags.run, true));
  if (run.meta.status !== 'complete') {
    throw new RunStateError(
      `run ${run.meta.runId} is ${run.meta.status}${run.meta.incompleteReason ? ` (${run.meta.incompleteReason})` : ''}; a baseline must come from a complete run`,
    );
  }
  const wanted = flags.suite ?? run.meta.suites;
  const unknown = wanted.filter((s) => !run.meta.suites.includes(s));
  if (unknown.length)
    throw new RunStateError(
      `--suite ${unknown.join(', ')}: not in run ${run.meta.runId} (it ran ${run.meta.suites.join(', ')})`,
    );
  for (const suite of wanted) {
    const file = baselinePath(loaded.rootDir, suite);
    await readBaseline(file); // refuses to overwrite a baseline from a newer driftgate, or a corrupt one
    const baseline = baselineFromRun(run.meta, suite, run.records);
    await writeBaseline(file, baseline);
    process.stdout.write(
      `wrote ${path.relative(process.cwd(), file)}: ${baseline.cases.length} results of run ${run.meta.runId}\n`,
    );
  }
  return ExitCode.Ok;
}

/** `driftgate baseline rescore`: the committed baselines re-scored where a scorer changed, written back. */
export async function baselineRescoreCommand(opts: Record<string, unknown>): Promise<number> {
  const flags = readFlags(opts, COMMAND_FLAGS['baseline rescore']);
  const loaded = await loadConfig(flags.config);
  const maxCostUsd = flags.maxCost;
  const wanted = flags.suite ?? loaded.config.suites.map((s) => s.name);
  const { services } = buildRunServices(
    loaded.config,
    new ResponseCache(path.join(loaded.rootDir, '.driftgate', 'cache')),
    {
      offline: flags.offline,
      useCache: true,
      env: process.env,
      ...(maxCostUsd !== undefined ? { maxCostUsd } : {}),
    },
  );
  let failed = false;
  for (const name of wanted) {
    const config = loaded.config.suites.find((s) => s.name === name);
    if (!config) throw new RunStateError(`--suite ${name}: no such suite in ${path.basename(loaded.file)}`);
    const file = baselinePath(loaded.rootDir, name);
    const baseline = await readBaseline(file);
    if (!baseline) {
      process.stdout.write(`${name}: no baseline yet (nothing to re-score)\n`);
      continue;
    }
    const [prepared] = await prepareSuites(loaded, [config]);
    const changed = prepared ? changedScorers(baseline, prepared.scorers) : [];
    if (!prepared || changed.length === 0) {
      process.stdout.write(`${name}: every scorer is as the baseline has it; nothing to re-score\n`);
      continue;
    }
    const result = await rescoreBaseline(baseline, prepared, changed, services);
    for (const r of result.rescored)
      process.stdout.write(
        `${name} · ${r.metric}: ${r.outputs} outputs re-scored, ${r.calls} judge calls (${r.cached} cached), ${r.errors} errors\n`,
      );
    if (result.rescored.some((r) => r.errors > 0)) {
      failed = true;
      process.stdout.write(`${name}: not written (some re-scorings failed; fix the scorer and run again)\n`);
      continue;
    }
    await writeBaseline(file, result.baseline);
    process.stdout.write(`wrote ${path.relative(process.cwd(), file)}\n`);
  }
  return failed ? ExitCode.Incomplete : ExitCode.Ok;
}
