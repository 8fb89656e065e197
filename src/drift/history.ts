/**
 * The drift history: one JSON line per drift run (`.driftgate/history.jsonl` by default), so a
 * slow slide shows even when pinned and current agree week by week. Rows are appended atomically
 * (appended with O_APPEND, so concurrent runs both keep their row).
 *
 * This week against the trailing `window` runs: with 8 or more runs in the history, an EWMA control
 * chart (λ = 0.2, ±3σ, σ² = between-week variance + this week's SE²); with fewer, a z-test of this
 * week's mean against the trailing mean, with the variance of both.
 */
import { readTextIfExists } from '../util/read-text.js';
import normalCdf from '@stdlib/stats-base-dists-normal-cdf';
import { appendFile, mkdir } from 'node:fs/promises';
import path from 'node:path';
import { RunStateError, storageError } from '../errors.js';
import { ewmaCheck } from '../stats/ewma.js';
import type { Signal } from '../signals/signals.js';
import type { ProductionWeek } from '../production/production-tally.js';

export const HISTORY_SCHEMA_VERSION = 1;

export interface WeeklyMetric {
  readonly mean: number;
  readonly se: number;
  readonly n: number;
}

export interface HistoryRow {
  readonly schemaVersion: typeof HISTORY_SCHEMA_VERSION;
  readonly suite: string;
  readonly runId: string;
  readonly seed: string;
  readonly finishedAt: string;
  readonly drifted: boolean;
  /** Quality worse that week (absent in rows written before the changed/worse split). */
  readonly worse?: boolean;
  readonly models: { readonly pinned: readonly string[]; readonly current: readonly string[] };
  readonly metrics: Readonly<Record<string, WeeklyMetric>>;
  /** What production did that window, from every log line (absent in rows written before it existed). */
  readonly production?: ProductionWeek;
  /** Written by `drift --backfill` from the logs alone: production figures, no replay. */
  readonly backfilled?: boolean;
}

export async function readHistory(file: string): Promise<HistoryRow[]> {
  const text = await readTextIfExists(file);
  if (text === undefined) return [];
  const lines = text.split('\n');
  // A process killed mid-append leaves a torn last line without its newline: that week is not history.
  if (!text.endsWith('\n') && lines.length > 0) {
    try {
      JSON.parse(lines.at(-1) as string);
    } catch {
      lines.pop();
    }
  }
  return lines
    .filter((l) => l.trim())
    .map((l, i) => {
      try {
        const row = JSON.parse(l) as HistoryRow;
        if (row.schemaVersion > HISTORY_SCHEMA_VERSION)
          throw new RunStateError(
            `${file}:${i + 1}: schemaVersion ${row.schemaVersion} is newer than this driftgate reads`,
          );
        return row;
      } catch (err) {
        if (err instanceof RunStateError) throw err;
        throw new RunStateError(`${file}:${i + 1}: not valid JSON; fix or remove that line`);
      }
    });
}

export async function appendHistory(file: string, row: HistoryRow): Promise<void> {
  // O_APPEND: two drift runs finishing at once (two CI jobs in one workspace) both keep their row;
  // a rewrite through a temp file would let the later rename drop the other's.
  await mkdir(path.dirname(file), { recursive: true });
  const existing = (await readTextIfExists(file)) ?? '';
  const separator = existing && !existing.endsWith('\n') ? '\n' : '';
  try {
    await appendFile(file, `${separator}${JSON.stringify(row)}\n`);
  } catch (err) {
    throw storageError(err, file) ?? err;
  }
}

export function historySignals(
  rows: readonly HistoryRow[],
  now: Readonly<Record<string, WeeklyMetric>>,
  window: number,
): Signal[] {
  const out: Signal[] = [];
  for (const [name, m] of Object.entries(now)) {
    const past = rows.map((r) => r.metrics[name]).filter((x): x is WeeklyMetric => x !== undefined);
    if (past.length === 0) continue;
    if (past.length >= 8) {
      const check = ewmaCheck(
        past.map((p) => p.mean),
        m.mean,
        m.se,
      );
      if (!check) continue;
      out.push({
        name: `history: ${name}`,
        role: 'decides',
        aspect: 'changed',
        test: `EWMA chart over ${past.length} runs (λ 0.2, ±3σ)`,
        n: past.length,
        effect: check.z - check.centre,
        effectLabel: 'EWMA minus the historical mean',
        effectFloor: 0,
        p: null,
        drifted: check.outOfControl,
        details: { ...check },
      });
      continue;
    }
    const trailing = past.slice(-window);
    const mean = trailing.reduce((s, p) => s + p.mean, 0) / trailing.length;
    const between =
      trailing.length > 1 ? trailing.reduce((s, p) => s + (p.mean - mean) ** 2, 0) / (trailing.length - 1) : 0;
    const within = trailing.reduce((s, p) => s + p.se * p.se, 0) / trailing.length;
    const variance = m.se * m.se + (between + within) / trailing.length;
    if (!(variance > 0)) continue;
    const z = (m.mean - mean) / Math.sqrt(variance);
    out.push({
      name: `history: ${name}`,
      role: 'decides',
      aspect: 'changed',
      test: `z-test against the trailing ${trailing.length} run${trailing.length > 1 ? 's' : ''}`,
      n: trailing.length,
      effect: m.mean - mean,
      effectLabel: 'this run minus the trailing mean',
      effectFloor: 0,
      p: 2 * (1 - normalCdf(Math.abs(z), 0, 1)),
    });
  }
  return out;
}
