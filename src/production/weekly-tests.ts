/**
 * This window against the trailing windows in the history, from the logs alone (no call):
 * - users' feedback per name × feature × served model: the mean (a thumbs-up share for 1/0) against
 *   the same name and feature over the trailing windows — the pooled two-proportion z-test for 1/0
 *   values, a two-sample z-test with each side's own variance (Welch's form) for ratings;
 * - traffic shares: the calls per feature this window against the trailing windows pooled,
 *   Pearson's χ² test of homogeneity;
 * - input lengths per feature: a two-sample Kolmogorov–Smirnov test on the windows' seeded uniform
 *   subsamples;
 * - the input text per feature: the common words' shares of those subsamples (wordTests).
 * Holm across every test of the section. With a week's volume almost any difference is
 * significant, so a test is flagged only when it is significant *and* the change is large enough
 * to matter (the `MIN_*` effects below), as the gate's `min_effect` does.
 */
import normalCdf from '@stdlib/stats-base-dists-normal-cdf';
import { holm } from '../stats/multiplicity.js';
import { chiSquareTest, ksTwoSample } from '../stats/two-sample.js';
import { MIN_WORD_INPUTS, type FeedbackGroup } from './feedback-tally.js';
import type { ProductionWeek } from './production-tally.js';

/** Feedback means must move by 0.05 (five points of a thumbs-up share; relative for larger scales). */
export const MIN_FEEDBACK_SHIFT = 0.05;
/** A feature's share of calls must move by five percentage points. */
export const MIN_SHARE_SHIFT = 0.05;
/** Input lengths: a KS distance of at least 0.1. */
export const MIN_LENGTH_DISTANCE = 0.1;
/** Fewest feedback values on each side for a test. */
export const MIN_FEEDBACK_N = 20;
/** Fewest input lengths of a feature on each side for a test. */
export const MIN_LENGTH_N = 50;

export interface WeeklyTest {
  readonly kind: 'feedback' | 'traffic-share' | 'input-length' | 'input-words';
  readonly label: string;
  readonly before: number;
  readonly after: number;
  readonly n: readonly [number, number];
  readonly effect: number;
  readonly p: number;
  readonly pHolm: number;
  readonly flagged: boolean;
  readonly sentence: string;
}

type Untested = Omit<WeeklyTest, 'pHolm' | 'flagged'> & { readonly large: boolean };

const twoSided = (z: number) => 2 * (1 - normalCdf(Math.abs(z), 0, 1));

/** Two-sided p of the pooled two-proportion z-test of k1/n1 against k0/n0 (1 when the pooled rate is 0 or 1). */
function pooledProportionP(k0: number, n0: number, k1: number, n1: number): number {
  const rate = (k0 + k1) / (n0 + n1);
  const se = Math.sqrt(rate * (1 - rate) * (1 / n0 + 1 / n1));
  return se > 0 ? twoSided((k1 / n1 - k0 / n0) / se) : 1;
}
const pct = (v: number) => `${Math.round(v * 100)}%`;
const pValue = (p: number) => (p < 0.001 ? 'p < 0.001' : `p ${p.toFixed(3)}`);

