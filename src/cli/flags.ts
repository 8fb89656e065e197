/**
 * The command-line flags, declared once as typed data: each flag's spelling, its help, and how its
 * value is read (checked, with a message naming the flag). `main.ts` adds a command's flags from
 * this table; a command reads them with `readFlags`, typed, with no casts of its own.
 */
import { Option, type Command } from 'commander';
import { countOrPercent, nonNegativeNumber, positiveInt } from './parse-flags.js';
import { parseShard, type Shard } from '../runner/plan/shard.js';
import { UsageError } from '../errors.js';

interface Flag<T> {
  /** commander's spelling: `-c, --config <path>`. */
  readonly spelling: string;
  readonly help: string;
  readonly defaultValue?: string;
  /** The key commander stores the value under. */
  readonly key: string;
  readonly read: (value: unknown) => T;
}

const flag = <T>(spec: Flag<T>): Flag<T> => spec;

const text = (value: unknown): string | undefined => (value === undefined ? undefined : String(value));
const texts = (value: unknown): string[] | undefined =>
  value === undefined ? undefined : Array.isArray(value) ? value.map(String) : [String(value)];

export const FLAGS = {
  config: flag({
    spelling: '-c, --config <path>',
    help: 'config file',
    defaultValue: 'driftgate.yaml',
    key: 'config',
    read: (v) => text(v) ?? 'driftgate.yaml',
  }),
  suite: flag({ spelling: '-s, --suite <name...>', help: 'only these suites (repeatable)', key: 'suite', read: texts }),
  concurrency: flag({
    spelling: '--concurrency <n>',
    help: 'calls in flight at once (default: runner.concurrency, 8)',
    key: 'concurrency',
    read: (v) => positiveInt('--concurrency', v),
  }),
  offline: flag({
    spelling: '--offline',
    help: 'replay from the cache only; a cache miss is an error',
    key: 'offline',
    read: (v) => v === true,
  }),
  cache: flag({
    spelling: '--no-cache',
    help: 'send every call, neither reading nor writing the cache',
    key: 'cache',
    read: (v) => v !== false,
  }),
  maxCost: flag({
    spelling: '--max-cost <usd>',
    help: 'stop scheduling calls once this many dollars would be exceeded',
    key: 'maxCost',
    read: (v) => nonNegativeNumber('--max-cost', v),
  }),
  maxErrors: flag({
    spelling: '--max-errors <n|pct>',
    help: 'error records tolerated before the run is incomplete (e.g. 3 or 5%)',
    key: 'maxErrors',
    read: (v) => countOrPercent('--max-errors', v),
  }),
  timeout: flag({
    spelling: '--timeout <ms>',
    help: 'per-request timeout in milliseconds',
    key: 'timeout',
    read: (v) => positiveInt('--timeout', v),
  }),
  dryRun: flag({
    spelling: '--dry-run',
    help: 'estimate calls, tokens and dollars; send nothing',
    key: 'dryRun',
    read: (v) => v === true,
  }),
  judgeRepeats: flag({
    spelling: '--judge-repeats <k>',
    help: "grade every judged output k more times: the judge's share of the score variance, and judge-flaky outputs",
    key: 'judgeRepeats',
    read: (v) => positiveInt('--judge-repeats', v),
  }),
  batch: flag({
    spelling: '--batch',
    help: 'send the calls through the OpenAI Batch API / Anthropic Message Batches: half price, slower (runner.mode: batch)',
    key: 'batch',
    read: (v) => v === true,
  }),
  shard: flag({
    spelling: '--shard <i/n>',
    help: 'run only the cases whose id hashes to shard i of n (CI matrix jobs); join them with driftgate merge',
    key: 'shard',
    read: (v): Shard | undefined => (v === undefined ? undefined : parseShard(String(v))),
  }),
  since: flag({
    spelling: '--since <duration>',
    help: 'only log lines newer than this, e.g. 7d (overrides drift.sample.since)',
    key: 'since',
    read: text,
  }),
  seed: flag({
    spelling: '--seed <text>',
    help: 'sampling seed (default: drift.sample.seed, "auto" = the ISO week)',
    key: 'seed',
    read: text,
  }),
  out: flag({
    spelling: '--out <dir>',
    help: 'directory for run directories (default .driftgate/runs next to the config)',
    key: 'out',
    read: text,
  }),
  snapshotOut: flag({
    spelling: '--out <file>',
    help: 'the snapshot to write (default .driftgate/logs/<source>.jsonl; the manifest beside it)',
    key: 'out',
    read: text,
  }),
  backfill: flag({
    spelling: '--backfill <span>',
    help: "first build the production history from the logs, e.g. 12w: each past window's cost, served models, feedback and traffic, no replay",
    key: 'backfill',
    read: text,
  }),
  asOf: flag({
    spelling: '--as-of <date>',
    help: 'run a past window as it would have run then (an ISO date or time): lines after it are outside the window',
    key: 'asOf',
    read: (v) => {
      if (v === undefined) return undefined;
      const t = Date.parse(String(v));
      if (!Number.isFinite(t)) throw new UsageError(`--as-of: expected an ISO date or time, got "${String(v)}"`);
      return new Date(t);
    },
  }),
  snapshot: flag({
    spelling: '--snapshot <file>',
    help: 'read a `driftgate logs pull` snapshot instead of drift.logs (its window, unless --since)',
    key: 'snapshot',
    read: text,
  }),
  run: flag({ spelling: '--run <dir>', help: 'run directory (default: the newest run)', key: 'run', read: text }),
  resume: flag({
    spelling: '--resume [runId]',
    help: 'resume an interrupted run (default: the newest incomplete one)',
    key: 'resume',
    read: (v): string | true | undefined => (v === undefined ? undefined : v === true ? true : String(v)),
  }),
  json: flag({ spelling: '--json', help: 'print the result as JSON on stdout', key: 'json', read: (v) => v === true }),
} as const;

