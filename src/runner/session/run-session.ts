/**
 * One run's lifecycle, written once for `eval` and `drift`: the cache and the runs directory, the
 * run to resume, the run directory (created or reopened), the journal, the services, the calls
 * (online or through the batch APIs), a disk that refuses a write, and the final run.json. What a
 * command plans (suites and cases, or a week's sample) and what it concludes (summaries and a gate,
 * or signals and a history row) stay the command's; see `completion.ts` for the one rule that
 * decides "complete".
 */
import path from 'node:path';
import { StorageError, UsageError } from '../../errors.js';
import type { LoadedConfig } from '../../config/load.js';
import type { RunnerConfig } from '../../config/schema.js';
import type { RecordFacts } from '../../records/record-facts.js';
import { ResponseCache } from '../cache/cache.js';
import type { BatchReport } from '../batch/batch-phase.js';
import type { StopSignal } from '../calls/interrupt.js';
import { silentProgress, type Progress } from '../calls/progress.js';
import { runCalls, type RunCallsInput, type RunCallsResult } from '../calls/run-calls.js';
import { buildRunServices, type RunServices } from '../calls/services.js';
import { describeHealing, JournalWriter } from '../store/journal.js';
import { openForResume, reopen, type ResumableRun } from '../store/resume.js';
import {
  createRunDir,
  gitSha,
  JOURNAL_FILE,
  RUN_SCHEMA_VERSION,
  writeRunMeta,
  type RunMeta,
} from '../store/run-dir.js';
import { runTotals } from '../summary/summary.js';

export type RunCommand = 'eval' | 'drift';

/** What every run command accepts about how its calls are made and where they are kept. */
export interface SessionOptions {
  readonly offline?: boolean;
  readonly useCache?: boolean;
  readonly maxCostUsd?: number;
  readonly concurrency?: number;
  readonly timeoutMs?: number;
  /** Overrides for the retry policy (tests use short delays). */
  readonly retry?: Partial<Pick<RunnerConfig, 'max_retries' | 'retry_base_ms' | 'max_rate_limit_wait_ms'>>;
  /** Send the calls through the providers' batch APIs (runner.mode: batch). */
  readonly batch?: boolean;
  /** Directory that holds run directories (default `<config dir>/.driftgate/runs`). */
  readonly outDir?: string;
  /** A run id to resume, or true for the newest incomplete run of the command. */
  readonly resume?: string | true;
  readonly env?: NodeJS.ProcessEnv;
  readonly progress?: Progress;
  /** Ctrl-C (runner/calls/interrupt.ts): no new call once requested; the run ends incomplete, resumable. */
  readonly stop?: StopSignal;
}

/** What a command adds to run.json when it starts a run; the session fills in the rest. */
export interface NewRunFields {
  readonly runId: string;
  readonly startedAt: string;
  readonly suites: readonly string[];
  readonly targets: readonly string[];
  readonly extra?: Pick<RunMeta, 'shard' | 'drift'>;
}

export type SessionCalls = Pick<RunCallsInput, 'pending' | 'pendingCount' | 'prepared' | 'unguarded'>;

export class RunSession {
  readonly env: NodeJS.ProcessEnv;
  readonly offline: boolean;
  readonly useCache: boolean;
  readonly cache: ResponseCache;
  readonly runsDir: string;
  readonly progress: Progress;
  private started?: { readonly dir: string; readonly meta: RunMeta };
  private built?: RunServices;
  private readonly batchesThisSession: BatchReport[] = [];

  private constructor(
    readonly loaded: LoadedConfig,
    readonly command: RunCommand,
    readonly options: SessionOptions,
    /** The run being resumed, found and checked against the config before anything is planned. */
    readonly resumed: ResumableRun | undefined,
  ) {
    this.env = options.env ?? process.env;
    this.offline = options.offline ?? false;
    this.useCache = options.useCache ?? true;
    this.progress = options.progress ?? silentProgress;
    this.runsDir = path.resolve(options.outDir ?? path.join(loaded.rootDir, '.driftgate', 'runs'));
    this.cache = new ResponseCache(path.join(loaded.rootDir, '.driftgate', 'cache'), {
      warn: (line) => this.note(line),
    });
  }

  static async open(loaded: LoadedConfig, command: RunCommand, options: SessionOptions): Promise<RunSession> {
    if ((options.offline ?? false) && !(options.useCache ?? true))
      throw new UsageError('--offline and --no-cache contradict each other: offline replays from the cache only');
    const runsDir = path.resolve(options.outDir ?? path.join(loaded.rootDir, '.driftgate', 'runs'));
    // Drift refuses a complete run, whose history row is already appended; a complete eval run
    // resumes as a no-op.
    const resumed =
      options.resume !== undefined
        ? await openForResume({
            runsDir,
            resume: options.resume,
            command,
            config: { hash: loaded.hash, name: path.basename(loaded.file) },
            refuseComplete: command === 'drift',
          })
        : undefined;
    const session = new RunSession(loaded, command, options, resumed);
    if (session.useCache) session.cache.assertNoSymlinks();
    return session;
  }

