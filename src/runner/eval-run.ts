/**
 * `driftgate eval`, as a function: config → suites → work items → executed calls → journal and
 * run.json. The CLI only parses flags and prints; everything here is testable without a process.
 */
import path from 'node:path';
import { UsageError, ExitCode, StorageError } from '../errors.js';
import { loadConfig } from '../config/load.js';
import type { RunnerConfig } from '../config/schema.js';
import { PriceTable, priceFor } from '../providers/pricing.js';
import { resolveCredentials } from '../providers/registry.js';
import { ResponseCache } from './cache.js';
import type { CallRecord } from '../records/call-record.js';
import { estimateDryRun, type DryRunEstimate } from './dry-run.js';
import { buildRunServices } from './services.js';
import { describeHealing, JournalWriter } from './journal.js';
import type { StopSignal } from './interrupt.js';
import { openForResume, pendingOf, reopen } from './resume.js';
import { readGateRecords, readRunFacts, readRunRecords } from './run-records.js';
import { guardSuites } from './scorer-guard.js';
import { scorerFailureReason } from './scorer-health.js';
import { describeRun } from './run-description.js';
import type { BatchReport } from './batch-phase.js';
import { runCalls } from './run-calls.js';
import { judgeVariance, type JudgeVariance } from './judge-variance.js';
import { allowedErrorCount } from './allowance.js';
import { lazyPlan, prepareSuites, selectSuites, type WorkItem } from './plan.js';
import { roundCalls, type AdaptiveRoundRecord } from './adaptive-rounds.js';
import { silentProgress, type Progress } from './progress.js';
import { selectShard, type Shard } from './shard.js';
import {
  JOURNAL_FILE,
  RUN_SCHEMA_VERSION,
  createRunDir,
  gitSha,
  newRunId,
  writeRunMeta,
  type RunMeta,
} from './run-dir.js';
import { runTotals } from './summary.js';

export interface EvalOptions {
  readonly configPath?: string;
  readonly suites?: readonly string[];
  readonly concurrency?: number;
  readonly offline?: boolean;
  readonly useCache?: boolean;
  readonly maxCostUsd?: number;
  readonly maxErrors?: number | string;
  /** Grade every judged output this many more times, to measure the judge's own variance. */
  readonly judgeRepeats?: number;
  readonly timeoutMs?: number;
  readonly dryRun?: boolean;
  /** Directory that holds run directories (default `<config dir>/.driftgate/runs`). */
  readonly outDir?: string;
  /** A run id to resume, or true for the newest incomplete run. */
  readonly resume?: string | true;
  /** Run only this shard of every suite's cases (`--shard i/n`); `driftgate merge` joins the shards. */
  readonly shard?: Shard;
  /**
   * gate.adaptive: with `resume`, add this round of extra repeats to the run (run.json records it)
   * and make its calls. `final`: the gate will not ask for another round.
   */
  readonly adaptiveRound?: { readonly round: AdaptiveRoundRecord; readonly final: boolean };
  /** Send the calls through the providers' batch APIs (runner.mode: batch). */
  readonly batch?: boolean;
  /** Overrides for the retry policy (tests use short delays). */
  readonly retry?: Partial<Pick<RunnerConfig, 'max_retries' | 'retry_base_ms' | 'max_rate_limit_wait_ms'>>;
  readonly env?: NodeJS.ProcessEnv;
  readonly progress?: Progress;
  /** Ctrl-C (runner/interrupt.ts): no new call once requested; the run ends incomplete, resumable. */
  readonly stop?: StopSignal;
}

export interface EvalResult {
  readonly exitCode: ExitCode;
  readonly runId?: string;
  readonly runDir?: string;
  readonly meta?: RunMeta;
  /**
   * The latest record of every item in the run, in plan order, read back from the journal: the
   * run does not hold its records (a 100,000-case suite would not fit), so this reads them when asked.
   */
  readRecords(): Promise<CallRecord[]>;
  /** The same records as the gate compares them: without answers (the flips read theirs after). */
  readGateRecords?(): Promise<CallRecord[]>;
  readonly incompleteReason?: string;
  readonly dryRun?: DryRunEstimate;
}

