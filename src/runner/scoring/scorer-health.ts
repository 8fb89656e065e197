/**
 * How each configured scorer fared in a run: how many outputs it was to score, how many it scored,
 * how many failed and the first reason, and whether the failures exceed `runner.max_scorer_errors`.
 * A pure function of the records, so every report shows the same figures — also for a scorer that
 * produced no value at all.
 */
import type { RecordFacts } from '../../records/record-facts.js';
import { allowedErrorCount } from '../calls/allowance.js';
import { NOT_SCORED } from './scorer-guard.js';

export interface ScorerHealth {
  readonly suite: string;
  readonly scorer: string;
  readonly type: string;
  /** Answered calls this scorer applies to (a scorer `against: X` does not score X's own answers). */
  readonly outputs: number;
  /** Outputs with a value. */
  readonly scored: number;
  /** Outputs without one: error scores, scorings the guard refused, and missing scores. */
  readonly errors: number;
  /** Failures tolerated (runner.max_scorer_errors applied to `outputs`). */
  readonly allowed: number;
  readonly firstError?: string;
  /** Why the scorer was stopped early, when it was. */
  readonly stopped?: string;
  /** A likely cause, in words, when the first error suggests one. */
  readonly hint?: string;
}

export interface ConfiguredScorer {
  readonly name: string;
  readonly type: string;
  readonly against?: string;
}

const NOUN: Record<string, [string, string]> = {
  judge: ['verdict', 'verdicts'],
  similarity: ['similarity score', 'similarity scores'],
};

/** "verdicts" for a judge, "scores" for anything else. */
export const scoringNoun = (type: string, count: number): string => {
  const [one, many] = NOUN[type] ?? ['score', 'scores'];
  return count === 1 ? one : many;
};

/** A likely cause behind a scorer's first error, for a person to act on. */
export function errorHint(type: string, error: string): string | undefined {
  if (/not JSON/.test(error)) return 'the judge answered in prose; does the model support structured output?';
  if (/invalid verdict/.test(error)) return "the judge's verdicts do not fit the rubric's format";
  if (/\b401\b|authentication|api key/i.test(error))
    return `the ${type === 'judge' ? 'judge' : 'scorer'}'s API key was refused`;
  if (/\b404\b|not[_ ]found|does not exist/i.test(error))
    return `the ${type === 'judge' ? "judge's" : "embedder's"} model name was not found`;
  if (/budget/i.test(error)) return 'the budget (--max-cost) ran out';
  if (/not in the cache|--offline/.test(error)) return 'not in the cache (--offline)';
  if (/timed? ?out/i.test(error)) return 'the calls timed out';
  return undefined;
}

export function scorerHealth(
  records: readonly RecordFacts[],
  suites: readonly { suite: string; scorers: readonly ConfiguredScorer[] }[],
  maxScorerErrors: number | string,
): ScorerHealth[] {
  const out: ScorerHealth[] = [];
  for (const { suite, scorers } of suites) {
    // An ok record always has an output ('' when the model only called tools).
    const answered = records.filter((r) => r.suite === suite && r.status === 'ok');
    for (const scorer of scorers) {
      const applicable = answered.filter((r) => scorer.against !== r.target);
      let scored = 0;
      let firstError: string | undefined;
      let stopped: string | undefined;
      for (const r of applicable) {
        const s = r.scores.find((x) => x.name === scorer.name);
        if (s && s.error === undefined && s.value !== null) {
          scored++;
          continue;
        }
        const error = s?.error ?? 'no score recorded';
        if (error.startsWith(NOT_SCORED)) stopped ??= error.slice(NOT_SCORED.length).trim();
        else firstError ??= error;
      }
      const errors = applicable.length - scored;
      const first = firstError ?? stopped;
      const hint = first ? errorHint(scorer.type, first) : undefined;
      out.push({
        suite,
        scorer: scorer.name,
        type: scorer.type,
        outputs: applicable.length,
        scored,
        errors,
        allowed: allowedErrorCount(maxScorerErrors, applicable.length),
        ...(first ? { firstError: first } : {}),
        ...(stopped ? { stopped } : {}),
        ...(hint ? { hint } : {}),
      });
    }
  }
  return out;
}

/** "judge: 30 of 30 verdicts failed — the judge answered in prose; does the model support structured output?" */
export function describeHealth(h: ScorerHealth): string {
  const what = `${h.scorer}: ${h.errors.toLocaleString('en-US')} of ${h.outputs.toLocaleString('en-US')} ${scoringNoun(h.type, h.outputs)} failed`;
  const why = h.hint ?? (h.firstError ? `first: ${h.firstError}` : undefined);
  return why ? `${what} — ${why}` : what;
}

/** Scorers whose failures exceed what runner.max_scorer_errors allows. */
export const overLimit = (health: readonly ScorerHealth[]): ScorerHealth[] =>
  health.filter((h) => h.errors > h.allowed);

/** The run's incomplete reason when any scorer failed beyond its allowance. */
export function scorerFailureReason(health: readonly ScorerHealth[]): string | undefined {
  const over = overLimit(health);
  if (over.length === 0) return undefined;
  const parts = over.map(
    (h) =>
      `${describeHealth(h)} (allowed: ${h.allowed}${h.stopped ? `; ${h.stopped}` : h.firstError && h.hint ? `; first: ${h.firstError}` : ''})`,
  );
  return `scorer failures beyond runner.max_scorer_errors: ${parts.join(' · ')}`;
}
