/**
 * `driftgate eval --shard i/n`: the cases whose stable id hashes to shard i, so n CI jobs split a
 * suite with no coordination and no overlap. The hash is of suite and case id, so a case stays in
 * its shard however the dataset is reordered or grown.
 */
import { UsageError } from '../../errors.js';
import { sha256 } from '../../util/hash.js';
import type { PreparedSuite } from './plan.js';

export interface Shard {
  /** 1-based. */
  readonly index: number;
  readonly count: number;
}

export function parseShard(text: string): Shard {
  const m = /^(\d+)\/(\d+)$/.exec(text.trim());
  const index = Number(m?.[1]);
  const count = Number(m?.[2]);
  if (!m || count < 1 || count > 1000 || index < 1 || index > count) {
    throw new UsageError(`--shard ${text}: expected i/n with 1 ≤ i ≤ n ≤ 1000, e.g. --shard 2/4`);
  }
  return { index, count };
}

/** 1-based shard of a case. */
export function shardOf(suite: string, caseId: string, count: number): number {
  return (Number.parseInt(sha256(`${suite}\u0000${caseId}`).slice(0, 8), 16) % count) + 1;
}

export function selectShard(suites: readonly PreparedSuite[], shard: Shard): PreparedSuite[] {
  return suites.map((s) => {
    const cases = s.cases.filter((c) => shardOf(s.config.name, c.case.id, shard.count) === shard.index);
    return { ...s, cases, caseById: new Map(cases.map((c) => [c.case.id, c])) };
  });
}
