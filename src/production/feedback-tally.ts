/**
 * The window's users' feedback and inputs, in bounded memory, for the weekly tests: feedback sums
 * per (name, feature, served model, prompt version) — enough for each group's mean and variance —
 * and per feature a seeded uniform reservoir of input lengths (Vitter's algorithm R), a random
 * subsample the two-sample test of input lengths can use whatever the volume.
 */
import { mulberry32, type Random } from '../stats/rng.js';
import type { UsageLine } from './usage-line.js';
import { inputTerms, userText } from './input-terms.js';

export interface FeedbackGroup {
  readonly name: string;
  readonly feature: string;
  readonly model: string;
  readonly prompt?: string;
  /** Feedback values given, their sum and sum of squares (true/false as 1/0). */
  readonly n: number;
  readonly sum: number;
  readonly sumSq: number;
  /** Calls in the group, with or without feedback: the feedback rate's denominator. */
  readonly calls: number;
}

const MAX_GROUPS = 500;
/** Input lengths kept per feature. */
export const RESERVOIR_SIZE = 1_000;
const MAX_FEATURES = 200;
/** A word is kept in the history when at least this many sampled inputs (and 1% of them) use it. */
export const MIN_WORD_INPUTS = 5;
const MAX_WORDS = 300;

export class FeedbackTally {
  private readonly groups = new Map<string, { -readonly [K in keyof FeedbackGroup]: FeedbackGroup[K] }>();
  private readonly calls = new Map<string, number>();
  private readonly reservoirs = new Map<string, { kept: number[]; terms: string[][]; seen: number }>();
  private readonly random: Random = mulberry32(0x5eed);

  add(line: UsageLine, feature: string, model: string): void {
    const base = `${feature}\u0000${model}\u0000${line.promptVersion ?? ''}`;
    this.calls.set(base, (this.calls.get(base) ?? 0) + 1);
    for (const f of line.feedback ?? []) {
      const key = `${f.name}\u0000${base}`;
      let g = this.groups.get(key);
      if (!g) {
        if (this.groups.size >= MAX_GROUPS) continue;
        g = {
          name: f.name,
          feature,
          model,
          ...(line.promptVersion ? { prompt: line.promptVersion } : {}),
          n: 0,
          sum: 0,
          sumSq: 0,
          calls: 0,
        };
        this.groups.set(key, g);
      }
      g.n++;
      g.sum += f.value;
      g.sumSq += f.value * f.value;
    }
    if (line.inputChars !== undefined) {
      let r = this.reservoirs.get(feature);
      if (!r) {
        if (this.reservoirs.size >= MAX_FEATURES) return;
        this.reservoirs.set(feature, (r = { kept: [], terms: [], seen: 0 }));
      }
      r.seen++;
      // An input's words are read only when it enters the sample: a few thousand times a week, not per line.
      if (r.kept.length < RESERVOIR_SIZE) {
        r.kept.push(line.inputChars);
        r.terms.push(inputTerms(userText(line.input)));
      } else {
        const j = Math.floor(this.random() * r.seen);
        if (j < RESERVOIR_SIZE) {
          r.kept[j] = line.inputChars;
          r.terms[j] = inputTerms(userText(line.input));
        }
      }
    }
  }

  feedback(): FeedbackGroup[] {
    return [...this.groups.values()]
      .map((g) => ({ ...g, calls: this.calls.get(`${g.feature}\u0000${g.model}\u0000${g.prompt ?? ''}`) ?? 0 }))
      .sort((a, b) => (a.name + a.feature + a.model < b.name + b.feature + b.model ? -1 : 1));
  }

  /**
   * Per feature, the words of its sampled inputs: how many sampled inputs use each, for the words at
   * least 1% of them (and 5) use, at most 300 — vocabulary, not anyone's message.
   */
  inputWords(): Record<string, { inputs: number; words: Record<string, number> }> {
    const out: Record<string, { inputs: number; words: Record<string, number> }> = {};
    for (const [feature, r] of [...this.reservoirs].sort(([a], [b]) => (a < b ? -1 : 1))) {
      const counts = new Map<string, number>();
      for (const terms of r.terms) for (const t of terms) counts.set(t, (counts.get(t) ?? 0) + 1);
      const floor = Math.max(MIN_WORD_INPUTS, Math.ceil(0.01 * r.terms.length));
      const kept = [...counts].filter(([, n]) => n >= floor).sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
      out[feature] = { inputs: r.terms.length, words: Object.fromEntries(kept.slice(0, MAX_WORDS)) };
    }
    return out;
  }

  /** Per feature, the uniform subsample of its input lengths. */
  inputChars(): Record<string, number[]> {
    return Object.fromEntries(
      [...this.reservoirs].sort(([a], [b]) => (a < b ? -1 : 1)).map(([f, r]) => [f, [...r.kept]]),
    );
  }
}
