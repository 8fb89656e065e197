/**
 * Drift signals (SPEC "Statistics", drift): each a test with an effect size and a p-value, pure
 * functions of plain values.
 *
 * Deciding (paired: the same sampled inputs through pinned and current):
 * - `semanticAgreement`: gᵢ = cos(pinned₁, pinned₂) − cos(pinned₁, current); the pinned model's own
 *   variability is the floor; sign-flip test of mean g > 0;
 * - `pairedDifference`: any per-input difference (judge score, output length, cost), two-sided
 *   sign-flip test;
 * - `pairwisePreference`: the pairwise judge's verdicts in both orders; among non-ties, a two-sided
 *   binomial test of the win rate against ½, with an effect floor |win − ½| ≥ 0.05;
 * - `ruleChecks`: McNemar on pass/fail checks, two-sided mid-p.
 * Explaining (unpaired: what changed):
 * - `lengthDistribution` (KS + normalised Wasserstein), `embeddingDistribution` (MMD², pooled
 *   permutations), `categorical` (χ², or Fisher for 2 × 2 tables with small expected counts),
 *   `modelIdentity` (reported ids and fingerprints; no p-value — a change is a fact).
 * `decideDrift` applies Holm within each family at α (default 0.01 per week).
 */
import binomialCdf from '@stdlib/stats-base-dists-binomial-cdf';
import { mcnemarRegression } from '../stats/mcnemar.js';
import { holm } from '../stats/multiplicity.js';
import { mmdPermutationTest } from '../stats/kernel-two-sample.js';
import { mean, signFlipPValue } from '../stats/paired.js';
import { meanInterval } from '../stats/mean-interval.js';
import type { Random } from '../stats/rng.js';
import { chiSquareTest, fisherExact2x2, ksTwoSample, normalisedWasserstein } from '../stats/two-sample.js';

export interface Signal {
  readonly name: string;
  readonly role: 'decides' | 'explains';
  /**
   * Deciding signals only: `changed` says the answers differ (behaviour changed); `quality` says
   * whether they got worse (judge, rule checks, similarity to references, refusals), worse being
   * a significant effect below 0.
   */
  readonly aspect?: 'changed' | 'quality';
  readonly test: string;
  readonly n: number;
  /** The effect in the units named by `effectLabel`. */
  readonly effect: number;
  readonly effectLabel: string;
  /** Smallest |effect| that counts as drift (0: any significant change). */
  readonly effectFloor: number;
  readonly p: number | null;
  readonly pAdjusted?: number;
  readonly drifted?: boolean;
  readonly details?: Readonly<Record<string, unknown>>;
  /** Why the signal has no test this week (its scorer failed, too few inputs); p is null then. */
  readonly notTested?: string;
  /** Scorings that failed on the inputs behind this signal. */
  readonly scoringErrors?: { readonly errors: number; readonly of: number; readonly first?: string };
}

const twoSided = (greater: number, less: number): number => Math.min(1, 2 * Math.min(greater, less));

export function semanticAgreement(g: readonly number[], random: Random, effectFloor = 0.02): Signal {
  return {
    name: 'semantic agreement',
    role: 'decides',
    aspect: 'changed',
    test: 'sign-flip on cos(pinned₁, pinned₂) − cos(pinned₁, current)',
    n: g.length,
    effect: g.length ? mean(g) : 0,
    effectLabel: 'mean similarity lost beyond the pinned model’s own variation',
    effectFloor,
    p: g.length ? signFlipPValue(g, 'greater', random) : null,
  };
}

export function pairedDifference(
  name: string,
  diffs: readonly number[],
  random: Random,
  effectLabel: string,
  effectFloor = 0,
  aspect: 'changed' | 'quality' = 'changed',
): Signal {
  const interval = meanInterval([...diffs]).ci;
  return {
    name,
    role: 'decides',
    aspect,
    test: 'paired sign-flip, two-sided',
    n: diffs.length,
    effect: diffs.length ? mean(diffs) : 0,
    effectLabel,
    effectFloor,
    p: diffs.length ? twoSided(signFlipPValue(diffs, 'greater', random), signFlipPValue(diffs, 'less', random)) : null,
    ...(interval ? { details: { interval } } : {}),
  };
}

