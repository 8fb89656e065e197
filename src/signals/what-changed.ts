/**
 * What changed, in plain words: the words, word pairs, openings and style features whose use moved
 * most between pinned and current answers to the same inputs.
 *
 * Per feature and input, the paired difference of its per-answer value (words and openings: present
 * or not; style features: log(1 + count)) gives a mean with a 95% t interval; the effect is that
 * mean divided by the feature's pooled standard deviation over all answers (a standardised mean
 * difference, so a rare word and a common one compare). Only features whose interval excludes 0 and
 * that occur in at least 5% of one side's answers are listed, largest |effect| first.
 */
import tQuantile from '@stdlib/stats-base-dists-t-quantile';
import type { AnswerPair, PairFeatures } from './pair-features.js';
import { STYLE_FEATURES } from './style-features.js';

export interface WhatChangedItem {
  /** The term (`^certainly` is an opening) or style feature id. */
  readonly feature: string;
  readonly kind: 'opening' | 'term' | 'style';
  /** The change in words: `current opens with "certainly" in 41% of answers (pinned 3%)`. */
  readonly text: string;
  /** Share of answers with the feature. */
  readonly pinnedShare: number;
  readonly currentShare: number;
  /** Style features: mean count per answer. */
  readonly pinnedMean?: number;
  readonly currentMean?: number;
  /** Standardised paired difference (current − pinned) and its 95% interval. */
  readonly effect: number;
  readonly interval: readonly [number, number];
  readonly example?: {
    readonly caseId: string;
    readonly input: string;
    readonly pinned: string;
    readonly current: string;
  };
}

const MIN_SHARE = 0.05;
const pct = (x: number) => `${Math.round(x * 100)}%`;
const quote = (term: string) => `"${term}"`;

interface Moved {
  readonly mean: number;
  readonly sd: number;
  readonly pooledSd: number;
}

function moved(diffs: ArrayLike<number>, pooledSd: number): Moved {
  const n = diffs.length;
  let s = 0;
  for (let i = 0; i < n; i++) s += diffs[i] as number;
  const mean = s / n;
  let ss = 0;
  for (let i = 0; i < n; i++) ss += ((diffs[i] as number) - mean) ** 2;
  return { mean, sd: n > 1 ? Math.sqrt(ss / (n - 1)) : 0, pooledSd };
}

function standardised(m: Moved, n: number): { effect: number; interval: [number, number]; significant: boolean } {
  const half = (n > 1 ? tQuantile(0.975, n - 1) : Number.POSITIVE_INFINITY) * (m.sd / Math.sqrt(n));
  const scale = m.pooledSd > 0 ? m.pooledSd : 1;
  return {
    effect: m.mean / scale,
    interval: [(m.mean - half) / scale, (m.mean + half) / scale],
    significant: m.mean - half > 0 || m.mean + half < 0,
  };
}

/** A short excerpt of `text` around the first match of `term`'s words, else its opening. */
export function excerpt(text: string, term?: string, width = 70): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  let at = 0;
  if (term) {
    const pattern = term
      .replace(/^\^/, '')
      .split(' ')
      .map((w) => w.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
      .join('[^\\p{L}\\p{N}]+');
    const m = new RegExp(`(?<![\\p{L}\\p{N}])${pattern}(?![\\p{L}\\p{N}])`, 'iu').exec(flat);
    at = m ? Math.max(0, m.index - Math.floor(width / 3)) : 0;
  }
  const cut = flat.slice(at, at + width);
  return `${at > 0 ? '…' : ''}${cut}${at + width < flat.length ? '…' : ''}`;
}

function example(
  pairs: readonly AnswerPair[],
  candidates: readonly number[],
  term?: string,
): WhatChangedItem['example'] {
  const best = [...candidates].sort(
    (a, b) =>
      (pairs[a] as AnswerPair).pinned.length +
      (pairs[a] as AnswerPair).current.length -
      ((pairs[b] as AnswerPair).pinned.length + (pairs[b] as AnswerPair).current.length),
  )[0];
  if (best === undefined) return undefined;
  const p = pairs[best] as AnswerPair;
  return {
    caseId: p.caseId,
    input: excerpt(p.input, undefined, 80),
    pinned: excerpt(p.pinned, term),
    current: excerpt(p.current, term),
  };
}

function termItems(pairs: readonly AnswerPair[], features: PairFeatures, sides: Sides): WhatChangedItem[] {
  const n = pairs.length;
  const v = features.vocabulary.terms.length;
  const inPinned = new Int32Array(v);
  const inCurrent = new Int32Array(v);
  const plus = new Int32Array(v); // current has it, pinned not
  const minus = new Int32Array(v);
  const mark = new Uint8Array(v);
  for (let i = 0; i < n; i++) {
    const p = features.present.pinned[i] as Int32Array;
    const c = features.present.current[i] as Int32Array;
    for (const t of p) {
      inPinned[t] = (inPinned[t] as number) + 1;
      mark[t] = 1;
    }
    for (const t of c) {
      inCurrent[t] = (inCurrent[t] as number) + 1;
      if (mark[t] === 1) mark[t] = 2;
      else plus[t] = (plus[t] as number) + 1;
    }
    for (const t of p) {
      if (mark[t] === 1) minus[t] = (minus[t] as number) + 1;
      mark[t] = 0;
    }
  }
  const out: WhatChangedItem[] = [];
  const t975 = n > 1 ? tQuantile(0.975, n - 1) : Number.POSITIVE_INFINITY;
  for (let t = 0; t < v; t++) {
    const pinnedShare = (inPinned[t] as number) / n;
    const currentShare = (inCurrent[t] as number) / n;
    if (Math.max(pinnedShare, currentShare) < MIN_SHARE) continue;
    const mean = ((plus[t] as number) - (minus[t] as number)) / n;
    const meanSquare = ((plus[t] as number) + (minus[t] as number)) / n;
    const sd = n > 1 ? Math.sqrt(Math.max(0, meanSquare - mean * mean) * (n / (n - 1))) : 0;
    const half = t975 * (sd / Math.sqrt(n));
    if (!(mean - half > 0 || mean + half < 0)) continue;
    const pooled = (pinnedShare + currentShare) / 2;
    const scale = Math.sqrt(pooled * (1 - pooled)) || 1;
    const term = features.vocabulary.terms[t] as string;
    const opening = term.startsWith('^');
    const shown = quote(opening ? term.slice(1) : term);
    const verb = opening ? 'opens with' : 'uses';
    out.push({
      feature: term,
      kind: opening ? 'opening' : 'term',
      text: `${sides.current} ${verb} ${shown} in ${pct(currentShare)} of answers (${sides.pinned} ${pct(pinnedShare)})`,
      pinnedShare,
      currentShare,
      effect: mean / scale,
      interval: [(mean - half) / scale, (mean + half) / scale],
    });
  }
  return out;
}