function feedbackTests(week: ProductionWeek, trailing: readonly ProductionWeek[]): Untested[] {
  const pooled = new Map<string, { n: number; sum: number; sumSq: number }>();
  for (const w of trailing)
    for (const g of w.feedback ?? []) {
      const key = `${g.name}\u0000${g.feature}`;
      const p = pooled.get(key) ?? { n: 0, sum: 0, sumSq: 0 };
      p.n += g.n;
      p.sum += g.sum;
      p.sumSq += g.sumSq;
      pooled.set(key, p);
    }
  // This window per served model, and per prompt version when the logs name one: a drop tied to a
  // new model id, or to a new prompt, shows on its own rows.
  const now = new Map<string, FeedbackGroup & { by: string }>();
  const group = (g: FeedbackGroup, by: string, key: string) => {
    const was = now.get(key);
    now.set(key, was ? { ...was, n: was.n + g.n, sum: was.sum + g.sum, sumSq: was.sumSq + g.sumSq } : { ...g, by });
  };
  for (const g of week.feedback ?? []) {
    group(g, g.model, `${g.name}\u0000${g.feature}\u0000model\u0000${g.model}`);
    if (g.prompt) group(g, `prompt ${g.prompt}`, `${g.name}\u0000${g.feature}\u0000prompt\u0000${g.prompt}`);
  }
  const out: Untested[] = [];
  for (const g of now.values()) {
    const base = pooled.get(`${g.name}\u0000${g.feature}`);
    if (!base || base.n < MIN_FEEDBACK_N || g.n < MIN_FEEDBACK_N) continue;
    const m0 = base.sum / base.n;
    const m1 = g.sum / g.n;
    const v0 = Math.max(base.sumSq / base.n - m0 * m0, 0);
    const v1 = Math.max(g.sumSq / g.n - m1 * m1, 0);
    // 1/0 feedback (thumbs): the pooled two-proportion z-test, whose variance under "no change" is
    // the pooled rate's — the unpooled form false-alarms at a few dozen values a side (bench/production.ts).
    const binary = base.sumSq === base.sum && g.sumSq === g.sum;
    const se = Math.sqrt(v0 / base.n + v1 / g.n);
    const p = binary
      ? pooledProportionP(base.sum, base.n, g.sum, g.n)
      : se > 0
        ? twoSided((m1 - m0) / se)
        : m1 === m0
          ? 1
          : 0;
    const scale = Math.max(1, Math.abs(m0));
    out.push({
      kind: 'feedback',
      label: `${g.name} · ${g.feature} · ${g.by}`,
      before: m0,
      after: m1,
      n: [base.n, g.n],
      effect: m1 - m0,
      p,
      large: Math.abs(m1 - m0) >= MIN_FEEDBACK_SHIFT * scale,
      sentence: `users' ${g.name} in \`${g.feature}\` on ${g.by} ${m1 < m0 ? 'fell' : 'rose'} from ${m0.toFixed(2)} to ${m1.toFixed(2)} (n ${g.n.toLocaleString('en-US')} vs ${base.n.toLocaleString('en-US')} in the trailing windows, ${pValue(p)})`,
    });
  }
  return out;
}

function shareTest(week: ProductionWeek, trailing: readonly ProductionWeek[]): Untested[] {
  const calls = (w: ProductionWeek) => {
    const m = new Map<string, number>();
    for (const c of w.cells) m.set(c.feature, (m.get(c.feature) ?? 0) + c.calls);
    return m;
  };
  const now = calls(week);
  const before = new Map<string, number>();
  for (const w of trailing) for (const [f, n] of calls(w)) before.set(f, (before.get(f) ?? 0) + n);
  const features = [...new Set([...now.keys(), ...before.keys()])].sort();
  const total0 = [...before.values()].reduce((a, b) => a + b, 0);
  const total1 = [...now.values()].reduce((a, b) => a + b, 0);
  if (features.length < 2 || total0 === 0 || total1 === 0) return [];
  const result = chiSquareTest([features.map((f) => before.get(f) ?? 0), features.map((f) => now.get(f) ?? 0)]);
  const moves = features.map((f) => ({ f, s0: (before.get(f) ?? 0) / total0, s1: (now.get(f) ?? 0) / total1 }));
  const top = moves.reduce((a, b) => (Math.abs(b.s1 - b.s0) > Math.abs(a.s1 - a.s0) ? b : a));
  return [
    {
      kind: 'traffic-share',
      label: 'calls per feature',
      before: top.s0,
      after: top.s1,
      n: [total0, total1],
      effect: top.s1 - top.s0,
      p: result.p,
      large: Math.abs(top.s1 - top.s0) >= MIN_SHARE_SHIFT,
      sentence: `traffic changed: \`${top.f}\` went from ${pct(top.s0)} to ${pct(top.s1)} of calls (χ² ${pValue(result.p)})`,
    },
  ];
}

