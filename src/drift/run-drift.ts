/**
 * `driftgate drift` as a function: sample the logs, redact, replay through pinned and current
 * (through the same gateway, cache, journal and scorers as `eval`), compute the signals, decide
 * with Holm at α, and append this run to the history. Nothing leaves the machine unredacted: the
 * inputs are redacted before they become requests, and requests are all that is sent or written.
 */
import path from 'node:path';
import { glob } from 'tinyglobby';
import { ConfigError, ExitCode, StorageError } from '../errors.js';
import { stoppedByStorage } from '../runner/eval-run.js';
import { loadConfig } from '../config/load.js';
import type { DriftConfig } from '../config/schema.js';
import { buildScorers } from '../scorers/registry.js';
import { ResponseCache } from '../runner/cache.js';
import type { CallRecord } from '../records/call-record.js';
import { runCalls } from '../runner/run-calls.js';
import { readRunRecords } from '../runner/run-records.js';
import type { BatchReport } from '../runner/batch-phase.js';
import { describeHealing, JournalWriter } from '../runner/journal.js';
import type { StopSignal } from '../runner/interrupt.js';
import { openForResume, pendingItems, reopen } from '../runner/resume.js';
import type { PreparedSuite } from '../runner/plan.js';
import { guardSuites } from '../runner/scorer-guard.js';
import { scorerFailureReason, scorerHealth } from '../runner/scorer-health.js';
import { silentProgress, type Progress } from '../runner/progress.js';
import {
  createRunDir,
  gitSha,
  JOURNAL_FILE,
  newRunId,
  RUN_SCHEMA_VERSION,
  writeRunMeta,
  type RunMeta,
} from '../runner/run-dir.js';
import { buildRunServices } from '../runner/services.js';
import { runTotals } from '../runner/summary.js';
import { computeSignals } from './compute-signals.js';
import { driftCost, monthlyFromWindow } from './cost-by-stratum.js';
import { DRIFT_SUITE, driftCases, driftSuiteConfig, driftWorkItems } from './drift-plan.js';
import { appendHistory, HISTORY_SCHEMA_VERSION, historySignals, readHistory } from './history.js';
import { PRESETS } from './log-fields.js';
import { isoWeekSeed, parseSince, sampleLogs } from './sample-logs.js';
import { decideDrift } from './signals.js';
import { writeDriftResult } from '../report/results-files.js';
import type { DriftResult } from './drift-result.js';

export type { DriftResult } from './drift-result.js';
import { writeFileAtomic } from '../util/atomic-write.js';

export const VOCABULARY_FILE = 'vocabulary.tsv';

export interface DriftOptions {
  readonly configPath?: string;
  readonly offline?: boolean;
  readonly useCache?: boolean;
  readonly maxCostUsd?: number;
  readonly concurrency?: number;
  readonly since?: string;
  readonly seed?: string;
  readonly outDir?: string;
  readonly env?: NodeJS.ProcessEnv;
  readonly progress?: Progress;
  /** Ctrl-C (runner/interrupt.ts): no new call once requested; the run ends incomplete, resumable. */
  readonly stop?: StopSignal;
  readonly now?: Date;
  /** Resume an interrupted drift run (its id, or true for the newest incomplete one): same sample, finished calls kept. */
  readonly resume?: string | true;
  /** Send the calls through the providers' batch APIs (runner.mode: batch). */
  readonly batch?: boolean;
}

async function logFiles(rootDir: string, drift: DriftConfig): Promise<string[]> {
  const patterns = Array.isArray(drift.logs) ? drift.logs : [drift.logs];
  const files = (await glob(patterns, { cwd: rootDir, absolute: true, onlyFiles: true })).sort();
  if (files.length === 0)
    throw new ConfigError(`drift.logs: no file matches ${patterns.join(', ')} (relative to ${rootDir})`);
  return files;
}

