/**
 * For a suite with several targets (e.g. `targets: [pinned, current]`): does each target behave
 * differently from the first on the same cases? The drift job's paired "behaviour changed" test,
 * reported beside the run's summary, never gated.
 */
import { renderAnswer } from '../conversation/types.js';
import { createHash } from 'node:crypto';
import { behaviourChanged } from './behaviour-change.js';
import type { AnswerPair } from './pair-features.js';
import type { WhatChangedItem } from './what-changed.js';
import { answered, type CallRecord } from '../records/call-record.js';

/** Pairs tested at most per comparison. */
export const MAX_PAIRS = 2_000;
const hashOf = (id: string): string => createHash('sha256').update(id).digest('hex');

export interface TargetBehaviour {
  readonly suite: string;
  /** The first target of the suite, compared with `other`. */
  readonly base: string;
  readonly other: string;
  /** Paired (case, repeat) answers. */
  readonly n: number;
  readonly p: number | null;
  readonly effect: number;
  readonly notTested?: string;
  /** The three features that moved most. */
  readonly topChanges: readonly WhatChangedItem[];
}

export function targetBehaviour(
  records: readonly CallRecord[],
  suites: readonly { name: string; targets: readonly string[] }[],
  permutations = 10_000,
): TargetBehaviour[] {
  const out: TargetBehaviour[] = [];
  for (const suite of suites) {
    if (suite.targets.length < 2) continue;
    const [base, ...others] = suite.targets as [string, ...string[]];
    const ok = answered(records, (r) => r.suite === suite.name);
    const byKey = new Map(ok.filter((r) => r.target === base).map((r) => [`${r.caseId}\u0000${r.repeat}`, r]));
    for (const other of others) {
      const pairs: AnswerPair[] = ok
        .filter((r) => r.target === other)
        .flatMap((r) => {
          const b = byKey.get(`${r.caseId}\u0000${r.repeat}`);
          return b
            ? [
                {
                  caseId: r.repeat > 0 ? `${r.caseId}#${r.repeat}` : r.caseId,
                  input: '',
                  pinned: renderAnswer(b.output, b.toolCalls),
                  current: renderAnswer(r.output, r.toolCalls),
                },
              ]
            : [];
        });
      // A large suite is tested on a fixed pseudo-random subset: the test's power is ample by then, and its cost grows with n.
      const tested =
        pairs.length > MAX_PAIRS
          ? pairs
              .map((p) => [hashOf(p.caseId), p] as const)
              .sort((a, b) => (a[0] < b[0] ? -1 : 1))
              .slice(0, MAX_PAIRS)
              .map(([, p]) => p)
          : pairs;
      const { signal } = behaviourChanged(tested, `eval/${suite.name}/${base}/${other}`, {
        permutations,
        sides: { pinned: base, current: other },
      });
      const details = signal.details as { whatChanged?: WhatChangedItem[]; degenerate?: string } | undefined;
      const why = signal.notTested ?? details?.degenerate;
      out.push({
        suite: suite.name,
        base,
        other,
        n: signal.n,
        p: signal.p,
        effect: Number.isFinite(signal.effect) ? signal.effect : 0,
        ...(why ? { notTested: why } : {}),
        topChanges: (details?.whatChanged ?? []).slice(0, 3),
      });
    }
  }
  return out;
}

/** "pinned vs current: behaviour differs (p < 0.001, 30 pairs; current opens with …)". */
export function describeTargetBehaviour(b: TargetBehaviour, alpha = 0.05): string {
  const head = `${b.suite} · ${b.base} vs ${b.other}:`;
  if (b.p === null) return `${head} not tested (${b.notTested ?? 'no pairs'})`;
  const p = b.p < 0.001 ? 'p < 0.001' : `p ${b.p.toFixed(3)}`;
  if (b.notTested) return `${head} no behaviour difference (${b.notTested})`;
  if (b.p < alpha)
    return `${head} behaviour differs (${p}, ${b.n} pairs${b.topChanges[0] ? `; ${b.topChanges[0].text}` : ''}) · reported, not gated`;
  return `${head} no behaviour difference found (${p}, ${b.n} pairs) · reported, not gated`;
}
