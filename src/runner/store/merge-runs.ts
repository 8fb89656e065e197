/**
 * `driftgate merge DIR...`: joins the runs of `eval --shard i/n` into one run that `compare`,
 * `report` and `baseline update` treat exactly like an unsharded run: the records in plan order,
 * summaries, scorer health and the between-target test computed from all of them at once.
 *
 * Refused (exit 2, nothing written): a directory that is not a shard run, shards of different
 * configs or shard counts, a shard missing or given twice, an incomplete shard, an item in two shards.
 */
import path from 'node:path';
import { writeFile } from 'node:fs/promises';
import { UsageError } from '../../errors.js';
import { scrubSecrets } from '../../util/secrets.js';
import type { LoadedConfig } from '../../config/load.js';
import type { CallRecord } from '../../records/call-record.js';
import { latestByItem, readJournal } from './journal.js';
import { planCalls, prepareSuites, selectSuites } from '../plan/plan.js';
import { describeRun } from '../summary/run-description.js';
import {
  createRunDir,
  JOURNAL_FILE,
  newRunId,
  readRunMeta,
  RUN_SCHEMA_VERSION,
  writeRunMeta,
  type RunMeta,
} from './run-dir.js';
import { runTotals } from '../summary/summary.js';

export interface MergeResult {
  readonly runDir: string;
  readonly meta: RunMeta;
  readonly records: readonly CallRecord[];
}

interface ShardRun {
  readonly dir: string;
  readonly meta: RunMeta;
  readonly records: readonly CallRecord[];
}

async function readShard(dir: string): Promise<ShardRun> {
  const meta = await readRunMeta(dir);
  if (meta.command !== 'eval' || !meta.shard)
    throw new UsageError(`${dir}: not a shard run (made by driftgate eval --shard i/n)`);
  const records = [...latestByItem(await readJournal(path.join(dir, JOURNAL_FILE))).values()];
  return { dir, meta, records };
}

export async function mergeShardRuns(
  loaded: LoadedConfig,
  dirs: readonly string[],
  runsDir: string,
): Promise<MergeResult> {
  if (dirs.length === 0) throw new UsageError('merge: name the shard run directories to join');
  const shards = await Promise.all(dirs.map((d) => readShard(path.resolve(d))));
  const first = shards[0] as ShardRun;
  const count = first.meta.shard?.count as number;
  const mismatch = (what: string, pick: (m: RunMeta) => string) => {
    const odd = shards.find((s) => pick(s.meta) !== pick(first.meta));
    if (odd)
      throw new UsageError(
        `merge: ${odd.dir} has ${what} ${pick(odd.meta)}, ${first.dir} has ${pick(first.meta)}: shards of one run share it`,
      );
  };
  mismatch('config hash', (m) => m.configHash);
  mismatch('shard count', (m) => String(m.shard?.count));
  mismatch('suites', (m) => m.suites.join(', '));
  if (first.meta.configHash !== loaded.hash) {
    throw new UsageError(
      `merge: the shards ran config ${first.meta.configHash.slice(0, 12)}, but ${path.basename(loaded.file)} is now ${loaded.hash.slice(0, 12)}: merge with the config the shards ran`,
    );
  }
  const byIndex = new Map<number, ShardRun>();
  for (const s of shards) {
    const index = s.meta.shard?.index as number;
    const twice = byIndex.get(index);
    if (twice) throw new UsageError(`merge: shard ${index}/${count} given twice (${twice.dir} and ${s.dir})`);
    byIndex.set(index, s);
  }
  const missing = Array.from({ length: count }, (_, i) => i + 1).filter((i) => !byIndex.has(i));
  if (missing.length > 0)
    throw new UsageError(
      `merge: shard${missing.length > 1 ? 's' : ''} ${missing.map((i) => `${i}/${count}`).join(', ')} missing (got ${[
        ...byIndex.keys(),
      ]
        .sort((a, b) => a - b)
        .map((i) => `${i}/${count}`)
        .join(', ')})`,
    );
  const unfinished = shards.find((s) => s.meta.status !== 'complete');
  if (unfinished)
    throw new UsageError(
      `merge: ${unfinished.dir} (shard ${unfinished.meta.shard?.index}/${count}) is ${unfinished.meta.status}${unfinished.meta.incompleteReason ? `: ${unfinished.meta.incompleteReason}` : ''}; resume it first`,
    );

  const ordered = [...byIndex.entries()].sort((a, b) => a[0] - b[0]).map(([, s]) => s);
  const byItem = new Map<string, CallRecord>();
  for (const s of ordered) {
    for (const r of s.records) {
      if (byItem.has(r.itemId))
        throw new UsageError(
          `merge: item ${r.itemId} is in two shards (${s.dir} and another): were they run with different shard counts?`,
        );
      byItem.set(r.itemId, r);
    }
  }

  // Plan order, as one unsharded run journals its records; every planned item must be there.
  const suites = selectSuites(loaded, first.meta.suites);
  const prepared = await prepareSuites(loaded, suites);
  const plan = planCalls(prepared, loaded.config.models);
  const absent = plan.filter((item) => !byItem.has(item.itemId));
  if (absent.length > 0)
    throw new UsageError(
      `merge: ${absent.length} planned items are in no shard (first: ${absent[0]?.itemId}); the datasets changed since the shards ran?`,
    );
  const records = plan.map((item) => byItem.get(item.itemId) as CallRecord);

  const meta: RunMeta = {
    schemaVersion: RUN_SCHEMA_VERSION,
    runId: newRunId(),
    status: 'complete',
    command: 'eval',
    configFile: first.meta.configFile,
    configHash: first.meta.configHash,
    gitSha: first.meta.gitSha,
    suites: first.meta.suites,
    models: first.meta.models,
    startedAt: ordered.map((s) => s.meta.startedAt).sort()[0] as string,
    resumedAt: [],
    finishedAt: ordered
      .map((s) => s.meta.finishedAt ?? s.meta.startedAt)
      .sort()
      .at(-1) as string,
    mergedFrom: ordered.map((s) => s.meta.runId),
    totals: { ...runTotals(records), spentUsd: ordered.reduce((sum, s) => sum + (s.meta.totals?.spentUsd ?? 0), 0) },
    ...describeRun({ records, suites: first.meta.suites, prepared, loaded, answers: records }),
  };
  const runDir = await createRunDir(runsDir, { ...meta, status: 'running' });
  await writeFile(path.join(runDir, JOURNAL_FILE), scrubSecrets(records.map((r) => `${JSON.stringify(r)}\n`).join('')));
  // run.json last: a merge killed half-way leaves a "running" run, never a complete one with missing lines.
  await writeRunMeta(runDir, meta);
  return { runDir, meta, records };
}