function styleItems(pairs: readonly AnswerPair[], features: PairFeatures, sides: Sides): WhatChangedItem[] {
  const n = pairs.length;
  const out: WhatChangedItem[] = [];
  STYLE_FEATURES.forEach((f, k) => {
    const pin = features.style.pinned.map((r) => r[k] as number);
    const cur = features.style.current.map((r) => r[k] as number);
    const logs = [...pin, ...cur].map((x) => Math.log1p(x));
    const m = logs.reduce((a, b) => a + b, 0) / logs.length;
    const pooledSd = Math.sqrt(logs.reduce((a, b) => a + (b - m) ** 2, 0) / Math.max(1, logs.length - 1));
    if (pooledSd === 0) return;
    const diffs = pin.map((p, i) => Math.log1p(cur[i] as number) - Math.log1p(p));
    const s = standardised(moved(diffs, pooledSd), n);
    const pinnedShare = pin.filter((x) => x > 0).length / n;
    const currentShare = cur.filter((x) => x > 0).length / n;
    if (!s.significant || (f.id !== 'length' && Math.max(pinnedShare, currentShare) < MIN_SHARE)) return;
    const pinnedMean = pin.reduce((a, b) => a + b, 0) / n;
    const currentMean = cur.reduce((a, b) => a + b, 0) / n;
    let text: string;
    if (f.id === 'length') {
      const change = currentMean / pinnedMean - 1;
      text = `answers ${Math.abs(Math.round(change * 100))}% ${change >= 0 ? 'longer' : 'shorter'} (mean ${Math.round(currentMean).toLocaleString('en-US')} vs ${Math.round(pinnedMean).toLocaleString('en-US')} characters)`;
    } else if (f.id === 'refusals') {
      text = `${sides.current} refuses in ${pct(currentShare)} of answers (${sides.pinned} ${pct(pinnedShare)})`;
    } else {
      const ratio =
        pinnedMean > 0 && currentMean > 0
          ? `${(currentMean / pinnedMean).toFixed(1)}× as many per answer (${currentMean.toFixed(1)} vs ${pinnedMean.toFixed(1)}); `
          : '';
      text = `${f.label}: ${ratio}in ${pct(currentShare)} of answers (${sides.pinned} ${pct(pinnedShare)})`;
    }
    const direction = Math.sign(s.effect);
    const rows = diffs
      .map((d, i) => [d, i] as const)
      .filter(([d]) => Math.sign(d) === direction)
      .sort((a, b) => Math.abs(b[0]) - Math.abs(a[0]))
      .slice(0, 20)
      .map(([, i]) => i);
    out.push({
      feature: f.id,
      kind: 'style',
      text,
      pinnedShare,
      currentShare,
      pinnedMean,
      currentMean,
      effect: s.effect,
      interval: s.interval,
      example: example(pairs, rows),
    });
  });
  return out;
}

/** What the two sides are called in the text: the drift job's pinned and current, or an eval suite's two targets. */
export interface Sides {
  readonly pinned: string;
  readonly current: string;
}
const DRIFT_SIDES: Sides = { pinned: 'pinned', current: 'current' };

/** The `top` features that moved most, largest standardised change first. */
export function whatChanged(
  pairs: readonly AnswerPair[],
  features: PairFeatures,
  top = 10,
  sides: Sides = DRIFT_SIDES,
): WhatChangedItem[] {
  if (pairs.length < 2) return [];
  // Ties (a word and the same word as the opening) go to the more specific opening, then by name.
  const rank = { opening: 0, term: 1, style: 2 } as const;
  const items = [...termItems(pairs, features, sides), ...styleItems(pairs, features, sides)]
    .sort(
      (a, b) =>
        Math.abs(b.effect) - Math.abs(a.effect) ||
        rank[a.kind] - rank[b.kind] ||
        (a.feature < b.feature ? -1 : a.feature > b.feature ? 1 : 0),
    )
    .slice(0, top);
  // Examples only for what is shown: inputs where the term is on the side it moved to and not the other.
  return items.map((item) => {
    if (item.kind === 'style') return item;
    const t = features.vocabulary.terms.indexOf(item.feature);
    const rows: number[] = [];
    for (let i = 0; i < pairs.length && rows.length < 50; i++) {
      const inP = (features.present.pinned[i] as Int32Array).includes(t);
      const inC = (features.present.current[i] as Int32Array).includes(t);
      if (item.effect > 0 ? inC && !inP : inP && !inC) rows.push(i);
    }
    const e = example(pairs, rows, item.feature);
    return e ? { ...item, example: e } : item;
  });
}
