/**
 * The feature vectors of answer pairs for the "behaviour changed" test: per input, dᵢ = x(currentᵢ) −
 * x(pinnedᵢ), where x is an answer's TF-IDF row (text-features.ts) beside its standardised style
 * features (style-features.ts). The two blocks are weighted so each carries the same mean
 * difference energy: neither 20 style counts nor 20,000 word columns drown the other.
 *
 * Everything fitted here (vocabulary, idf, style means and spreads, block weights) is computed from
 * pinned and current answers together and from ‖dᵢ‖, so it is unchanged when any pair swaps sides:
 * the sign-flip test on these rows stays exact.
 */
import type { SparseRow } from '../stats/linear-algebra.js';
import { STYLE_FEATURES, styleCounts } from './style-features.js';
import {
  fitVocabulary,
  TermInterner,
  termCounts,
  tfidfRow,
  type TextVocabulary,
  type VocabularyOptions,
} from './text-features.js';

export interface AnswerPair {
  readonly caseId: string;
  readonly input: string;
  readonly pinned: string;
  readonly current: string;
  /** The log's stratum (e.g. its product feature), for "where it changed". */
  readonly stratum?: string;
}

export interface PairFeatures {
  readonly vocabulary: TextVocabulary;
  /** Difference rows: columns [0, terms) are words, [terms, terms + styles) style features. */
  readonly rows: SparseRow[];
  readonly dims: number;
  /** Vocabulary indices present in each answer. */
  readonly present: { readonly pinned: Int32Array[]; readonly current: Int32Array[] };
  /** Raw style counts of each answer (STYLE_FEATURES order). */
  readonly style: { readonly pinned: Float64Array[]; readonly current: Float64Array[] };
  readonly weights: { readonly text: number; readonly style: number };
}

function subtract(a: SparseRow, b: SparseRow, scale: number): [number[], number[]] {
  const index: number[] = [];
  const value: number[] = [];
  let i = 0;
  let j = 0;
  while (i < a.index.length || j < b.index.length) {
    const ai = i < a.index.length ? (a.index[i] as number) : Number.POSITIVE_INFINITY;
    const bj = j < b.index.length ? (b.index[j] as number) : Number.POSITIVE_INFINITY;
    let v: number;
    let at: number;
    if (ai === bj) {
      at = ai;
      v = (a.value[i++] as number) - (b.value[j++] as number);
    } else if (ai < bj) {
      at = ai;
      v = a.value[i++] as number;
    } else {
      at = bj;
      v = -(b.value[j++] as number);
    }
    if (v !== 0) {
      index.push(at);
      value.push(v * scale);
    }
  }
  return [index, value];
}

const energy = (values: readonly number[] | Float64Array): number => {
  let s = 0;
  for (const v of values) s += v * v;
  return s;
};

export function pairFeatures(pairs: readonly AnswerPair[], options: VocabularyOptions = {}): PairFeatures {
  const interner = new TermInterner();
  const pinnedCounts = pairs.map((p) => termCounts(p.pinned, interner));
  const currentCounts = pairs.map((p) => termCounts(p.current, interner));
  const vocabulary = fitVocabulary([...pinnedCounts, ...currentCounts], interner, options);
  const pinnedRows = pinnedCounts.map((c) => tfidfRow(c, vocabulary));
  const currentRows = currentCounts.map((c) => tfidfRow(c, vocabulary));
  const textDiffs = pairs.map((_, i) => subtract(currentRows[i] as SparseRow, pinnedRows[i] as SparseRow, 1));

  const pinnedStyle = pairs.map((p) => styleCounts(p.pinned));
  const currentStyle = pairs.map((p) => styleCounts(p.current));
  const f = STYLE_FEATURES.length;
  const all = [...pinnedStyle, ...currentStyle].map((row) => row.map((v) => Math.log1p(v)));
  const mean = new Float64Array(f);
  const sd = new Float64Array(f);
  for (let k = 0; k < f; k++) {
    let s = 0;
    for (const row of all) s += row[k] as number;
    mean[k] = all.length ? s / all.length : 0;
    let ss = 0;
    for (const row of all) ss += ((row[k] as number) - (mean[k] as number)) ** 2;
    sd[k] = all.length > 1 ? Math.sqrt(ss / (all.length - 1)) : 0;
  }
  // Standardised differences; a feature that never varies contributes nothing.
  const styleDiffs = pairs.map((_, i) =>
    Float64Array.from({ length: f }, (_, k) =>
      (sd[k] as number) > 0
        ? (Math.log1p(currentStyle[i]?.[k] as number) - Math.log1p(pinnedStyle[i]?.[k] as number)) / (sd[k] as number)
        : 0,
    ),
  );
  const n = Math.max(1, pairs.length);
  const textEnergy = textDiffs.reduce((s, [, v]) => s + energy(v), 0) / n;
  const styleEnergy = styleDiffs.reduce((s, v) => s + energy(v), 0) / n;
  const weights = {
    text: textEnergy > 0 ? 1 / Math.sqrt(textEnergy) : 0,
    style: styleEnergy > 0 ? 1 / Math.sqrt(styleEnergy) : 0,
  };
  const terms = vocabulary.terms.length;
  const rows: SparseRow[] = pairs.map((_, i) => {
    const [ti, tv] = textDiffs[i] as [number[], number[]];
    const sv = styleDiffs[i] as Float64Array;
    const index: number[] = [...ti];
    const value: number[] = tv.map((v) => v * weights.text);
    for (let k = 0; k < f; k++) {
      if (sv[k] === 0) continue;
      index.push(terms + k);
      value.push((sv[k] as number) * weights.style);
    }
    return { index: Int32Array.from(index), value: Float64Array.from(value) };
  });
  return {
    vocabulary,
    rows,
    dims: terms + f,
    present: { pinned: pinnedRows.map((r) => r.index), current: currentRows.map((r) => r.index) },
    style: { pinned: pinnedStyle, current: currentStyle },
    weights,
  };
}
