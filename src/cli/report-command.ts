/** `driftgate report --run DIR --format md,html,junit,json`: renders reports from a run directory. */
import path from 'node:path';
import { ExitCode } from '../errors.js';
import { resolveRunDir } from '../gate/load-run.js';
import { loadReportModel } from '../report/report-model.js';
import { parseFormats, writeReports } from '../report/write-reports.js';

export async function reportCommand(opts: Record<string, unknown>): Promise<number> {
  const formats = parseFormats(String(opts.format ?? 'md,html,junit,json'));
  const runDir = await resolveRunDir(
    path.resolve(String(opts.runs ?? path.join('.driftgate', 'runs'))),
    opts.run as string | undefined,
    false,
  );
  const model = await loadReportModel(runDir);
  const written = await writeReports(model, formats, path.resolve(opts.out ? String(opts.out) : runDir));
  for (const file of Object.values(written)) process.stdout.write(`${path.relative(process.cwd(), file) || file}\n`);
  return ExitCode.Ok;
}
