/**
 * Calibration of the production section's weekly tests (`npm run bench -- production`; details in
 * bench/production.json, the summary in results.json under `production`). Each simulated week is
 * four trailing windows and this one, drawn as the tally would count them: calls per feature
 * (multinomial), feedback per feature (8% of calls, thumbs up with probability 0.8), each feature's
 * input lengths (a 1,000-value reservoir, log-normal lengths) and its sampled inputs' words (40
 * words, word k in an input with probability 0.6/k, kept above the history's floor). A/A: every window from the
 * same distribution — each test's false-alarm rate at α (unadjusted p) must sit within simulation
 * error of α, and the section's family-wise rate with Holm at most α. Power: the planted effects of
 * the acceptance (thumbs 0.8 → 0.6 on a third of one feature's calls; a new topic at 20% of one
 * feature with longer inputs; a feature's share +10 points), with the flag (significant and large).
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { mulberry32, type Random } from '../src/stats/rng.js';
import { wilson } from '../src/stats/wilson.js';
import { weeklyTests } from '../src/production/weekly-tests.js';
import { historySignals } from '../src/drift/history.js';
import type { ProductionWeek } from '../src/production/production-tally.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const FEATURES = ['faq', 'essay-feedback', 'search', 'billing'];
const SHARES = [0.45, 0.25, 0.2, 0.1];

function binomial(rng: Random, n: number, p: number): number {
  if (n < 50) {
    let k = 0;
    for (let i = 0; i < n; i++) if (rng() < p) k++;
    return k;
  }
  // Normal approximation for large n, rounded and clamped: ample for these sizes.
  const z = Math.sqrt(-2 * Math.log(1 - rng())) * Math.cos(2 * Math.PI * rng());
  return Math.min(n, Math.max(0, Math.round(n * p + z * Math.sqrt(n * p * (1 - p)))));
}

function multinomial(rng: Random, n: number, shares: readonly number[]): number[] {
  let left = n;
  let rest = 1;
  return shares.map((s, i) => {
    if (i === shares.length - 1) return left;
    const k = binomial(rng, left, Math.min(1, s / rest));
    left -= k;
    rest -= s;
    return k;
  });
}

interface Plant {
  readonly thumbsDrop?: boolean;
  readonly newTopic?: boolean;
  readonly shareShift?: boolean;
}

function window(rng: Random, calls: number, plant: Plant = {}): ProductionWeek {
  const shares = plant.shareShift ? [0.35, 0.35, 0.2, 0.1] : SHARES;
  const counts = multinomial(rng, calls, shares);
  const normal = () => Math.sqrt(-2 * Math.log(1 - rng())) * Math.cos(2 * Math.PI * rng());
  const feedback = FEATURES.flatMap((feature, i) => {
    const n = binomial(rng, counts[i] ?? 0, 0.08);
    // The new model answers a third of the feature's calls, with fewer thumbs up.
    const dropped = plant.thumbsDrop && feature === 'faq' ? Math.round(n / 3) : 0;
    const ups = binomial(rng, n - dropped, 0.8);
    const rows = [
      { name: 'thumbs', feature, model: 'gpt-4o-2024-08-06', n: n - dropped, sum: ups, sumSq: ups, calls: 0 },
    ];
    if (dropped) {
      const u = binomial(rng, dropped, 0.6);
      rows.push({ name: 'thumbs', feature, model: 'gpt-4o-2024-11-20', n: dropped, sum: u, sumSq: u, calls: 0 });
    }
    return rows;
  });
  const inputChars = Object.fromEntries(
    FEATURES.map((feature, i) => [
      feature,
      Array.from({ length: Math.min(1_000, counts[i] ?? 0) }, () =>
        Math.round(Math.exp(4.5 + 0.5 * normal() + (plant.newTopic && feature === 'search' && rng() < 0.2 ? 1 : 0))),
      ),
    ]),
  );
  // Each sampled input uses word k with probability 0.6 / k (a Zipf-like vocabulary of 40 words);
  // the new topic adds its own words to a fifth of search's inputs.
  const inputWords = Object.fromEntries(
    FEATURES.map((feature, i) => {
      const n = Math.min(1_000, counts[i] ?? 0);
      const words: Record<string, number> = {};
      for (let k = 1; k <= 40; k++) words[`w${k}`] = binomial(rng, n, 0.6 / k);
      if (plant.newTopic && feature === 'search')
        for (const w of ['refund', 'charged']) words[w] = binomial(rng, n, 0.2);
      const floor = Math.max(5, Math.ceil(0.01 * n));
      return [feature, { inputs: n, words: Object.fromEntries(Object.entries(words).filter(([, c]) => c >= floor)) }];
    }),
  );
  return {
    schemaVersion: 1,
    days: 7,
    lines: calls,
    withUsage: calls,
    withLoggedCost: 0,
    withServedModel: calls,
    unpriced: {},
    cells: FEATURES.map((feature, i) => ({
      feature,
      model: 'gpt-4o',
      calls: counts[i] ?? 0,
      inputTokens: 0,
      outputTokens: 0,
      cachedInputTokens: 0,
      inputUsd: 0,
      outputUsd: 0,
    })),
    daily: [],
    served: [],
    callers: { users: [], sessions: [] },
    models: [],
    feedback,
    inputChars,
    inputWords,
  };
}

function simulate(weeks: number, calls: number, alpha: number, plant: Plant = {}) {
  const rng = mulberry32(
    calls * 7 + (plant.thumbsDrop ? 1 : 0) + (plant.newTopic ? 2 : 0) + (plant.shareShift ? 4 : 0),
  );
  const rejections = new Map<string, number>();
  const tested = new Map<string, number>();
  let anyHolm = 0;
  let anyFlag = 0;
  for (let w = 0; w < weeks; w++) {
    const trailing = [0, 1, 2, 3].map(() => window(rng, calls));
    const tests = weeklyTests(window(rng, calls, plant), trailing, alpha);
    for (const t of tests) {
      const kind = t.kind;
      tested.set(kind, (tested.get(kind) ?? 0) + 1);
      if (t.p < alpha) rejections.set(kind, (rejections.get(kind) ?? 0) + 1);
    }
    if (tests.some((t) => t.pHolm < alpha)) anyHolm++;
    if (tests.some((t) => t.flagged)) anyFlag++;
  }
  const rate = (k: number, n: number) => {
    const ci = wilson(k, n);
    return { rate: Number((k / n).toFixed(4)), ci95: ci.ci ? ci.ci.map((v) => Number(v.toFixed(4))) : null, n };
  };
  return {
    weeks,
    callsPerWeek: calls,
    alpha,
    perTestRejection: Object.fromEntries([...tested].map(([kind, n]) => [kind, rate(rejections.get(kind) ?? 0, n)])),
    familyWiseHolm: rate(anyHolm, weeks),
    anyFlagged: rate(anyFlag, weeks),
  };
}

/**
 * The served-answer scores are tested by the history (drift/history.ts: a z-test of this run's mean
 * against the trailing runs' before eight runs, EWMA after): A/A and power for a pass rate of a
 * stratum's sampled answers (n answers a run, 0.9 passing; the drop to 0.75 of the acceptance).
 */
