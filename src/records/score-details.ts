/**
 * The details a judge, a pairwise judge or a similarity scorer writes beside its score, read back
 * typed. A journal line is data from disk: each reader checks the shape instead of trusting it,
 * so an older or hand-edited line reads as "no such detail", never as a wrong number.
 */
import type { Score } from './call-record.js';

/** What a verdict cost (judge and similarity): null when a call was unpriced. */
export function judgeCostOf(score: Pick<Score, 'details'>): { readonly costUsd: number | null } | undefined {
  const judge = score.details?.judge;
  if (typeof judge !== 'object' || judge === null || !('costUsd' in judge)) return undefined;
  const cost = judge.costUsd;
  return { costUsd: typeof cost === 'number' ? cost : null };
}

/** The rubric's scale a judge graded on, e.g. [1, 5]. */
export function judgeScaleOf(score: Pick<Score, 'details'>): readonly [number, number] | undefined {
  const scale = score.details?.scale;
  if (!Array.isArray(scale) || scale.length !== 2) return undefined;
  const [lo, hi] = scale;
  return typeof lo === 'number' && typeof hi === 'number' ? [lo, hi] : undefined;
}

export type Preference = 'win' | 'loss' | 'tie';

/** A pairwise judge's preference for this target's answer over the other's. */
export function preferenceOf(score: Pick<Score, 'details'> | undefined): Preference | undefined {
  const p = score?.details?.preference;
  return p === 'win' || p === 'loss' || p === 'tie' ? p : undefined;
}