  note(line: string): void {
    this.progress.note?.(line);
  }

  /** The command line that picks this run up again. */
  resumeCommand(extra = ''): string {
    return `driftgate ${this.command} --resume ${this.meta.runId}${extra}`;
  }

  get runDir(): string {
    return this.startedRun().dir;
  }

  get meta(): RunMeta {
    return this.startedRun().meta;
  }

  get services(): RunServices {
    if (!this.built) throw new Error('RunSession: services are built by makeCalls');
    return this.built;
  }

  /** Creates the run directory, or reopens the resumed run's (its run.json kept, marked running). */
  async start(fields: NewRunFields): Promise<void> {
    if (this.resumed) {
      await reopen(this.resumed, fields.startedAt);
      this.started = { dir: this.resumed.dir, meta: this.resumed.meta };
      return;
    }
    const { loaded } = this;
    const meta: RunMeta = {
      schemaVersion: RUN_SCHEMA_VERSION,
      runId: fields.runId,
      status: 'running',
      command: this.command,
      configFile: path.relative(loaded.rootDir, loaded.file),
      configHash: loaded.hash,
      gitSha: await gitSha(loaded.rootDir),
      suites: [...fields.suites],
      models: Object.fromEntries(
        fields.targets.map((t) => {
          const m = loaded.config.models[t];
          return [t, { provider: m?.provider ?? '', model: m?.model ?? null, params: m?.params ?? {} }];
        }),
      ),
      startedAt: fields.startedAt,
      resumedAt: [],
      ...fields.extra,
    };
    this.started = { dir: await createRunDir(this.runsDir, meta), meta };
  }

  /**
   * The calls still to make, journaled as each finishes: the services are built, the journal
   * opened (a torn last line mended), and a disk that refuses a write ends the run incomplete
   * with every journaled call kept.
   */
  async makeCalls(calls: SessionCalls): Promise<RunCallsResult> {
    const { config } = this.loaded;
    const { options, meta, runDir } = this;
    const journal = await JournalWriter.open(path.join(runDir, JOURNAL_FILE));
    if (options.stop) options.stop.resumeCommand = this.resumeCommand();
    if (journal.healed) {
      meta.journalMended = (meta.journalMended ?? 0) + 1;
      this.note(describeHealing(JOURNAL_FILE, journal.healed));
    }
    this.built = buildRunServices(config, this.cache, {
      offline: this.offline,
      useCache: this.useCache,
      env: this.env,
      ...(options.maxCostUsd !== undefined ? { maxCostUsd: options.maxCostUsd } : {}),
      ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
      ...(options.retry ? { retry: options.retry } : {}),
    });
    const batchMode = (options.batch ?? config.runner.mode === 'batch') && !this.offline;
    try {
      const result = await runCalls({
        ...calls,
        models: config.models,
        gateway: this.built.gateway,
        services: this.built.services,
        journal,
        concurrency: options.concurrency ?? config.runner.concurrency,
        progress: this.progress,
        ...(options.stop ? { stop: options.stop } : {}),
        ...(batchMode
          ? {
              batch: {
                runDir,
                settings: config.runner.batch,
                env: this.env,
                timeoutMs: options.timeoutMs ?? config.runner.timeout_ms,
                log: (line: string) => this.note(line),
              },
            }
          : {}),
      });
      this.batchesThisSession.push(...result.batches);
      return result;
    } catch (err) {
      if (err instanceof StorageError) throw await stoppedByStorage(runDir, meta, err, this.resumeCommand());
      throw err;
    } finally {
      await journal.close();
    }
  }

  /**
   * Writes the run's final run.json: its status and reason, totals over every record, what was
   * spent across all sessions of the run, the batches, and the cache entries refused.
   */
  async finish(
    records: readonly RecordFacts[],
    incompleteReason: string | undefined,
  ): Promise<RunMeta & { finishedAt: string }> {
    const { meta } = this;
    meta.status = incompleteReason ? 'incomplete' : 'complete';
    if (incompleteReason) meta.incompleteReason = incompleteReason;
    const finished = Object.assign(meta, { finishedAt: new Date().toISOString() });
    // Spent = every call paid for (answers, verdicts, embeddings), across all sessions of this run.
    const spentBefore = meta.totals?.spentUsd ?? 0;
    meta.totals = { ...runTotals(records), spentUsd: spentBefore + (this.built?.gateway.options.budget.spentUsd ?? 0) };
    if (this.batchesThisSession.length > 0) meta.batches = [...(meta.batches ?? []), ...this.batchesThisSession];
    if (this.cache.rejected.size > 0) meta.cacheRefused = (meta.cacheRefused ?? 0) + this.cache.rejected.size;
    await writeRunMeta(this.runDir, meta);
    return finished;
  }

  private startedRun(): { readonly dir: string; readonly meta: RunMeta } {
    if (!this.started) throw new Error('RunSession: start() comes before the run directory is known');
    return this.started;
  }
}

/**
 * The disk refused a write: the run is marked incomplete (when run.json can still be written) and
 * the error says how to go on. Every line the journal took before is kept.
 */
async function stoppedByStorage(
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
