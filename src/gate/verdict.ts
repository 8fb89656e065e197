/**
 * The verdict on one metric (SPEC "Statistics"), in "improvement" units: e = change × (+1 when
 * higher is better, −1 when lower is), so e < 0 is worse. [lo, hi] is the (1 − 2α) interval of e,
 * whose ends are the one-sided α bounds.
 * - regressed: Holm-adjusted one-sided p < α and the estimate is worse than −min_effect;
 * - improved: the interval lies above 0 and the estimate is at least min_effect better;
 * - unchanged: non-inferiority — the worse bound lo lies inside −min_effect;
 * - inconclusive: neither; then report the MDE and roughly how many cases would decide it.
 */
export type Verdict = 'regressed' | 'improved' | 'unchanged' | 'inconclusive';

export function decideVerdict(input: {
  effect: number;
  interval: readonly [number, number];
  pAdjusted: number;
  alpha: number;
  minEffect: number;
}): Verdict {
  const { effect, interval, pAdjusted, alpha, minEffect } = input;
  if (pAdjusted < alpha && effect < -minEffect) return 'regressed';
  if (interval[0] > 0 && effect >= minEffect) return 'improved';
  if (interval[0] > -minEffect) return 'unchanged';
  return 'inconclusive';
}