function servedHistory(weeks: number, n: number, alpha: number, after = 0.9) {
  const rng = mulberry32(n * 31 + Math.round(after * 100));
  const metric = (p: number) => {
    const k = binomial(rng, n, p);
    const mean = k / n;
    return { mean, se: Math.sqrt((mean * (1 - mean)) / (n - 1)), n };
  };
  let fired = 0;
  for (let w = 0; w < weeks; w++) {
    const rows = [0, 1, 2, 3].map((i) => ({
      schemaVersion: 1 as const,
      suite: 'drift',
      runId: `r${i}`,
      seed: 's',
      finishedAt: '',
      drifted: false,
      models: { pinned: [], current: [] },
      metrics: { 'served cites · x': metric(0.9) },
    }));
    const [signal] = historySignals(rows, { 'served cites · x': metric(after) }, 4);
    if (signal && signal.p !== null && signal.p < alpha) fired++;
  }
  return { answersPerRun: n, alpha, passRate: `0.9 → ${after}`, rejected: Number((fired / weeks).toFixed(4)) };
}

export function productionCalibration() {
  const cells = [2_000, 20_000].flatMap((calls) => [0.01, 0.05].map((alpha) => simulate(1_000, calls, alpha)));
  const power = [2_000, 20_000].flatMap((calls) => [
    { effect: 'thumbs 0.8 → 0.6 on a third of faq', ...simulate(1_000, calls, 0.01, { thumbsDrop: true }) },
    { effect: 'new topic at 20% of search (longer inputs)', ...simulate(1_000, calls, 0.01, { newTopic: true }) },
    { effect: 'faq share −10 points, essay-feedback +10', ...simulate(1_000, calls, 0.01, { shareShift: true }) },
  ]);
  const served = [50, 100, 200].flatMap((n) => [
    servedHistory(1_000, n, 0.01),
    servedHistory(1_000, n, 0.05),
    servedHistory(1_000, n, 0.01, 0.75),
  ]);
  const detail = { measuredAt: new Date().toISOString(), aa: cells, power, servedHistory: served };
  writeFileSync(path.join(root, 'bench/production.json'), `${JSON.stringify(detail, null, 2)}\n`);
  return {
    details: 'bench/production.json',
    aa: cells.map((c) => ({
      callsPerWeek: c.callsPerWeek,
      alpha: c.alpha,
      familyWiseHolm: c.familyWiseHolm.rate,
      perTest: Object.fromEntries(Object.entries(c.perTestRejection).map(([k, v]) => [k, v.rate])),
    })),
    power: power.map((p) => ({ effect: p.effect, callsPerWeek: p.callsPerWeek, flagged: p.anyFlagged.rate })),
    servedHistory: served,
  };
}
