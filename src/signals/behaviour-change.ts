/**
 * The "behaviour changed" signals of the drift job: a paired, judge-free test on the answers
 * themselves (pair-features.ts → stats/paired-vector-test.ts), what moved most (what-changed.ts),
 * and the same test per stratum with Holm across strata, so a change that hit one product feature
 * is named. A second signal does the same on embedding differences when a real embeddings model is
 * configured.
 */
import { holm } from '../stats/multiplicity.js';
import type { SparseRow } from '../stats/linear-algebra.js';
import { pairedVectorTest, systematicShare, type PairedVectorTestResult } from '../stats/paired-vector-test.js';
import { mulberry32, seedFrom } from '../stats/rng.js';
import { pairFeatures, type AnswerPair } from './pair-features.js';
import { notTested, type Signal } from './signals.js';
import { whatChanged, type Sides } from './what-changed.js';

export interface BehaviourOptions {
  /** Names of the two sides in "what changed" (default pinned and current). */
  readonly sides?: Sides;
  /** Sign flips per test (default 10,000; resolution 1/(B + 1)). */
  readonly permutations?: number;
  /** Singular directions kept (default 64). */
  readonly components?: number;
  /** Fewest inputs a stratum needs to be tested on its own (default 5). */
  readonly minStratum?: number;
}

export interface StratumResult {
  readonly stratum: string;
  readonly n: number;
  readonly p: number | null;
  readonly pAdjusted?: number;
  readonly effect?: number;
  readonly notTested?: string;
}

export const BEHAVIOUR_TEXT = 'behaviour changed (text)';
export const BEHAVIOUR_EMBEDDINGS = 'behaviour changed (embeddings)';
const EFFECT_LABEL = 'systematic share of the per-input answer differences';

function testDescription(r: PairedVectorTestResult, features: string): string {
  return `paired sign-flip on ${features} differences (${r.components} top directions, ${r.exact ? `all ${r.permutations.toLocaleString('en-US')} sign assignments` : `${r.permutations.toLocaleString('en-US')} random flips`})`;
}

function strataResults(
  pairs: readonly AnswerPair[],
  features: { readonly rows: readonly SparseRow[]; readonly dims: number },
  seed: string,
  options: BehaviourOptions,
): StratumResult[] {
  const { rows, dims } = features;
  const groups = new Map<string, number[]>();
  pairs.forEach((p, i) => {
    if (p.stratum === undefined) return;
    const list = groups.get(p.stratum) ?? [];
    list.push(i);
    groups.set(p.stratum, list);
  });
  if (groups.size < 2) return [];
  const min = options.minStratum ?? 5;
  const results = [...groups]
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([stratum, idx]): StratumResult => {
      if (idx.length < min)
        return {
          stratum,
          n: idx.length,
          p: null,
          notTested: `${idx.length} input${idx.length === 1 ? '' : 's'} (a stratum needs at least ${min})`,
        };
      const r = pairedVectorTest(
        idx.map((i) => rows[i] as SparseRow),
        dims,
        mulberry32(seedFrom(`behaviour/${seed}/${stratum}`)),
        options,
      );
      return {
        stratum,
        n: idx.length,
        p: r.p,
        effect: systematicShare(r),
        ...(r.degenerate ? { notTested: r.degenerate } : {}),
      };
    });
  const tested = results.filter((r) => r.p !== null);
  const adjusted = holm(tested.map((r) => r.p as number));
  return results.map((r) => (r.p === null ? r : { ...r, pAdjusted: adjusted[tested.indexOf(r)] as number }));
}

/**
 * The judge-free "behaviour changed" signal on pinned and current answers to the same inputs.
 * `vocabulary` is the fitted term list (for `vocabulary.tsv`).
 */
export function behaviourChanged(
  pairs: readonly AnswerPair[],
  seed: string,
  options: BehaviourOptions = {},
): { signal: Signal; vocabulary: readonly { term: string; df: number }[] } {
  if (pairs.length === 0)
    return { signal: { ...notTested(BEHAVIOUR_TEXT, 'no input has both answers'), aspect: 'changed' }, vocabulary: [] };
  const features = pairFeatures(pairs);
  const r = pairedVectorTest(features.rows, features.dims, mulberry32(seedFrom(`behaviour/${seed}`)), options);
  const vocabulary = features.vocabulary.terms.map((term, i) => ({ term, df: features.vocabulary.df[i] as number }));
  const signal: Signal = {
    name: BEHAVIOUR_TEXT,
    role: 'decides',
    aspect: 'changed',
    test: r.degenerate ? 'paired sign-flip on word + style differences' : testDescription(r, 'word + style'),
    n: r.n,
    effect: systematicShare(r),
    effectLabel: EFFECT_LABEL,
    effectFloor: 0,
    p: r.p,
    details: {
      statistic: r.statistic,
      nullMean: r.nullMean,
      permutations: r.permutations,
      exact: r.exact,
      resolution: r.resolution,
      components: r.components,
      energyCaptured: r.energyCaptured,
      vocabularySize: features.vocabulary.terms.length,
      weights: features.weights,
      ...(r.degenerate ? { degenerate: r.degenerate } : {}),
      whatChanged: r.degenerate ? [] : whatChanged(pairs, features, undefined, options.sides),
      strata: strataResults(pairs, features, seed, options),
    },
  };
  return { signal, vocabulary };
}

/** The same test on embedding differences e(current) − e(pinned). */
export function embeddingBehaviourChanged(
  pinned: readonly Float32Array[],
  current: readonly Float32Array[],
  seed: string,
  options: BehaviourOptions = {},
): Signal {
  const dims = pinned[0]?.length ?? 0;
  const all = Int32Array.from({ length: dims }, (_, i) => i);
  const rows: SparseRow[] = pinned.map((p, i) => ({
    index: all,
    value: Float64Array.from(
      { length: dims },
      (_, k) => ((current[i] as Float32Array)[k] as number) - (p[k] as number),
    ),
  }));
  const r = pairedVectorTest(rows, dims, mulberry32(seedFrom(`behaviour-embeddings/${seed}`)), options);
  return {
    name: BEHAVIOUR_EMBEDDINGS,
    role: 'decides',
    aspect: 'changed',
    test: testDescription(r, 'embedding'),
    n: r.n,
    effect: systematicShare(r),
    effectLabel: EFFECT_LABEL,
    effectFloor: 0,
    p: r.p,
    details: {
      statistic: r.statistic,
      nullMean: r.nullMean,
      permutations: r.permutations,
      resolution: r.resolution,
      components: r.components,
      energyCaptured: r.energyCaptured,
      ...(r.degenerate ? { degenerate: r.degenerate } : {}),
    },
  };
}
