/**
 * A run directory: `.driftgate/runs/<runId>/` with `run.json` (metadata and summaries, rewritten
 * atomically) and `cases.jsonl` (the journal). A run whose `run.json` still says `running` was
 * interrupted and can be resumed.
 */
import type { ScorerHealth } from '../scoring/scorer-health.js';
import type { TargetBehaviour } from '../../signals/target-behaviour.js';
import type { JudgeVariance } from '../scoring/judge-variance.js';
import type { AdaptiveRoundRecord } from '../plan/adaptive-rounds.js';
import type { BatchReport } from '../batch/batch-phase.js';
import { readdir, readFile, mkdir } from 'node:fs/promises';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { RunStateError } from '../../errors.js';
import { writeJsonAtomic } from '../../util/atomic-write.js';
import type { SuiteSummary, RunTotals } from '../summary/summary.js';

export const RUN_SCHEMA_VERSION = 1;

export interface RunMeta {
  readonly schemaVersion: typeof RUN_SCHEMA_VERSION;
  readonly runId: string;
  status: 'running' | 'complete' | 'incomplete';
  incompleteReason?: string;
  readonly command: 'eval' | 'drift';
  readonly configFile: string;
  readonly configHash: string;
  readonly gitSha: string | null;
  readonly suites: readonly string[];
  /** Per target: provider, model, params. Never credentials or base URLs (they may embed them). */
  readonly models: Readonly<
    Record<string, { provider: string; model: string | null; params: Readonly<Record<string, unknown>> }>
  >;
  readonly startedAt: string;
  resumedAt: string[];
  finishedAt?: string;
  totals?: RunTotals;
  summaries?: SuiteSummary[];
  /** Per configured scorer: outputs, scored, errors, the first error and whether it was stopped early. */
  scorers?: ScorerHealth[];
  /** Suites with several targets: the paired "behaviour changed" test of each against the first (reported, not gated). */
  behaviour?: TargetBehaviour[];
  /** With --judge-repeats: the judge's share of each judge score's variance, and judge-flaky outputs. */
  judgeVariance?: JudgeVariance[];
  /** `eval --shard i/n`: which part of the cases this run holds (1-based index). */
  readonly shard?: { readonly index: number; readonly count: number };
  /** A run made by `driftgate merge`: the shard runs it joins, in shard order. */
  readonly mergedFrom?: readonly string[];
  /**
   * gate.adaptive: the extra rounds made after the planned calls, in order. Round r gives each of
   * its cases `perCase[suite]` more repeats of the current side, numbered after the previous look's.
   * `final`: no further round will come (the gate's last look spent the rest of α).
   */
  adaptive?: { rounds: AdaptiveRoundRecord[]; final: boolean; extraCalls: number };
  /** runner.mode: batch — every batch this run collected (or gave up waiting for), across sessions. */
  batches?: BatchReport[];
  /** Cache entries refused as answers (edited, mismatched, moved: runner/cache/cache-entry.ts), across sessions. */
  cacheRefused?: number;
  /** Torn last journal lines mended when a session opened the journal (journal.ts), across sessions. */
  journalMended?: number;
  /** Drift runs: what reproduces the sample on resume (the week's seed, the window's absolute start). */
  drift?: { readonly seed: string; readonly since?: string; readonly snapshot?: string };
}

export const RUN_FILE = 'run.json';
export const JOURNAL_FILE = 'cases.jsonl';

/** `20261122T190131Z-3fa2c1`: sortable by start time, unique across processes. */
export function newRunId(now = new Date()): string {
  const stamp = now
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z');
  return `${stamp}-${randomBytes(3).toString('hex')}`;
}

export async function createRunDir(runsDir: string, meta: RunMeta): Promise<string> {
  const dir = path.join(runsDir, meta.runId);
  await mkdir(dir, { recursive: true });
  await writeRunMeta(dir, meta);
  return dir;
}

export async function writeRunMeta(dir: string, meta: RunMeta): Promise<void> {
  await writeJsonAtomic(path.join(dir, RUN_FILE), meta);
}

export async function readRunMeta(dir: string): Promise<RunMeta> {
  const file = path.join(dir, RUN_FILE);
  let meta: RunMeta;
  try {
    meta = JSON.parse(await readFile(file, 'utf8')) as RunMeta;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new RunStateError(
      code === 'ENOENT' ? `${dir}: not a run directory (no ${RUN_FILE})` : `${file}: not valid JSON`,
    );
  }
  if (meta.schemaVersion !== RUN_SCHEMA_VERSION) {
    throw new RunStateError(
      `${file}: schemaVersion ${String(meta.schemaVersion)} is not supported by this driftgate (expected ${RUN_SCHEMA_VERSION}); upgrade driftgate`,
    );
  }
  return meta;
}

/** The newest run (by id, which sorts by start time) whose status is not `complete`, of one command if given. */
export async function findLatestIncompleteRun(
  runsDir: string,
  command?: RunMeta['command'],
): Promise<string | undefined> {
  let names: string[];
  try {
    names = await readdir(runsDir);
  } catch {
    return undefined;
  }
  for (const name of names.sort().reverse()) {
    try {
      const meta = await readRunMeta(path.join(runsDir, name));
      if (meta.status !== 'complete' && (!command || meta.command === command)) return name;
    } catch {
      // not a run directory; skip
    }
  }
  return undefined;
}

export async function gitSha(cwd: string): Promise<string | null> {
  try {
    const { stdout } = await promisify(execFile)('git', ['rev-parse', 'HEAD'], { cwd, timeout: 5000 });
    return stdout.trim() || null;
  } catch {
    return null;
  }
}
