/**
 * Per-case flips: cases that passed in the baseline and fail now (and the reverse), with the
 * checks that flipped and both outputs, worst first (most checks flipped, then the largest drop in
 * continuous scores). With repeats, a case "passes" when most of its calls pass.
 */
import { renderAnswer } from '../conversation/types.js';
import type { BaselineCase } from '../baselines/baseline-file.js';
import type { CallRecord } from '../records/call-record.js';

export interface Flip {
  readonly caseId: string;
  readonly direction: 'regressed' | 'improved';
  /** Thresholded scorers whose majority verdict flipped. */
  readonly checks: readonly string[];
  /** Sum of (baseline − current) over continuous scores: larger is a worse drop. */
  readonly scoreDrop: number;
  readonly baselineOutput: string;
  readonly currentOutput: string;
}

type Scored = Pick<BaselineCase, 'scores'>;

function majorityPass(items: readonly Scored[], name: string): boolean | undefined {
  const votes = items
    .map((i) => i.scores.find((s) => s.name === name))
    .filter((s) => s?.pass !== undefined && s.error === undefined);
  if (votes.length === 0) return undefined;
  return votes.filter((s) => s?.pass === true).length * 2 >= votes.length;
}

function meanValue(items: readonly Scored[], name: string): number | undefined {
  const values = items
    .map((i) => i.scores.find((s) => s.name === name && s.error === undefined)?.value)
    .filter((v): v is number => typeof v === 'number');
  return values.length ? values.reduce((a, b) => a + b, 0) / values.length : undefined;
}

export interface FlipSearch {
  readonly caseIds: readonly string[];
  readonly baseline: ReadonlyMap<string, readonly BaselineCase[]>;
  readonly current: ReadonlyMap<string, readonly CallRecord[]>;
  /** The scorers both sides ran alike, by name. */
  readonly scorerIds: ReadonlyMap<string, string>;
  /** False when a scorer changed since the baseline: a flip would compare two different judges. */
  readonly comparable: boolean;
}

export function findFlips(search: FlipSearch): Flip[] {
  const { caseIds, baseline, current, scorerIds, comparable } = search;
  if (!comparable) return [];
  const names = [...scorerIds.keys()];
  const flips: Flip[] = [];
  for (const id of caseIds) {
    const b = baseline.get(id) ?? [];
    const c = current.get(id) ?? [];
    const regressed: string[] = [];
    const improved: string[] = [];
    let drop = 0;
    for (const name of names) {
      const before = majorityPass(b, name);
      const after = majorityPass(c, name);
      if (before === true && after === false) regressed.push(name);
      if (before === false && after === true) improved.push(name);
      const vb = meanValue(b, name);
      const vc = meanValue(c, name);
      if (vb !== undefined && vc !== undefined) drop += vb - vc;
    }
    const outputs = {
      baselineOutput: renderAnswer(b[0]?.output ?? '', b[0]?.toolCalls),
      currentOutput: renderAnswer(c[0]?.output ?? '', c[0]?.toolCalls),
    };
    if (regressed.length > 0)
      flips.push({ caseId: id, direction: 'regressed', checks: regressed, scoreDrop: drop, ...outputs });
    else if (improved.length > 0)
      flips.push({ caseId: id, direction: 'improved', checks: improved, scoreDrop: drop, ...outputs });
  }
  return flips.sort((x, y) =>
    x.direction === y.direction
      ? y.checks.length - x.checks.length || y.scoreDrop - x.scoreDrop
      : x.direction === 'regressed'
        ? -1
        : 1,
  );
}
