/**
 * Where a drift run's log lines come from, as `drift.logs` names them: files matched by patterns
 * (read as `drift.format` says) or a platform opened for the window. Shared by `drift` and
 * `logs pull`.
 */
import { glob } from 'tinyglobby';
import { ConfigError } from '../errors.js';
import type { DriftConfig } from '../config/schema.js';
import type { PresetName } from '../sources/log-fields.js';
import type { LogOrigin } from '../sources/log-origin.js';
import { openSource } from '../sources/log-sources.js';
import type { SourceContext } from '../sources/source-context.js';

/** A source hands normalized records whatever `format` says; files are read as `format` says. */
export const logPreset = (drift: DriftConfig): PresetName =>
  typeof drift.logs === 'object' && !Array.isArray(drift.logs) ? 'normalized' : drift.format;

/** The files the config's patterns match, or the platform it names, opened for the window. */
export async function logOrigins(
  rootDir: string,
  drift: DriftConfig,
  context: SourceContext,
): Promise<(string | LogOrigin)[]> {
  if (typeof drift.logs === 'object' && !Array.isArray(drift.logs))
    return [openSource(drift.logs, { rootDir, ...context })];
  const patterns = Array.isArray(drift.logs) ? drift.logs : [drift.logs];
  const files = (await glob(patterns, { cwd: rootDir, absolute: true, onlyFiles: true })).sort();
  if (files.length === 0)
    throw new ConfigError(`drift.logs: no file matches ${patterns.join(', ')} (relative to ${rootDir})`);
  return files;
}