export function pairwisePreference(wins: number, losses: number, ties: number, effectFloor = 0.05): Signal {
  const n = wins + losses;
  const rate = n ? wins / n : 0.5;
  const p = n ? Math.min(1, 2 * Math.min(binomialCdf(wins, n, 0.5), 1 - binomialCdf(wins - 1, n, 0.5))) : null;
  return {
    name: 'pairwise judge preference',
    role: 'decides',
    aspect: 'quality',
    test: 'binomial test of the win rate among non-ties (both orders; order-inconsistent = tie)',
    n,
    effect: rate - 0.5,
    effectLabel: 'current win rate − ½',
    effectFloor,
    p,
    details: { wins, losses, ties },
  };
}

export function ruleChecks(name: string, regressions: number, improvements: number): Signal {
  const worse = mcnemarRegression(regressions, improvements).pMid;
  const better = mcnemarRegression(improvements, regressions).pMid;
  const n = regressions + improvements;
  return {
    name,
    role: 'decides',
    aspect: 'quality',
    test: 'McNemar mid-p, two-sided',
    n,
    effect: n ? (improvements - regressions) / n : 0,
    effectLabel: 'net share of discordant inputs that pass only with current',
    effectFloor: 0,
    p: n ? twoSided(worse, better) : null,
    details: { passOnlyPinned: regressions, passOnlyCurrent: improvements },
  };
}

export function lengthDistribution(name: string, pinned: readonly number[], current: readonly number[]): Signal {
  const ks = ksTwoSample(pinned, current);
  return {
    name,
    role: 'explains',
    test: 'two-sample Kolmogorov–Smirnov',
    n: Math.min(pinned.length, current.length),
    effect: normalisedWasserstein(pinned, current),
    effectLabel: 'Wasserstein distance in pooled standard deviations',
    effectFloor: 0,
    p: ks.p,
    details: { ksD: ks.d, pinnedMean: mean(pinned), currentMean: mean(current) },
  };
}

export function embeddingDistribution(
  pinned: readonly Float32Array[],
  current: readonly Float32Array[],
  random: Random,
  permutations = 1000,
): Signal {
  const r = mmdPermutationTest(pinned, current, random, permutations);
  return {
    name: 'output embeddings',
    role: 'explains',
    test: `MMD² (RBF, median heuristic), ${r.permutations} pooled permutations`,
    n: Math.min(pinned.length, current.length),
    effect: r.mmd2,
    effectLabel: 'MMD²',
    effectFloor: 0,
    p: r.p,
    details: { bandwidth: r.bandwidth },
  };
}

export function categorical(
  name: string,
  pinned: Readonly<Record<string, number>>,
  current: Readonly<Record<string, number>>,
): Signal {
  const categories = [...new Set([...Object.keys(pinned), ...Object.keys(current)])].sort();
  const table = [categories.map((c) => pinned[c] ?? 0), categories.map((c) => current[c] ?? 0)];
  const total = (row: number[]) => row.reduce((a, b) => a + b, 0);
  const share = (row: number[], i: number) => (total(row) ? (row[i] as number) / total(row) : 0);
  const effect =
    categories.reduce((s, _, i) => s + Math.abs(share(table[1] as number[], i) - share(table[0] as number[], i)), 0) /
    2;
  const chi = chiSquareTest(table);
  const small = categories.length === 2 && chi.minExpected < 5;
  const [a, b] = table[0] as [number, number];
  const [c, d] = table[1] as [number, number];
  return {
    name,
    role: 'explains',
    test: small ? 'Fisher exact, two-sided' : `χ² (df ${chi.df})`,
    n: Math.min(total(table[0] as number[]), total(table[1] as number[])),
    effect,
    effectLabel: 'total variation distance between the category shares',
    effectFloor: 0,
    p: categories.length < 2 ? null : small ? fisherExact2x2(a, b, c, d) : chi.p,
    details: { categories, pinned: table[0], current: table[1] },
  };
}

export function modelIdentity(
  pinned: readonly string[],
  current: readonly string[],
  previousCurrent?: readonly string[],
): Signal {
  const set = (xs: readonly string[]) => [...new Set(xs)].sort();
  const changedSincePrevious = previousCurrent !== undefined && set(previousCurrent).join() !== set(current).join();
  const differs = set(pinned).join() !== set(current).join();
  return {
    name: 'model identity',
    role: 'explains',
    test: 'provider-reported model ids and system fingerprints',
    n: current.length,
    effect: differs || changedSincePrevious ? 1 : 0,
    effectLabel: 'changed (1) or not (0)',
    effectFloor: 0,
    p: null,
    drifted: changedSincePrevious,
    details: {
      pinned: set(pinned),
      current: set(current),
      previousCurrent: previousCurrent ? set(previousCurrent) : null,
      changedSincePrevious,
    },
  };
}