export async function runEval(options: EvalOptions = {}): Promise<EvalResult> {
  const env = options.env ?? process.env;
  const loaded = await loadConfig(options.configPath);
  const { config } = loaded;
  const runner = config.runner;
  const cache = new ResponseCache(path.join(loaded.rootDir, '.driftgate', 'cache'), {
    warn: (line) => (options.progress ?? silentProgress).note?.(line),
  });
  const runsDir = path.resolve(options.outDir ?? path.join(loaded.rootDir, '.driftgate', 'runs'));
  const useCache = options.useCache ?? true;
  const offline = options.offline ?? false;
  if (offline && !useCache)
    throw new UsageError('--offline and --no-cache contradict each other: offline replays from the cache only');
  if (useCache) cache.assertNoSymlinks();
  const prices = new PriceTable(config.pricing);

  // Resume: reopen the run, keep its suite selection, skip what finished.
  const resumed =
    options.resume !== undefined
      ? await openForResume(runsDir, options.resume, 'eval', { hash: loaded.hash, name: path.basename(loaded.file) })
      : undefined;

  if (config.suites.length === 0)
    throw new UsageError(
      `${path.basename(loaded.file)} defines no suites${config.drift ? ' (it has a drift section: run driftgate drift)' : ''}`,
    );
  const suites = selectSuites(loaded, resumed ? resumed.meta.suites : options.suites);
  const shard = resumed?.meta.shard ?? options.shard;
  const all = await prepareSuites(loaded, suites);
  const built = shard ? selectShard(all, shard) : all;
  if (resumed && options.adaptiveRound) {
    const { round, final } = options.adaptiveRound;
    const before = resumed.meta.adaptive ?? { rounds: [], final: false, extraCalls: 0 };
    resumed.meta.adaptive = {
      rounds: [...before.rounds, round],
      final,
      extraCalls: before.extraCalls + roundCalls(round),
    };
  }
  const plan = lazyPlan(built, config.models, resumed?.meta.adaptive?.rounds ?? []);
  const prepared = guardSuites(built, plan.slots(), runner.max_scorer_errors);

  if (options.dryRun)
    return {
      exitCode: ExitCode.Ok,
      readRecords: async () => [],
      dryRun: estimateDryRun(plan, useCache ? cache : undefined, prices, options.batch ?? runner.mode === 'batch'),
    };

  const pending = pendingOf(plan, resumed?.finished ?? new Set());
  if (!offline)
    precheck(
      pending.items,
      new Set(suites.flatMap((s) => s.targets)).size,
      useCache ? cache : undefined,
      options.maxCostUsd,
      prices,
      env,
    );

  const now = new Date().toISOString();
  let runDir: string;
  let meta: RunMeta;
  if (resumed) {
    ({ dir: runDir, meta } = resumed);
    await reopen(resumed, now);
  } else {
    meta = {
      schemaVersion: RUN_SCHEMA_VERSION,
      runId: newRunId(),
      status: 'running',
      command: 'eval',
      configFile: path.relative(loaded.rootDir, loaded.file),
      configHash: loaded.hash,
      gitSha: await gitSha(loaded.rootDir),
      suites: suites.map((s) => s.name),
      models: Object.fromEntries(
        [...new Set(suites.flatMap((s) => s.targets))].map((t) => {
          const m = config.models[t];
          return [t, { provider: m?.provider ?? '', model: m?.model ?? null, params: m?.params ?? {} }];
        }),
      ),
      startedAt: now,
      resumedAt: [],
      ...(shard ? { shard } : {}),
    };
    runDir = await createRunDir(runsDir, meta);
  }

  const journal = await JournalWriter.open(path.join(runDir, JOURNAL_FILE));
  if (options.stop) options.stop.resumeCommand = `driftgate eval --resume ${meta.runId}`;
  if (journal.healed) {
    meta.journalMended = (meta.journalMended ?? 0) + 1;
    (options.progress ?? silentProgress).note?.(describeHealing(JOURNAL_FILE, journal.healed));
  }
  const concurrency = options.concurrency ?? runner.concurrency;
  const { gateway, services } = buildRunServices(config, cache, {
    offline,
    useCache,
    env,
    ...(options.maxCostUsd !== undefined ? { maxCostUsd: options.maxCostUsd } : {}),
    ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
    ...(options.retry ? { retry: options.retry } : {}),
  });
  let outcome;
  const batchMode = (options.batch ?? runner.mode === 'batch') && !offline;
  let batches: readonly BatchReport[] = [];
  try {
    ({ outcome, batches } = await runCalls({
      pending: pending.items,
      pendingCount: pending.count,
      prepared,
      unguarded: built,
      models: config.models,
      gateway,
      services,
      journal,
      concurrency,
      progress: options.progress ?? silentProgress,
      ...(options.stop ? { stop: options.stop } : {}),
      ...(batchMode
        ? {
            batch: {
              runDir,
              settings: runner.batch,
              env,
              timeoutMs: options.timeoutMs ?? runner.timeout_ms,
              log: (line: string) => (options.progress ?? silentProgress).note?.(line),
            },
          }
        : {}),
    }));
  } catch (err) {
    if (err instanceof StorageError)
      throw await stoppedByStorage(runDir, meta, err, `driftgate eval --resume ${meta.runId}`);
    throw err;
  } finally {
    await journal.close();
  }

  // The run is described from its journal, a line at a time: facts of every record, and whole
  // records only where the behaviour test between targets reads the answers.
  const journalFile = path.join(runDir, JOURNAL_FILE);
  let read: Promise<CallRecord[]> | undefined;
  const readRecords = () => (read ??= readRunRecords(journalFile, prepared));
  const judgeVariances: JudgeVariance[] = options.judgeRepeats
    ? await judgeVariance(prepared, await readRecords(), services, options.judgeRepeats)
    : [];
  // Summaries and reliability describe the run as planned; adaptive rounds' extra repeats of a few
  // cases would weight those cases more. The gate reads every repeat, look by look.
  const plannedRepeats = new Map(suites.map((s) => [s.name, s.repeats]));
  const planned = (r: { suite: string; repeat: number }) => r.repeat < (plannedRepeats.get(r.suite) ?? 1);
  const severalTargets = new Set(suites.filter((s) => s.targets.length > 1).map((s) => s.name));
  const { facts: records, whole: answers } = await readRunFacts(
    journalFile,
    prepared,
    (r) => severalTargets.has(r.suite) && planned(r),
  );
  const errors = records.filter((r) => r.status === 'error').length;
  const allowedErrors = allowedErrorCount(options.maxErrors ?? runner.max_errors, plan.size);

  let incompleteReason: string | undefined;
  if (options.stop?.requested && outcome.notStarted > 0) {
    incompleteReason = `${options.stop.reason ?? 'interrupted'}: ${outcome.notStarted} of ${plan.size} calls not made; every finished call is journaled (resume with: driftgate eval --resume ${meta.runId})`;
  } else if (outcome.skippedForBudget > 0) {
    incompleteReason = `budget of $${options.maxCostUsd} reached: ${outcome.skippedForBudget} of ${plan.size} calls not made (resume with: driftgate eval --resume ${meta.runId} --max-cost <more>)`;
  } else if (outcome.firstCacheMiss) {
    const miss = outcome.firstCacheMiss;
    const misses = records.filter((r) => r.error?.kind === 'cache_miss').length;
    incompleteReason = `--offline: ${misses} calls are not in the cache; first missing: suite ${miss.suite}, case "${miss.caseId}", target ${miss.target}, repeat ${miss.repeat} (key ${miss.key.slice(0, 16)}…)`;
  } else if (errors > allowedErrors) {
    incompleteReason = `${errors} of ${plan.size} calls failed (allowed: ${allowedErrors}; see error records in ${JOURNAL_FILE}, raise runner.max_errors, or resume with --resume ${meta.runId})`;
  }
  const described = describeRun(records.filter(planned), meta.suites, prepared, loaded, answers);
  const scorerReason = scorerFailureReason(described.scorers);
  if (scorerReason)
    incompleteReason = [
      incompleteReason,
      `${scorerReason} (fix the scorer, then resume with --resume ${meta.runId}: failed scorings are retried)`,
    ]
      .filter(Boolean)
      .join('; ');

  meta.status = incompleteReason ? 'incomplete' : 'complete';
  if (incompleteReason) meta.incompleteReason = incompleteReason;
  meta.finishedAt = new Date().toISOString();
  // Spent = every call paid for (answers, verdicts, embeddings), across all sessions of this run.
  const spentBefore = meta.totals?.spentUsd ?? 0;
  meta.totals = { ...runTotals(records), spentUsd: spentBefore + gateway.options.budget.spentUsd };
  meta.summaries = described.summaries;
  meta.scorers = described.scorers;
  if (judgeVariances.length > 0) meta.judgeVariance = judgeVariances;
  if (batches.length > 0) meta.batches = [...(meta.batches ?? []), ...batches];
  if (described.behaviour) meta.behaviour = described.behaviour;
  if (cache.rejected.size > 0) meta.cacheRefused = (meta.cacheRefused ?? 0) + cache.rejected.size;
  await writeRunMeta(runDir, meta);

  return {
    exitCode: incompleteReason ? ExitCode.Incomplete : ExitCode.Ok,
    runId: meta.runId,
    runDir,
    meta,
    readRecords,
    readGateRecords: () => readGateRecords(journalFile, prepared),
    ...(incompleteReason ? { incompleteReason } : {}),
  };
}

