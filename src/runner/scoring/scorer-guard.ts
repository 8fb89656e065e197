/**
 * Keeps a scorer that does not work from costing money or passing silently. Every scoring goes
 * through the guard, which
 * - turns a throw into an error score (a scorer never crashes a run);
 * - holds a scorer on probation until its first success: one scoring at a time, so a judge that
 *   answers in prose is found out after a handful of calls, not after every slot has sent one;
 * - stops a scorer whose first `probeFailures` scorings all failed, or whose failures already exceed
 *   what `runner.max_scorer_errors` allows (the run is incomplete either way, and more calls would
 *   only be paid for): later scorings return an error score at once, saying why, and what is in
 *   flight finishes.
 */
import type { Score } from '../../records/call-record.js';
import { errorScore } from '../../scorers/score.js';
import type { Scorer, ScoringInput, ScoringServices } from '../../scorers/types.js';
import { scrubDeep, scrubSecrets } from '../../util/secrets.js';
import { allowedErrorCount } from '../calls/allowance.js';
import { StorageError } from '../../errors.js';

/** Scorings that must all fail, with no success yet, before a scorer is stopped. */
export const PROBE_FAILURES = 5;

/** The prefix of the error of every scoring the guard refused to make. */
export const NOT_SCORED = 'not scored:';

interface ScorerState {
  successes: number;
  failures: number;
  firstError?: string;
  stopped?: string;
  /** Serialises scorings while on probation. */
  probation: Promise<void>;
}

export interface GuardLimits {
  /** Failures allowed for (suite, scorer) before the run is incomplete; Infinity when unknown. */
  readonly allowed: (suite: string, scorer: string) => number;
  readonly probeFailures?: number;
}

export class ScorerGuard {
  private readonly states = new Map<string, ScorerState>();
  private readonly probeFailures: number;

  constructor(private readonly limits: GuardLimits = { allowed: () => Number.POSITIVE_INFINITY }) {
    this.probeFailures = limits.probeFailures ?? PROBE_FAILURES;
  }

  /** Why a scorer was stopped, by `suite/scorer`. */
  stopped(): Map<string, string> {
    return new Map(
      [...this.states].filter(([, s]) => s.stopped !== undefined).map(([k, s]) => [k, s.stopped as string]),
    );
  }

  /** The same scorers, every scoring of theirs guarded. */
  wrap(suite: string, scorers: readonly Scorer[]): Scorer[] {
    return scorers.map((scorer) => ({
      name: scorer.name,
      type: scorer.type,
      kind: scorer.kind,
      id: scorer.id,
      phase: scorer.phase,
      ...(scorer.against !== undefined ? { against: scorer.against } : {}),
      ...(scorer.prefetch
        ? {
            prefetch: (inputs: readonly ScoringInput[], services: ScoringServices) =>
              (scorer.prefetch as NonNullable<Scorer['prefetch']>).call(scorer, inputs, services),
          }
        : {}),
      score: (input: ScoringInput, services: ScoringServices) => this.score(suite, scorer, input, services),
    }));
  }

  async score(suite: string, scorer: Scorer, input: ScoringInput, services: ScoringServices): Promise<Score> {
    const key = `${suite}/${scorer.name}`;
    let state = this.states.get(key);
    if (!state) {
      state = { successes: 0, failures: 0, probation: Promise.resolve() };
      this.states.set(key, state);
    }
    if (state.successes > 0) return this.attempt(suite, state, scorer, input, services);
    // On probation: wait for the scorings before this one to settle, then look again.
    const previous = state.probation;
    let release!: () => void;
    state.probation = new Promise<void>((resolve) => (release = resolve));
    try {
      await previous;
      return await this.attempt(suite, state, scorer, input, services);
    } finally {
      release();
    }
  }

  private async attempt(
    suite: string,
    state: ScorerState,
    scorer: Scorer,
    input: ScoringInput,
    services: ScoringServices,
  ): Promise<Score> {
    if (state.stopped) return errorScore(scorer, `${NOT_SCORED} ${state.stopped}`);
    let score: Score;
    try {
      score = scrubDeep(await scorer.score(input, services));
    } catch (err) {
      if (err instanceof StorageError) throw err; // the disk, not the scorer: the run stops
      score = errorScore(scorer, scrubSecrets(err instanceof Error ? err.message : String(err)));
    }
    if (score.error === undefined) {
      state.successes++;
      return score;
    }
    state.failures++;
    state.firstError ??= score.error;
    if (!state.stopped) {
      if (state.successes === 0 && state.failures >= this.probeFailures) {
        state.stopped = `${scorer.name} stopped after its first ${state.failures} scorings all failed (first: ${state.firstError})`;
      } else if (state.failures > this.limits.allowed(suite, scorer.name)) {
        state.stopped = `${scorer.name} stopped after ${state.failures} failed scorings, more than runner.max_scorer_errors allows (first: ${state.firstError})`;
      }
    }
    return score;
  }
}

/**
 * The suites with every scorer guarded; each scorer's allowance is `maxScorerErrors` applied to
 * the answers it is planned to score.
 */
export function guardSuites<
  S extends { readonly config: { readonly name: string }; readonly scorers: readonly Scorer[] },
>(
  suites: readonly S[],
  items: Iterable<{ readonly suite: string; readonly target: string }>,
  maxScorerErrors: number | string,
): S[] {
  const counts = new Map<string, Map<string, number>>();
  for (const { suite, target } of items) {
    const bySuite = counts.get(suite) ?? new Map<string, number>();
    bySuite.set(target, (bySuite.get(target) ?? 0) + 1);
    counts.set(suite, bySuite);
  }
  const planned = (suite: string, scorer: Scorer) =>
    [...(counts.get(suite) ?? [])].reduce((n, [target, c]) => (scorer.against !== target ? n + c : n), 0);
  const allowance = new Map<string, number>();
  for (const s of suites)
    for (const scorer of s.scorers)
      allowance.set(
        `${s.config.name}/${scorer.name}`,
        allowedErrorCount(maxScorerErrors, planned(s.config.name, scorer)),
      );
  const guard = new ScorerGuard({
    allowed: (suite, scorer) => allowance.get(`${suite}/${scorer}`) ?? Number.POSITIVE_INFINITY,
  });
  return suites.map((s) => ({ ...s, scorers: guard.wrap(s.config.name, s.scorers) }));
}