export type DriftFailOn = 'changed' | 'worse';

export interface DriftDecision {
  /** Behaviour changed: a deciding signal drifted. */
  readonly drifted: boolean;
  /** Quality worse: a quality signal drifted in the worse direction (effect below 0). */
  readonly worse: boolean;
  /** What makes the run exit 1 (`drift.fail_on`). */
  readonly failOn: DriftFailOn;
  readonly failed: boolean;
  readonly alpha: number;
  readonly signals: readonly Signal[];
}

/** A quality signal that drifted the worse way. */
export const isWorse = (s: Signal): boolean =>
  s.role === 'decides' && s.aspect === 'quality' && s.drifted === true && s.effect < 0;

/**
 * Holm within the deciding family (it alone raises the alert) and, for reporting, within the
 * explaining family. A deciding signal drifts when adjusted p < α and |effect| ≥ its floor.
 */
export function decideDrift(signals: readonly Signal[], alpha = 0.01, failOn: DriftFailOn = 'changed'): DriftDecision {
  const adjusted = new Map<Signal, number>();
  for (const role of ['decides', 'explains'] as const) {
    const family = signals.filter((s) => s.role === role && s.p !== null);
    holm(family.map((s) => s.p as number)).forEach((p, i) => adjusted.set(family[i] as Signal, p));
  }
  const out = signals.map((s) => {
    const pAdjusted = adjusted.get(s);
    if (pAdjusted === undefined) return s;
    return { ...s, pAdjusted, drifted: pAdjusted < alpha && Math.abs(s.effect) >= s.effectFloor };
  });
  const drifted = out.some((s) => s.role === 'decides' && s.drifted === true);
  const worse = out.some(isWorse);
  return { drifted, worse, failOn, failed: failOn === 'worse' ? worse : drifted, alpha, signals: out };
}

/** The row of a scorer-based signal that could not be tested: it stays in the table, with why. */
export function notTested(name: string, reason: string, scoringErrors?: Signal['scoringErrors']): Signal {
  return {
    name,
    role: 'decides',
    test: 'not tested',
    n: 0,
    effect: Number.NaN,
    effectLabel: '',
    effectFloor: 0,
    p: null,
    notTested: reason,
    ...(scoringErrors ? { scoringErrors } : {}),
  };
}

const pText = (p: number | undefined): string =>
  p === undefined ? '–' : p < 0.001 ? 'p < 0.001' : `p = ${p.toFixed(3)}`;
const signed = (v: number): string => `${v < 0 ? '−' : '+'}${Math.abs(v).toPrecision(2)}`;

/**
 * The verdict in words: "Behaviour changed (p < 0.001); no quality signal worse", "Behaviour changed
 * and quality worse: judge −0.31 [−0.45, −0.17]", or "No drift at α = 0.01".
 */
export function driftHeadline(d: Pick<DriftDecision, 'drifted' | 'worse' | 'alpha' | 'signals'>): string {
  if (!d.drifted) return `No drift at α = ${d.alpha}`;
  const worse = d.signals.filter(isWorse).map((s) => {
    const name = s.name.replace(/ \(.*\)$/, '');
    const details = s.details as
      | {
          interval?: readonly [number, number];
          passOnlyPinned?: number;
          passOnlyCurrent?: number;
          wins?: number;
          losses?: number;
        }
      | undefined;
    if (details?.passOnlyPinned !== undefined)
      return `${name} passes only with pinned on ${details.passOnlyPinned} inputs, only with current on ${details.passOnlyCurrent ?? 0}`;
    if (details?.wins !== undefined)
      return `${name}: current wins ${Math.round((s.effect + 0.5) * 100)}% of decided pairs`;
    const ci = details?.interval;
    return `${name} ${signed(s.effect)}${ci ? ` [${signed(ci[0])}, ${signed(ci[1])}]` : ''}`;
  });
  if (worse.length > 0) return `Behaviour changed and quality worse: ${worse.join('; ')}`;
  const changed = d.signals.filter((s) => s.role === 'decides' && s.drifted);
  const p = Math.min(...changed.map((s) => s.pAdjusted ?? Number.POSITIVE_INFINITY));
  const quality = d.signals.some((s) => s.role === 'decides' && s.aspect === 'quality');
  return `Behaviour changed (${Number.isFinite(p) ? pText(p) : changed.map((s) => s.name).join(', ')}); ${quality ? 'no quality signal worse' : 'no quality signal configured (add rule checks or a judge to tell worse from different)'}`;
}
