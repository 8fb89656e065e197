/**
 * Word features of answers, fitted on one week's sample: words and word pairs, plus the answer's
 * opening word and opening pair (`^certainly`, `^certainly here`), weighted TF-IDF with sublinear
 * term frequency and L2-normalised per answer (Salton & Buckley 1988; scikit-learn's smooth idf).
 * The vocabulary is fitted on pinned and current answers together, so it is the same whichever
 * side an answer came from — which the paired sign-flip test needs to stay exact.
 */
import type { SparseRow } from '../stats/linear-algebra.js';

export interface TextVocabulary {
  readonly terms: readonly string[];
  /** Interned term id → vocabulary column, or −1 for a term not kept. */
  readonly column: Int32Array;
  /** Answers (of all 2n) containing each term. */
  readonly df: Int32Array;
  readonly idf: Float64Array;
  readonly documents: number;
}

export interface VocabularyOptions {
  /** A term must occur in at least this many answers (default 2): one-off words say nothing shared. */
  readonly minDf?: number;
  /** Most frequent terms kept (default 20,000). */
  readonly maxTerms?: number;
}

/**
 * Term text ↔ a small integer, so counting and lookups work on numbers. Word pairs are keyed by
 * their two word ids (a number, not a string): most pairs occur once, and building and hashing a
 * string for each was the feature extraction's largest cost.
 */
export class TermInterner {
  private readonly ids = new Map<string, number>();
  /** Open-addressing table of word-id pairs → pair id (−1 = empty): no Map entry, no boxed key per pair. */
  private pairKeysA = new Int32Array(1 << 16).fill(-1);
  private pairKeysB = new Int32Array(1 << 16);
  private pairValues = new Int32Array(1 << 16);
  private pairCount = 0;
  private readonly first: number[] = [];
  private readonly second: number[] = [];
  private readonly text: (string | undefined)[] = [];
  get size(): number {
    return this.text.length;
  }
  id(term: string): number {
    let id = this.ids.get(term);
    if (id === undefined) {
      id = this.text.length;
      this.ids.set(term, id);
      this.text.push(term);
      this.first.push(-1);
      this.second.push(-1);
    }
    return id;
  }
  pair(a: number, b: number): number {
    const mask = this.pairKeysA.length - 1;
    let slot = (Math.imul(a, 0x9e3779b1) ^ Math.imul(b, 0x85ebca6b)) & mask;
    for (;;) {
      const ka = this.pairKeysA[slot] as number;
      if (ka === -1) break;
      if (ka === a && this.pairKeysB[slot] === b) return this.pairValues[slot] as number;
      slot = (slot + 1) & mask;
    }
    const id = this.text.length;
    this.text.push(undefined);
    this.first.push(a);
    this.second.push(b);
    this.pairKeysA[slot] = a;
    this.pairKeysB[slot] = b;
    this.pairValues[slot] = id;
    if (++this.pairCount * 2 > this.pairKeysA.length) this.growPairs();
    return id;
  }

  private growPairs(): void {
    const [keysA, keysB, values] = [this.pairKeysA, this.pairKeysB, this.pairValues];
    const size = keysA.length * 2;
    this.pairKeysA = new Int32Array(size).fill(-1);
    this.pairKeysB = new Int32Array(size);
    this.pairValues = new Int32Array(size);
    const mask = size - 1;
    for (let i = 0; i < keysA.length; i++) {
      const a = keysA[i] as number;
      if (a === -1) continue;
      const b = keysB[i] as number;
      let slot = (Math.imul(a, 0x9e3779b1) ^ Math.imul(b, 0x85ebca6b)) & mask;
      while (this.pairKeysA[slot] !== -1) slot = (slot + 1) & mask;
      this.pairKeysA[slot] = a;
      this.pairKeysB[slot] = b;
      this.pairValues[slot] = values[i] as number;
    }
  }

  term(id: number): string {
    const t = this.text[id];
    return t ?? `${this.term(this.first[id] as number)} ${this.term(this.second[id] as number)}`;
  }
}

const WORD = /[\p{L}\p{N}]+(?:['’][\p{L}]+)*/gu;

export function words(text: string): string[] {
  return text.toLowerCase().match(WORD) ?? [];
}

/** Term counts (by interned id) of one answer: words, adjacent word pairs, and the opening word and pair. */
export function termCounts(text: string, interner: TermInterner): Map<number, number> {
  const w = words(text);
  const counts = new Map<number, number>();
  const add = (id: number) => counts.set(id, (counts.get(id) ?? 0) + 1);
  let previous = -1;
  for (const word of w) {
    const id = interner.id(word);
    add(id);
    if (previous >= 0) add(interner.pair(previous, id));
    previous = id;
  }
  if (w.length > 0) add(interner.id(`^${w[0]}`));
  if (w.length > 1) add(interner.id(`^${w[0]} ${w[1]}`));
  return counts;
}

export function fitVocabulary(
  documents: readonly ReadonlyMap<number, number>[],
  interner: TermInterner,
  options: VocabularyOptions = {},
): TextVocabulary {
  const minDf = options.minDf ?? 2;
  const maxTerms = options.maxTerms ?? 20_000;
  const df = new Int32Array(interner.size);
  for (const doc of documents) for (const id of doc.keys()) df[id] = (df[id] as number) + 1;
  const kept: number[] = [];
  for (let id = 0; id < df.length; id++) if ((df[id] as number) >= minDf) kept.push(id);
  // Ties in df fall back to the interned id: first seen, first kept — deterministic for a given
  // sample, and no term text has to be built for the many terms that are not kept.
  kept.sort((a, b) => (df[b] as number) - (df[a] as number) || a - b);
  const top = kept.slice(0, maxTerms).sort((a, b) => a - b);
  const termOf = (id: number) => interner.term(id);
  const column = new Int32Array(interner.size).fill(-1);
  top.forEach((id, i) => (column[id] = i));
  const n = documents.length;
  return {
    terms: top.map(termOf),
    column,
    df: Int32Array.from(top, (id) => df[id] as number),
    idf: Float64Array.from(top, (id) => Math.log((1 + n) / (1 + (df[id] as number))) + 1),
    documents: n,
  };
}

/** The TF-IDF row of one answer: (1 + ln tf) · idf, L2-normalised; an answer with no known term is the zero row. */
export function tfidfRow(counts: ReadonlyMap<number, number>, vocabulary: TextVocabulary): SparseRow {
  const index: number[] = [];
  for (const id of counts.keys()) {
    const c = vocabulary.column[id] as number;
    if (c >= 0) index.push(c);
  }
  const cols = Int32Array.from(index).sort();
  const byColumn = new Map<number, number>();
  for (const [id, tf] of counts) {
    const c = vocabulary.column[id] as number;
    if (c >= 0) byColumn.set(c, tf);
  }
  const value = new Float64Array(cols.length);
  let norm = 0;
  for (let t = 0; t < cols.length; t++) {
    const c = cols[t] as number;
    const v = (1 + Math.log(byColumn.get(c) as number)) * (vocabulary.idf[c] as number);
    value[t] = v;
    norm += v * v;
  }
  norm = Math.sqrt(norm) || 1;
  for (let t = 0; t < value.length; t++) value[t] = (value[t] as number) / norm;
  return { index: cols, value };
}
