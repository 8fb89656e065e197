/**
 * gate.adaptive's extra rounds as a run records them (run.json `adaptive`): which cases each round
 * repeated and how many times, so a resumed run replans the same calls and the gate knows which
 * repeats each look reads.
 */
export interface AdaptiveRoundRecord {
  /** New repeats each case of the round got, by suite (each suite spends its own budget). */
  readonly perCase: Readonly<Record<string, number>>;
  readonly items: readonly { readonly suite: string; readonly target: string; readonly caseId: string }[];
}

/** Per suite, the repeat index each look reads up to (exclusive): planned repeats, then each round's. */
export function repeatLimits(
  suites: readonly { readonly name: string; readonly repeats: number }[],
  rounds: readonly AdaptiveRoundRecord[],
): Record<string, number[]> {
  return Object.fromEntries(
    suites.map((s) => {
      const limits = [s.repeats];
      for (const round of rounds) limits.push((limits[limits.length - 1] as number) + (round.perCase[s.name] ?? 0));
      return [s.name, limits];
    }),
  );
}

/** Answer calls a round makes. */
export function roundCalls(round: AdaptiveRoundRecord, suite?: string): number {
  return round.items
    .filter((i) => suite === undefined || i.suite === suite)
    .reduce((n, i) => n + (round.perCase[i.suite] ?? 0), 0);
}
