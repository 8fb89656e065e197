/** `driftgate logs pull`: a source's window as a redacted snapshot. Exit 0 written · 2 bad input · 3 incomplete read. */
import { pullLogs } from '../drift/pull-logs.js';
import { COMMAND_FLAGS, readFlags } from './flags.js';

export async function logsPullCommand(opts: Record<string, unknown>): Promise<number> {
  const flags = readFlags(opts, COMMAND_FLAGS.logsPull);
  const { file, manifestFile, manifest } = await pullLogs({
    configPath: flags.config,
    ...(flags.since ? { since: flags.since } : {}),
    ...(flags.snapshotOut ? { out: flags.snapshotOut } : {}),
  });
  if (flags.json) {
    process.stdout.write(`${JSON.stringify(manifest, null, 2)}\n`);
    return 0;
  }
  const { read, written, bad, outsideWindow } = manifest.counts;
  const redacted = Object.entries(manifest.redaction.findings)
    .map(([type, n]) => `${n} ${type}`)
    .join(', ');
  const lines = [
    `pulled ${written} of ${read} records from ${manifest.source}${manifest.since ? ` since ${manifest.since}` : ''}`,
    `  snapshot  ${file}`,
    `  manifest  ${manifestFile}`,
    ...(bad ? [`  bad       ${bad} (kept as bad lines; the first: ${manifest.bad[0]?.reason ?? ''})`] : []),
    ...(outsideWindow ? [`  outside the window: ${outsideWindow}`] : []),
    `  redacted  ${redacted || 'nothing found'}`,
    `run it: driftgate drift --snapshot ${file}`,
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
  return 0;
}
