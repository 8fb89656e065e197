/**
 * Which cases an adaptive round repeats. Only the current side can be re-run (the baseline's run is
 * gone), and the choice must not read the current side's outcomes nor the pairing of the two sides:
 * picking cases where the first current answer disagreed with the baseline ("discordant" ones)
 * would pull the baseline value of those cases towards the middle and bias the mean difference
 * (a case picked because baseline 1 ≠ current 0 has E[baseline | picked] = ½, while its new answers
 * average the true rate). The choice below reads the baseline alone, which leaves every look's
 * estimate unbiased:
 * - the cases whose baseline observations of an undecided metric vary across its repeats (these
 *   carry the variance: a case that always passes or always fails contributes almost none);
 * - when the baseline has one observation per case, or none varies, every compared case.
 * The budget cuts the list in an order fixed by the case id's hash, not by any outcome.
 */
import type { BaselineCase } from '../baselines/baseline-file.js';
import { seedFrom } from '../stats/rng.js';
import { valueOf, type MetricSpec } from './metric-values.js';
import { roundCalls, type AdaptiveRoundRecord } from '../runner/plan/adaptive-rounds.js';

export interface RepeatItem {
  readonly suite: string;
  readonly target: string;
  readonly caseId: string;
}

export interface SelectionInput {
  readonly suite: string;
  readonly target: string;
  readonly comparedIds: readonly string[];
  /** The baseline's observations of this target, by case id. */
  readonly baseline: ReadonlyMap<string, readonly BaselineCase[]>;
  /** The undecided gated metrics, with the scorer id their values come from. */
  readonly metrics: readonly { readonly spec: MetricSpec; readonly scorerId?: string }[];
}

/** The cases of one suite × target that carry the uncertainty, by the baseline's spread alone. */
export function uncertainCases(input: SelectionInput): string[] {
  const varies = input.comparedIds.filter((id) => {
    const observations = input.baseline.get(id) ?? [];
    if (observations.length < 2) return false;
    return input.metrics.some(({ spec, scorerId }) => {
      const values = observations.map((o) => valueOf(spec, o, scorerId)).filter((v): v is number => v !== undefined);
      return values.some((v) => v !== values[0]);
    });
  });
  return varies.length > 0 ? varies : [...input.comparedIds];
}

export interface Round {
  readonly items: readonly RepeatItem[];
  /** New repeats each chosen case gets in this round. */
  readonly perCase: number;
}

/**
 * The next round across every undecided suite × target: the round's share of the budget (what is
 * left, spread evenly over the rounds left) as the same number of new repeats for every chosen
 * case; when the share is smaller than the cases, one repeat for the first `share` of them.
 */
export function nextRound(inputs: readonly SelectionInput[], budgetLeft: number, roundsLeft: number): Round {
  const chosen: RepeatItem[] = [];
  for (const input of inputs) {
    const ids = uncertainCases(input).sort(
      (a, b) => seedFrom(`${input.suite}/${a}`) - seedFrom(`${input.suite}/${b}`) || (a < b ? -1 : 1),
    );
    for (const caseId of ids) chosen.push({ suite: input.suite, target: input.target, caseId });
  }
  const share = budgetLeft >= 1 ? Math.max(1, Math.floor(budgetLeft / Math.max(1, roundsLeft))) : 0;
  if (chosen.length === 0 || share < 1) return { items: [], perCase: 0 };
  if (share < chosen.length) return { items: chosen.slice(0, share), perCase: 1 };
  return { items: chosen, perCase: Math.floor(share / chosen.length) };
}

export interface RoundBudget {
  readonly maxRounds: number;
  readonly maxExtraCalls: number;
}

/**
 * The next round of the run: every suite with undecided candidates, rounds and budget left gets its
 * share (nextRound); each suite spends its own budget. `round` is undefined when no suite gets any
 * call; `final` when no suite could have another round after this one.
 */
export function planRound(
  candidates: readonly SelectionInput[],
  budgets: ReadonlyMap<string, RoundBudget>,
  rounds: readonly AdaptiveRoundRecord[],
): { round?: AdaptiveRoundRecord; final: boolean } {
  const items: RepeatItem[] = [];
  const perCase: Record<string, number> = {};
  let anotherAfter = false;
  for (const [suite, budget] of budgets) {
    const done = rounds.filter((r) => (r.perCase[suite] ?? 0) > 0).length;
    const spent = rounds.reduce((n, r) => n + roundCalls(r, suite), 0);
    const mine = candidates.filter((c) => c.suite === suite);
    if (mine.length === 0 || done >= budget.maxRounds) continue;
    const round = nextRound(mine, budget.maxExtraCalls - spent, budget.maxRounds - done);
    if (round.items.length === 0) continue;
    items.push(...round.items);
    perCase[suite] = round.perCase;
    if (done + 1 < budget.maxRounds && spent + round.items.length * round.perCase < budget.maxExtraCalls)
      anotherAfter = true;
  }
  return items.length > 0 ? { round: { perCase, items }, final: !anotherAfter } : { final: true };
}
