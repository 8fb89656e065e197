/**
 * The window's users' feedback and inputs, in bounded memory, for the weekly tests: feedback sums
 * per (name, feature, served model, prompt version) — enough for each group's mean and variance —
 * and per feature a seeded uniform reservoir of input lengths (Vitter's algorithm R), a random
 * subsample the two-sample test of input lengths can use whatever the volume.
 */
import { mulberry32, type Random } from '../stats/rng.js';
import type { UsageLine } from './usage-line.js';

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

export class FeedbackTally {
  private readonly groups = new Map<string, { -readonly [K in keyof FeedbackGroup]: FeedbackGroup[K] }>();
  private readonly calls = new Map<string, number>();
  private readonly reservoirs = new Map<string, { kept: number[]; seen: number }>();
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
        this.reservoirs.set(feature, (r = { kept: [], seen: 0 }));
      }
      r.seen++;
      if (r.kept.length < RESERVOIR_SIZE) r.kept.push(line.inputChars);
      else {
        const j = Math.floor(this.random() * r.seen);
        if (j < RESERVOIR_SIZE) r.kept[j] = line.inputChars;
      }
    }
  }

  feedback(): FeedbackGroup[] {
    return [...this.groups.values()]
      .map((g) => ({ ...g, calls: this.calls.get(`${g.feature}\u0000${g.model}\u0000${g.prompt ?? ''}`) ?? 0 }))
      .sort((a, b) => (a.name + a.feature + a.model < b.name + b.feature + b.model ? -1 : 1));
  }

  /** Per feature, the uniform subsample of its input lengths. */
  inputChars(): Record<string, number[]> {
    return Object.fromEntries(
      [...this.reservoirs].sort(([a], [b]) => (a < b ? -1 : 1)).map(([f, r]) => [f, [...r.kept]]),
    );
  }
}