/** Per feature: a topic that takes a share of one feature barely moves the lengths of all inputs. */
function lengthTests(week: ProductionWeek, trailing: readonly ProductionWeek[]): Untested[] {
  const median = (xs: readonly number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;
  return Object.entries(week.inputChars ?? {}).flatMap(([feature, now]): Untested[] => {
    const before = trailing.flatMap((w) => w.inputChars?.[feature] ?? []);
    if (now.length < MIN_LENGTH_N || before.length < MIN_LENGTH_N) return [];
    const ks = ksTwoSample(before, now);
    const m0 = median(before);
    const m1 = median(now);
    return [
      {
        kind: 'input-length',
        label: `input length · ${feature}`,
        before: m0,
        after: m1,
        n: [before.length, now.length],
        effect: ks.d,
        p: ks.p,
        large: ks.d >= MIN_LENGTH_DISTANCE,
        sentence: `traffic changed: inputs to \`${feature}\` got ${m1 >= m0 ? 'longer' : 'shorter'} (median ${m0} → ${m1} characters, KS D ${ks.d.toFixed(2)}, ${pValue(ks.p)})`,
      },
    ];
  });
}

/**
 * Per feature, the words of the inputs: each common word's share of the sampled inputs against the
 * trailing windows' (pooled two-proportion z), the feature's test the smallest p with Bonferroni over
 * its words. A word below a window's kept floor counts as just under it — the most it could have
 * been — so a word appearing or vanishing is never overstated.
 */
function wordTests(week: ProductionWeek, trailing: readonly ProductionWeek[]): Untested[] {
  const floor = (inputs: number) => Math.max(MIN_WORD_INPUTS, Math.ceil(0.01 * inputs)) - 1;
  return Object.entries(week.inputWords ?? {}).flatMap(([feature, now]): Untested[] => {
    const past = trailing.flatMap((w) => (w.inputWords?.[feature] ? [w.inputWords[feature]] : []));
    const n0 = past.reduce((a, p) => a + p.inputs, 0);
    const n1 = now.inputs;
    if (n0 < MIN_LENGTH_N || n1 < MIN_LENGTH_N) return [];
    const words = new Set([...Object.keys(now.words), ...past.flatMap((p) => Object.keys(p.words))]);
    // The word the feature's test reports: the most significant of those that moved enough to matter
    // (a new topic's words, not the old words' shares shrinking around it), else the most significant.
    const large = (s0: number, s1: number) =>
      Math.abs(s1 - s0) >= MIN_SHARE_SHIFT && (s0 === 0 || s1 / s0 >= 2 || s1 / s0 <= 0.5);
    let best: { word: string; p: number; s0: number; s1: number; large: boolean; unseen: boolean } | undefined;
    for (const word of words) {
      const c1 = now.words[word] ?? floor(n1);
      const c0 = past.reduce((a, p) => a + (p.words[word] ?? floor(p.inputs)), 0);
      const s0 = c0 / n0;
      const s1 = c1 / n1;
      const p = pooledProportionP(c0, n0, c1, n1);
      const unseen = past.every((q) => q.words[word] === undefined);
      const candidate = { word, p, s0, s1, large: large(s0, s1), unseen };
      if (!best || (candidate.large && !best.large) || (candidate.large === best.large && p < best.p)) best = candidate;
    }
    if (!best) return [];
    const p = Math.min(1, best.p * words.size);
    return [
      {
        kind: 'input-words',
        label: `input words · ${feature}`,
        before: best.s0,
        after: best.s1,
        n: [n0, n1],
        effect: best.s1 - best.s0,
        p,
        large: best.large,
        sentence: `traffic changed: inputs to \`${feature}\` mention “${best.word}” in ${pct(best.s1)} of sampled inputs (${best.unseen ? 'under 1%' : pct(best.s0)} before; ${pValue(p)})`,
      },
    ];
  });
}

export function weeklyTests(week: ProductionWeek, trailing: readonly ProductionWeek[], alpha: number): WeeklyTest[] {
  if (trailing.length === 0) return [];
  const tests = [
    ...feedbackTests(week, trailing),
    ...shareTest(week, trailing),
    ...lengthTests(week, trailing),
    ...wordTests(week, trailing),
  ];
  const adjusted = holm(tests.map((t) => t.p));
  return tests.map(({ large, ...t }, i) => {
    const pHolm = adjusted[i] ?? 1;
    return { ...t, pHolm, flagged: pHolm < alpha && large };
  });
}
