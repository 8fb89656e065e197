/** `driftgate check`: probe every judge, embedder and custom scorer once, live; exit 3 when any fails. */
import { ExitCode } from '../errors.js';
import { probeScorers } from './check-probe.js';
import { COMMAND_FLAGS, readFlags } from './flags.js';
import { renderTable } from './table.js';

export async function checkCommand(opts: Record<string, unknown>): Promise<number> {
  const flags = readFlags(opts, COMMAND_FLAGS.check);
  const results = await probeScorers({
    configPath: flags.config,
    ...(flags.timeout !== undefined ? { timeoutMs: flags.timeout } : {}),
  });
  if (flags.json) {
    process.stdout.write(`${JSON.stringify(results, null, 2)}\n`);
  } else if (results.length === 0) {
    process.stdout.write(
      'driftgate check: no judge, similarity or custom scorer to probe (rule checks need no probe)\n',
    );
  } else {
    const rows = results.map((r) => [
      r.suite,
      r.scorer,
      r.type,
      r.ok ? 'ok' : 'FAILED',
      r.ok ? (r.value === undefined ? '' : r.value.toFixed(3)) : `${r.hint ? `${r.hint} — ` : ''}${r.error ?? ''}`,
      `${r.ms} ms`,
    ]);
    const failed = results.filter((r) => !r.ok).length;
    process.stdout.write(
      `driftgate check: one live probe per model-based scorer (not from the cache)\n\n${renderTable(['suite', 'scorer', 'type', 'probe', 'value or reason', 'time'], rows)}\n\n${
        failed
          ? `${failed} of ${results.length} probes failed: fix these before a long run`
          : `all ${results.length} probes answered`
      }\n`,
    );
  }
  return results.some((r) => !r.ok) ? ExitCode.Incomplete : ExitCode.Ok;
}
