/**
 * `driftgate eval`, as a function: config → suites → work items → executed calls → journal and
 * run.json. The CLI only parses flags and prints; everything here is testable without a process.
 */
import path from 'node:path';
import { UsageError, ExitCode } from '../errors.js';
import { loadConfig } from '../config/load.js';
import { PriceTable, priceFor } from '../providers/pricing.js';
import { resolveCredentials } from '../providers/registry.js';
import type { ResponseCache } from './cache/cache.js';
import type { CallRecord } from '../records/call-record.js';
import { estimateDryRun, type DryRunEstimate } from './plan/dry-run.js';
import { pendingOf } from './store/resume.js';
import { readGateRecords, readRunFacts, readRunRecords } from './store/run-records.js';
import { guardSuites } from './scoring/scorer-guard.js';
import { describeRun } from './summary/run-description.js';
import { judgeVariance, type JudgeVariance } from './scoring/judge-variance.js';
import { lazyPlan, prepareSuites, selectSuites, type WorkItem } from './plan/plan.js';
import { roundCalls, type AdaptiveRoundRecord } from './plan/adaptive-rounds.js';
import { selectShard, type Shard } from './plan/shard.js';
import { JOURNAL_FILE, newRunId, type RunMeta } from './store/run-dir.js';
import { RunSession, type SessionOptions } from './session/run-session.js';
import { incompleteReason } from './session/completion.js';

export interface EvalOptions extends SessionOptions {
  readonly configPath?: string;
  readonly suites?: readonly string[];
  readonly maxErrors?: number | string;
  /** Grade every judged output this many more times, to measure the judge's own variance. */
  readonly judgeRepeats?: number;
  readonly dryRun?: boolean;
  /** Run only this shard of every suite's cases (`--shard i/n`); `driftgate merge` joins the shards. */
  readonly shard?: Shard;
  /**
   * gate.adaptive: with `resume`, add this round of extra repeats to the run (run.json records it)
   * and make its calls. `final`: the gate will not ask for another round.
   */
  readonly adaptiveRound?: { readonly round: AdaptiveRoundRecord; readonly final: boolean };
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
  const loaded = await loadConfig(options.configPath);
  const { config } = loaded;
  const runner = config.runner;
  const session = await RunSession.open(loaded, 'eval', options);
  const { resumed, cache, useCache } = session;
  const prices = new PriceTable(config.pricing);

  if (config.suites.length === 0)
    throw new UsageError(
      `${path.basename(loaded.file)} defines no suites${config.drift ? ' (it has a drift section: run driftgate drift)' : ''}`,
    );
  // Resume keeps the run's suite selection and shard, and skips what finished.
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
  const targets = [...new Set(suites.flatMap((s) => s.targets))];
  if (!session.offline)
    precheck({
      items: pending.items,
      targets: targets.length,
      cache: useCache ? cache : undefined,
      maxCostUsd: options.maxCostUsd,
      prices,
      env: session.env,
    });

  await session.start({
    runId: newRunId(),
    startedAt: new Date().toISOString(),
    suites: suites.map((s) => s.name),
    targets,
    ...(shard ? { extra: { shard } } : {}),
  });
  const { outcome } = await session.makeCalls({
    pending: pending.items,
    pendingCount: pending.count,
    prepared,
    unguarded: built,
  });

  // The run is described from its journal, a line at a time: facts of every record, and whole
  // records only where the behaviour test between targets reads the answers.
  const { runDir, meta } = session;
  const journalFile = path.join(runDir, JOURNAL_FILE);
  let read: Promise<CallRecord[]> | undefined;
  const readRecords = () => (read ??= readRunRecords(journalFile, prepared));
  const judgeVariances: JudgeVariance[] = options.judgeRepeats
    ? await judgeVariance(prepared, await readRecords(), session.services.services, options.judgeRepeats)
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
  const described = describeRun({ records: records.filter(planned), suites: meta.suites, prepared, loaded, answers });
  const reason = incompleteReason({
    resumeCommand: session.resumeCommand(),
    planned: plan.size,
    outcome,
    ...(options.stop ? { stop: options.stop } : {}),
    ...(options.maxCostUsd !== undefined ? { maxCostUsd: options.maxCostUsd } : {}),
    records,
    maxErrors: options.maxErrors ?? runner.max_errors,
    scorers: described.scorers,
  });

  meta.summaries = described.summaries;
  meta.scorers = described.scorers;
  if (judgeVariances.length > 0) meta.judgeVariance = judgeVariances;
  if (described.behaviour) meta.behaviour = described.behaviour;
  await session.finish(records, reason);

  return {
    exitCode: reason ? ExitCode.Incomplete : ExitCode.Ok,
    runId: meta.runId,
    runDir,
    meta,
    readRecords,
    readGateRecords: () => readGateRecords(journalFile, prepared),
    ...(reason ? { incompleteReason: reason } : {}),
  };
}

interface PrecheckInput {
  readonly items: Iterable<WorkItem>;
  readonly targets: number;
  readonly cache: ResponseCache | undefined;
  readonly maxCostUsd: number | undefined;
  readonly prices: PriceTable;
  readonly env: NodeJS.ProcessEnv;
}

/** Fails before any call when a call would need a missing key, or a price --max-cost cannot know. */
function precheck({ items, targets, cache, maxCostUsd, prices, env }: PrecheckInput): void {
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