export async function runDrift(options: DriftOptions = {}): Promise<DriftResult> {
  const env = options.env ?? process.env;
  const now = options.now ?? new Date();
  const loaded = await loadConfig(options.configPath);
  const { config } = loaded;
  const drift = config.drift;
  if (!drift) throw new ConfigError(`${path.basename(loaded.file)}: no drift section (see README, "Weekly drift")`);
  const mapping = { ...PRESETS[drift.format], ...(drift.fields ?? {}) } as (typeof PRESETS)['generic'] & object;
  const runsDir = path.resolve(options.outDir ?? path.join(loaded.rootDir, '.driftgate', 'runs'));
  const resumed =
    options.resume !== undefined
      ? await openForResume(
          runsDir,
          options.resume,
          'drift',
          { hash: loaded.hash, name: path.basename(loaded.file) },
          true,
        )
      : undefined;
  const seed =
    resumed?.meta.drift?.seed ?? options.seed ?? (drift.sample.seed === 'auto' ? isoWeekSeed(now) : drift.sample.seed);
  const sinceText = options.since ?? drift.sample.since;
  // A resumed run keeps its window's absolute start, so a resume days later samples the same lines.
  const since = resumed
    ? resumed.meta.drift?.since
      ? new Date(resumed.meta.drift.since)
      : undefined
    : sinceText
      ? parseSince(sinceText, now)
      : undefined;
  const sample = await sampleLogs(await logFiles(loaded.rootDir, drift), {
    mapping,
    size: drift.sample.size,
    ...(drift.sample.stratify ? { stratify: drift.sample.stratify } : {}),
    minPerStratum: drift.sample.min_per_stratum,
    ...(since ? { since } : {}),
    seed,
    maxBadFraction: drift.max_bad_lines,
  });
  const { cases, redactions } = await driftCases(sample.items, drift.redact);
  const suite = driftSuiteConfig(drift);
  const scorers = await buildScorers(drift.scorers, {
    rootDir: loaded.rootDir,
    models: config.models,
    where: `${path.basename(loaded.file)} drift.scorers`,
    targets: suite.targets,
  });
  const items = driftWorkItems(cases, drift, config.models);
  const unguarded: PreparedSuite = {
    config: suite,
    cases,
    caseById: new Map(cases.map((c) => [c.case.id, c])),
    scorers,
  };
  const prepared = guardSuites([unguarded], items, config.runner.max_scorer_errors)[0] as PreparedSuite;

  const useCache = options.useCache ?? true;
  const cache = new ResponseCache(path.join(loaded.rootDir, '.driftgate', 'cache'), {
    warn: (line) => (options.progress ?? silentProgress).note?.(line),
  });
  if (useCache) cache.assertNoSymlinks();
  const meta: RunMeta = resumed?.meta ?? {
    schemaVersion: RUN_SCHEMA_VERSION,
    runId: newRunId(now),
    status: 'running',
    command: 'drift',
    configFile: path.relative(loaded.rootDir, loaded.file),
    configHash: loaded.hash,
    gitSha: await gitSha(loaded.rootDir),
    suites: [DRIFT_SUITE],
    models: Object.fromEntries(
      drift.targets.map((t) => [
        t,
        {
          provider: config.models[t]?.provider ?? '',
          model: config.models[t]?.model ?? null,
          params: config.models[t]?.params ?? {},
        },
      ]),
    ),
    startedAt: now.toISOString(),
    resumedAt: [],
    drift: { seed, ...(since ? { since: since.toISOString() } : {}) },
  };
  let runDir: string;
  if (resumed) {
    runDir = resumed.dir;
    await reopen(resumed, now.toISOString());
  } else {
    runDir = await createRunDir(runsDir, meta);
  }
  const pending = pendingItems(items, resumed?.finished ?? new Set());
  const { gateway, embeddings, services } = buildRunServices(config, cache, {
    offline: options.offline ?? false,
    useCache,
    env,
    ...(options.maxCostUsd !== undefined ? { maxCostUsd: options.maxCostUsd } : {}),
  });
  const journal = await JournalWriter.open(path.join(runDir, JOURNAL_FILE));
  if (options.stop) options.stop.resumeCommand = `driftgate drift --resume ${meta.runId}`;
  if (journal.healed) {
    meta.journalMended = (meta.journalMended ?? 0) + 1;
    (options.progress ?? silentProgress).note?.(describeHealing(JOURNAL_FILE, journal.healed));
  }
  let records: CallRecord[];
  let skipped = 0;
  let notStarted = 0;
  let misses = 0;
  let batches: readonly BatchReport[] = [];
  try {
    const batchMode = (options.batch ?? config.runner.mode === 'batch') && !(options.offline ?? false);
    const run = await runCalls({
      pending,
      pendingCount: pending.length,
      prepared: [prepared],
      unguarded: [unguarded],
      models: config.models,
      gateway,
      services,
      journal,
      concurrency: options.concurrency ?? config.runner.concurrency,
      progress: options.progress ?? silentProgress,
      ...(options.stop ? { stop: options.stop } : {}),
      ...(batchMode
        ? {
            batch: {
              runDir,
              settings: config.runner.batch,
              env,
              timeoutMs: config.runner.timeout_ms,
              log: (line: string) => (options.progress ?? silentProgress).note?.(line),
            },
          }
        : {}),
    });
    const outcome = run.outcome;
    batches = run.batches;
    skipped = outcome.skippedForBudget;
    notStarted = options.stop?.requested ? outcome.notStarted : 0;
    records = await readRunRecords(path.join(runDir, JOURNAL_FILE), [prepared]);
    misses = records.filter((r) => r.error?.kind === 'cache_miss').length;
  } catch (err) {
    if (err instanceof StorageError)
      throw await stoppedByStorage(runDir, meta, err, `driftgate drift --resume ${meta.runId}`);
    throw err;
  } finally {
    await journal.close();
  }

  const health = scorerHealth(
    records,
    [{ suite: DRIFT_SUITE, scorers: prepared.scorers }],
    config.runner.max_scorer_errors,
  );
  const historyFile = path.resolve(loaded.rootDir, drift.history);
  const history = (await readHistory(historyFile)).filter((r) => r.suite === DRIFT_SUITE);
  const computed = await computeSignals({
    records,
    cases,
    targets: drift.targets,
    embed: (texts) => embeddings.embed(drift.embedder, texts),
    ...(history.length ? { previousCurrentModels: history[history.length - 1]?.models.current } : {}),
    seed,
    health,
    behaviour: {
      permutations: drift.behaviour.permutations,
      components: drift.behaviour.components,
      minStratum: drift.behaviour.min_stratum,
    },
    semanticEmbedder: config.models[drift.embedder]?.provider !== 'local',
  });
  const decision = decideDrift(
    [...computed.signals, ...historySignals(history, computed.metrics, drift.window)],
    drift.alpha,
    drift.fail_on,
  );
  await writeVocabulary(runDir, computed.vocabulary);

  const errors = records.filter((r) => r.status === 'error').length;
  const callReason =
    notStarted > 0
      ? `${options.stop?.reason ?? 'interrupted'}: ${notStarted} of ${items.length} calls not made; every finished call is journaled (resume with: driftgate drift --resume ${meta.runId})`
      : skipped > 0
        ? `budget reached: ${skipped} of ${items.length} calls not made (resume with: driftgate drift --resume ${meta.runId} --max-cost <more>)`
        : misses > 0
          ? `--offline: ${misses} calls are not in the cache`
          : errors > 0
            ? `${errors} of ${items.length} calls failed`
            : undefined;
  const scorerReason = scorerFailureReason(health);
  const incompleteReason =
    [
      callReason,
      scorerReason ? `${scorerReason} (fix the scorer, then: driftgate drift --resume ${meta.runId})` : undefined,
    ]
      .filter(Boolean)
      .join('; ') || undefined;
  if (batches.length > 0) meta.batches = [...(meta.batches ?? []), ...batches];
  meta.status = incompleteReason ? 'incomplete' : 'complete';
  if (incompleteReason) meta.incompleteReason = incompleteReason;
  meta.finishedAt = new Date().toISOString();
  meta.scorers = health;
  if (cache.rejected.size > 0) meta.cacheRefused = (meta.cacheRefused ?? 0) + cache.rejected.size;
  meta.totals = {
    ...runTotals(records),
    spentUsd: (resumed?.meta.totals?.spentUsd ?? 0) + gateway.options.budget.spentUsd,
  };
  await writeRunMeta(runDir, meta);
  // An incomplete week is not history: a partial sample would move the baseline of later weeks.
  if (!incompleteReason) {
    await appendHistory(historyFile, {
      schemaVersion: HISTORY_SCHEMA_VERSION,
      suite: DRIFT_SUITE,
      runId: meta.runId,
      seed,
      finishedAt: meta.finishedAt,
      drifted: decision.drifted,
      worse: decision.worse,
      models: computed.models,
      metrics: computed.metrics,
    });
  }
  const { items: _items, ...sampleInfo } = sample;
  const windowDays = sinceText && since ? (now.getTime() - since.getTime()) / 86_400_000 : undefined;
  const monthlyCalls =
    drift.forecast?.monthly_calls ??
    (windowDays ? monthlyFromWindow(sample.lines - sample.outsideWindow - sample.badLines, windowDays) : undefined);
  const cost = driftCost(computed.priced, monthlyCalls);
  const result: DriftResult = {
    exitCode: incompleteReason ? ExitCode.Incomplete : decision.failed ? ExitCode.GateFailed : ExitCode.Ok,
    runId: meta.runId,
    runDir,
    sample: { ...sampleInfo, size: sample.items.length },
    redactions,
    decision,
    divergent: computed.divergent,
    historyFile,
    scorers: health,
    ...(cost ? { cost } : {}),
    ...(incompleteReason ? { incompleteReason } : {}),
  };
  await writeDriftResult(runDir, result, loaded.rootDir);
  return result;
}

/** `vocabulary.tsv`: the week's fitted terms of the "behaviour changed" test, most frequent first. */
async function writeVocabulary(runDir: string, vocabulary: readonly { term: string; df: number }[]): Promise<void> {
  const rows = [...vocabulary]
    .sort((a, b) => b.df - a.df || (a.term < b.term ? -1 : 1))
    .map((v) => `${v.term.replace(/[\t\n]/g, ' ')}\t${v.df}`);
  await writeFileAtomic(path.join(runDir, VOCABULARY_FILE), `term\tanswers\n${rows.join('\n')}\n`);
}
