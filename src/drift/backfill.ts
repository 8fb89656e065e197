/**
 * `drift --backfill 12w`: the production history built from the logs a team already has, before
 * its first report — each past window's production figures (cost, served models, feedback, traffic)
 * counted in one pass over the logs and appended as history rows marked `backfilled`, with no
 * replay, so the first run already tests this window against the trailing ones. Refused when the
 * history already holds production figures: a backfill builds a new project's history once.
 */
import path from 'node:path';
import { ConfigError } from '../errors.js';
import type { DriftConfig } from '../config/schema.js';
import type { LoadedConfig } from '../config/load.js';
import { PriceTable } from '../providers/pricing.js';
import { ProductionTally } from '../production/production-tally.js';
import { usageReader } from '../production/usage-line.js';
import { fieldMapping, readerOf } from '../sources/log-fields.js';
import { logOrigins, logPreset } from './drift-origins.js';
import { appendHistory, HISTORY_SCHEMA_VERSION, readHistory } from './history.js';
import { DRIFT_SUITE } from './drift-plan.js';
import { batchesOf, parseSince } from './sample-logs.js';

export interface BackfillOptions {
  readonly loaded: LoadedConfig;
  readonly drift: DriftConfig;
  /** How far back: `12w`, `90d`. */
  readonly span: string;
  /** The end of the window this run is for: backfilled windows end where it starts. */
  readonly now: Date;
  readonly env: Readonly<Record<string, string | undefined>>;
}

export async function backfillHistory(options: BackfillOptions): Promise<number> {
  const { loaded, drift, now } = options;
  const windowStart = parseSince(drift.sample.since ?? '7d', now);
  const length = now.getTime() - windowStart.getTime();
  const from = parseSince(options.span, windowStart, '--backfill');
  const windows = Math.floor((windowStart.getTime() - from.getTime()) / length);
  if (windows < 1)
    throw new ConfigError(`--backfill ${options.span}: shorter than one window (${drift.sample.since ?? '7d'})`);
  const historyFile = path.resolve(loaded.rootDir, drift.history);
  const history = (await readHistory(historyFile)).filter((r) => r.suite === DRIFT_SUITE);
  if (history.some((r) => r.production))
    throw new ConfigError(
      `--backfill: ${path.basename(historyFile)} already holds production figures for ${history.filter((r) => r.production).length} runs; a backfill builds a new project's history once`,
    );
  const preset = logPreset(drift);
  const mapping = fieldMapping(preset, drift.fields);
  const prices = new PriceTable(loaded.config.pricing);
  // Window i ends where window i + 1 starts; the last ends where this run's window starts.
  const starts = Array.from({ length: windows }, (_, i) => new Date(windowStart.getTime() - (windows - i) * length));
  const tallies = starts.map(
    (since) =>
      new ProductionTally(prices, {
        ...(drift.group_by ? { groupBy: drift.group_by } : {}),
        since,
        end: new Date(since.getTime() + length),
      }),
  );
  const first = starts[0]?.getTime() ?? windowStart.getTime();
  const origins = await logOrigins(loaded.rootDir, drift, { env: options.env, since: new Date(first) });
  const readUsage = usageReader(mapping, drift.group_by);
  for (const origin of origins) {
    for await (const batch of batchesOf(origin, readerOf(preset)))
      for (const { record } of batch) {
        if (record === undefined) continue;
        const line = readUsage(record);
        if (line.time === undefined || line.time < first || line.time >= windowStart.getTime()) continue;
        tallies[Math.floor((line.time - first) / length)]?.add(line);
      }
  }
  for (const [i, tally] of tallies.entries()) {
    const end = new Date((starts[i]?.getTime() ?? 0) + length).toISOString();
    await appendHistory(historyFile, {
      schemaVersion: HISTORY_SCHEMA_VERSION,
      suite: DRIFT_SUITE,
      runId: `backfill-${end.slice(0, 10)}`,
      seed: 'backfill',
      finishedAt: end,
      drifted: false,
      models: { pinned: [], current: [] },
      metrics: {},
      production: tally.result(),
      backfilled: true,
    });
  }
  return windows;
}
