/** `driftgate baseline update [--run DIR]`: accept a run's results as the new baselines (like a snapshot update). */
import path from 'node:path';
import { ExitCode, RunStateError } from '../errors.js';
import { loadConfig } from '../config/load.js';
import { baselineFromRun } from '../baselines/from-run.js';
import { baselinePath, readBaseline, writeBaseline } from '../baselines/baseline-file.js';
import { loadRun, resolveRunDir } from '../gate/load-run.js';

export async function baselineUpdateCommand(opts: Record<string, unknown>): Promise<number> {
  const loaded = await loadConfig(opts.config as string);
  const runsDir = path.resolve(opts.out ? String(opts.out) : path.join(loaded.rootDir, '.driftgate', 'runs'));
  const run = await loadRun(await resolveRunDir(runsDir, opts.run as string | undefined, true));
  if (run.meta.status !== 'complete') {
    throw new RunStateError(`run ${run.meta.runId} is ${run.meta.status}${run.meta.incompleteReason ? ` (${run.meta.incompleteReason})` : ''}; a baseline must come from a complete run`);
  }
  const wanted = (opts.suite as string[] | undefined) ?? run.meta.suites;
  const unknown = wanted.filter((s) => !run.meta.suites.includes(s));
  if (unknown.length) throw new RunStateError(`--suite ${unknown.join(', ')}: not in run ${run.meta.runId} (it ran ${run.meta.suites.join(', ')})`);
  for (const suite of wanted) {
    const file = baselinePath(loaded.rootDir, suite);
    await readBaseline(file); // refuses to overwrite a baseline from a newer driftgate, or a corrupt one
    const baseline = baselineFromRun(run.meta, suite, run.records);
    await writeBaseline(file, baseline);
    process.stdout.write(`wrote ${path.relative(process.cwd(), file)}: ${baseline.cases.length} results of run ${run.meta.runId}\n`);
  }
  return ExitCode.Ok;
}