/** Fails before any call when a call would need a missing key, or a price --max-cost cannot know. */
function precheck(
  items: Iterable<WorkItem>,
  targets: number,
  cache: ResponseCache | undefined,
  maxCostUsd: number | undefined,
  prices: PriceTable,
  env: NodeJS.ProcessEnv,
): void {
  const checked = new Set<string>();
  for (const item of items) {
    if (checked.size === targets) return;
    if (checked.has(item.target) || cache?.has(item.key)) continue;
    checked.add(item.target);
    resolveCredentials(item.target, item.model, env);
    if (maxCostUsd !== undefined && !priceFor(item.model, item.request.model, prices)) {
      throw new UsageError(
        `--max-cost needs a price for model "${item.request.model}" (target ${item.target}): add it under pricing: in driftgate.yaml, as { input: <$ per 1M tokens>, output: <$ per 1M tokens> }`,
      );
    }
  }
}

/**
 * The disk refused a write: the run is marked incomplete (when run.json can still be written) and
 * the error says how to go on. Every line the journal took before is kept.
 */
export async function stoppedByStorage(
  runDir: string,
  meta: RunMeta,
  err: StorageError,
  resume: string,
): Promise<StorageError> {
  const reason = `${err.message}; every call journaled before is kept: free space (or make the directory writable), then ${resume}`;
  meta.status = 'incomplete';
  meta.incompleteReason = reason;
  meta.finishedAt = new Date().toISOString();
  try {
    await writeRunMeta(runDir, meta);
  } catch {
    // run.json cannot be written either: it still says "running", which --resume also picks up.
  }
  return new StorageError(reason);
}
