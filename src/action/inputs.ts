/** The Action's inputs (action.yml), read and checked once; a bad value is a clear error. */
import * as core from '@actions/core';
import { UsageError } from '../errors.js';
import { parseShard, type Shard } from '../runner/plan/shard.js';

export type ActionMode = 'gate' | 'drift' | 'eval';
export type FailOn = 'regression' | 'drift' | 'never';

export interface ActionInputs {
  readonly mode: ActionMode;
  readonly config: string;
  readonly suites: readonly string[];
  readonly failOn: FailOn;
  readonly comment: boolean;
  readonly maxCostUsd?: number;
  readonly cache: boolean;
  readonly token: string;
  /** Matrix shard jobs: run only this shard (`i/n`), no gate; the gate job merges. */
  readonly shard?: Shard;
  /** Send the calls through the providers' batch APIs. */
  readonly batch: boolean;
  /** The gate job of a matrix: a directory holding the shard runs to merge and gate, instead of running. */
  readonly merge?: string;
  /**
   * Run on a pull request from a fork. Off by default in every mode: under `pull_request_target` the
   * fork's config — custom scorer modules, a `baseURL` of its choosing — would run with this
   * repository's secrets. Only for workflows where a maintainer approves each run first.
   */
  readonly runOnForks: boolean;
}

function oneOf<T extends string>(name: string, value: string, allowed: readonly T[]): T {
  if (!(allowed as readonly string[]).includes(value))
    throw new UsageError(`input ${name}: expected one of ${allowed.join(', ')}, got "${value}"`);
  return value as T;
}

function bool(name: string, fallback: boolean): boolean {
  const raw = core.getInput(name).trim().toLowerCase();
  if (raw === '') return fallback;
  if (['true', 'yes', '1', 'on'].includes(raw)) return true;
  if (['false', 'no', '0', 'off'].includes(raw)) return false;
  throw new UsageError(`input ${name}: expected true or false, got "${raw}"`);
}

export function readInputs(): ActionInputs {
  const mode = oneOf('mode', core.getInput('mode').trim() || 'gate', ['gate', 'drift', 'eval'] as const);
  const failOnRaw = core.getInput('fail-on').trim();
  const failOn = failOnRaw
    ? oneOf('fail-on', failOnRaw, ['regression', 'drift', 'never'] as const)
    : mode === 'drift'
      ? 'drift'
      : 'regression';
  const maxCost = core.getInput('max-cost').trim();
  const maxCostUsd = maxCost === '' ? undefined : Number(maxCost);
  if (maxCostUsd !== undefined && !(Number.isFinite(maxCostUsd) && maxCostUsd >= 0))
    throw new UsageError(`input max-cost: expected dollars (a number ≥ 0), got "${maxCost}"`);
  const token = core.getInput('github-token');
  if (token) core.setSecret(token);
  const shardText = core.getInput('shard').trim();
  const shard = shardText ? parseShard(shardText) : undefined;
  const merge = core.getInput('merge').trim();
  if (shard && mode !== 'eval')
    throw new UsageError(
      `input shard: shard jobs run with mode: eval (got mode: ${mode}); the gate job merges them (input merge)`,
    );
  if (merge && mode === 'drift')
    throw new UsageError('input merge: shard runs are merged in gate or eval mode, not drift');
  if (shard && merge) throw new UsageError('inputs shard and merge: a job either runs one shard or merges them all');
  return {
    mode,
    config: core.getInput('config').trim() || 'driftgate.yaml',
    suites: core
      .getInput('suites')
      .split(/[\s,]+/)
      .filter(Boolean),
    failOn,
    comment: bool('comment', true),
    ...(maxCostUsd !== undefined ? { maxCostUsd } : {}),
    cache: bool('cache', true),
    batch: bool('batch', false),
    runOnForks: bool('run-on-forks', false),
    token,
    ...(shard ? { shard } : {}),
    ...(merge ? { merge } : {}),
  };
}
