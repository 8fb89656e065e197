/**
 * `driftgate logs pull` as a function: open what `drift.logs` names for the window (a platform, or
 * OTLP / normalized files) and write it as a redacted snapshot with its manifest (log-snapshot.ts).
 * Files in another export format are read by `drift` directly: a snapshot of them would add
 * nothing but a copy, so that is refused with the reason.
 */
import path from 'node:path';
import { ConfigError } from '../errors.js';
import { loadConfig } from '../config/load.js';
import { readerOf } from '../sources/log-fields.js';
import type { LogOrigin } from '../sources/log-origin.js';
import { registerEnvSecrets } from '../util/secrets.js';
import { logOrigins, logPreset } from './drift-origins.js';
import { manifestPathOf, pullSnapshot, type SnapshotManifest } from './log-snapshot.js';
import { batchesOf, parseSince } from './sample-logs.js';

export interface PullLogsOptions {
  readonly configPath?: string;
  /** The window (`7d`, an ISO date); default `drift.sample.since`. */
  readonly since?: string;
  /** The snapshot file; default `.driftgate/logs/<source>.jsonl` beside the config. */
  readonly out?: string;
  readonly now?: Date;
  readonly env?: NodeJS.ProcessEnv;
}

export interface PullLogsResult {
  readonly file: string;
  readonly manifestFile: string;
  readonly manifest: SnapshotManifest;
}

/** Several files read one after another, as one origin. */
function filesOrigin(files: readonly string[], reader: ReturnType<typeof readerOf>): LogOrigin {
  return {
    name: files.length === 1 ? path.basename(files[0] ?? '') : `${files.length} files`,
    async *batches() {
      for (const file of files) yield* batchesOf(file, reader);
    },
  };
}

export async function pullLogs(options: PullLogsOptions = {}): Promise<PullLogsResult> {
  const now = options.now ?? new Date();
  const env = options.env ?? process.env;
  registerEnvSecrets(env);
  const loaded = await loadConfig(options.configPath);
  const drift = loaded.config.drift;
  if (!drift) throw new ConfigError(`${path.basename(loaded.file)}: no drift section (see docs/drift.md)`);
  const preset = logPreset(drift);
  if (preset !== 'normalized' && preset !== 'otlp')
    throw new ConfigError(
      `drift.logs: logs pull snapshots a log source (langfuse, langsmith, openai-stored) or OTLP / normalized files; ` +
        `files in format ${preset} are read by driftgate drift as they are`,
    );
  const sinceText = options.since ?? drift.sample.since;
  const since = sinceText ? parseSince(sinceText, now) : undefined;
  const opened = await logOrigins(loaded.rootDir, drift, { env, ...(since ? { since } : {}) });
  const files = opened.filter((o): o is string => typeof o === 'string');
  const origin = files.length > 0 ? filesOrigin(files, readerOf(preset)) : opened.find((o) => typeof o !== 'string');
  if (!origin) throw new ConfigError('drift.logs: nothing to read');
  const name = files.length > 0 ? 'logs' : origin.name;
  const out = path.resolve(options.out ?? path.join(loaded.rootDir, '.driftgate', 'logs', `${name}.jsonl`));
  const manifest = await pullSnapshot({
    origin,
    config: drift.logs,
    out,
    ...(since ? { since } : {}),
    redact: drift.redact,
    now,
  });
  return { file: out, manifestFile: manifestPathOf(out), manifest };
}