export type FlagName = keyof typeof FLAGS;
export type FlagValues<N extends FlagName> = { readonly [K in N]: ReturnType<(typeof FLAGS)[K]['read']> };

/** A flag of the table, with this command's own help where its meaning narrows. */
export type FlagUse = FlagName | readonly [FlagName, string];

export function addFlags(command: Command, uses: readonly FlagUse[]): Command {
  for (const use of uses) {
    const [name, help] = typeof use === 'string' ? [use, undefined] : use;
    const spec = FLAGS[name];
    const option = new Option(spec.spelling, help ?? spec.help);
    if (spec.defaultValue !== undefined) option.default(spec.defaultValue);
    command.addOption(option);
  }
  return command;
}

type NameOf<U extends FlagUse> = U extends readonly [infer N, string] ? N : U;

/** Reads a command's flags from commander's values, each checked by its own rule. */
export function readFlags<U extends FlagUse>(
  opts: Readonly<Record<string, unknown>>,
  uses: readonly U[],
): FlagValues<NameOf<U> & FlagName> {
  const values: Partial<Record<FlagName, unknown>> = {};
  const all: readonly FlagUse[] = uses;
  for (const use of all) {
    const name: FlagName = typeof use === 'string' ? use : use[0];
    values[name] = FLAGS[name].read(opts[FLAGS[name].key]);
  }
  // Every named flag was read above by its own rule, whose return type FlagValues names.
  return values as FlagValues<NameOf<U> & FlagName>;
}

/** Each command's flags, in the order --help lists them. */
export const COMMAND_FLAGS = {
  eval: [
    'config',
    ['suite', 'run only these suites (repeatable)'],
    'concurrency',
    'offline',
    'cache',
    'maxCost',
    'maxErrors',
    'timeout',
    'dryRun',
    'judgeRepeats',
    'batch',
    'shard',
    'out',
    'resume',
    ['json', 'print the run summary as JSON on stdout'],
  ],
  drift: [
    'config',
    'since',
    'snapshot',
    'backfill',
    'asOf',
    'seed',
    'concurrency',
    'offline',
    'cache',
    'maxCost',
    'out',
    'batch',
    [
      'resume',
      'resume an interrupted drift run: same sample, finished calls kept (default: the newest incomplete one)',
    ],
    ['json', 'print the drift report as JSON'],
  ],
  logsPull: [
    'config',
    ['since', 'the window: log lines newer than this, e.g. 7d (default drift.sample.since)'],
    'snapshotOut',
    ['json', 'print the manifest as JSON'],
  ],
  check: ['config', 'timeout', ['json', 'print the probe results as JSON']],
  merge: [
    ['config', 'config file (the one the shards ran)'],
    ['out', 'directory for the merged run (default .driftgate/runs next to the config)'],
    ['json', 'print the merged run summary as JSON'],
  ],
  compare: [
    'config',
    'run',
    ['out', 'directory holding run directories (default .driftgate/runs)'],
    ['offline', 'replay the judge verdicts of a baseline re-scoring from the cache only'],
    ['json', 'print the comparison as JSON'],
  ],
  'baseline rescore': [
    'config',
    'suite',
    ['offline', 'replay judge verdicts from the cache only'],
    ['maxCost', 'stop once this many dollars of judge calls would be exceeded'],
  ],
  'baseline update': [
    'config',
    ['run', 'run directory (default: the newest complete run)'],
    ['out', 'directory holding run directories (default .driftgate/runs)'],
    'suite',
  ],
} as const satisfies Record<string, readonly FlagUse[]>;

/** The flags every run command shares, as the run session takes them. */
export function sessionFlags(
  flags: FlagValues<'offline' | 'cache' | 'maxCost' | 'concurrency' | 'out' | 'resume' | 'batch'>,
): {
  readonly offline: boolean;
  readonly useCache: boolean;
  readonly maxCostUsd?: number;
  readonly concurrency?: number;
  readonly outDir?: string;
  readonly resume?: string | true;
  readonly batch?: boolean;
} {
  return {
    offline: flags.offline,
    useCache: flags.cache,
    ...(flags.maxCost !== undefined ? { maxCostUsd: flags.maxCost } : {}),
    ...(flags.concurrency !== undefined ? { concurrency: flags.concurrency } : {}),
    ...(flags.out !== undefined ? { outDir: flags.out } : {}),
    ...(flags.resume !== undefined ? { resume: flags.resume } : {}),
    ...(flags.batch ? { batch: true } : {}),
  };
}
