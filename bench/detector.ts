/**
 * `npm run bench:detector`: the gate's detector measured by simulation with known truth, figures
 * to bench/detector.json and a Markdown table on stdout. Nothing is asserted. It first runs issue
 * 17's simulations (bench/adaptive.ts → bench/adaptive.json); `npm run bench:detector -- adaptive`
 * runs only those.
 *
 * Pass/fail: each case has its own pass probability pᵢ ~ Beta(4, 1) (mean 0.8: most cases easy, a
 * tail of hard ones). Baseline and current are drawn independently per case, `repeats` calls each.
 * A/A: current uses pᵢ; a drop of δ: current uses max(0, pᵢ − δ).
 * Judge (1–5): each case has a latent quality qᵢ ~ N(3.8, 0.8²); a verdict is qᵢ + N(0, 0.5²)
 * rounded and clipped to 1..5; a shift of s lowers qᵢ by s for the current run.
 *
 * Each simulated gate runs the gate's own code for one gated metric (pairValues → testMetric →
 * decideVerdict; Holm over one metric is the identity) at α = 0.05, min_effect 0.03. The naive
 * rule most tools use is applied to the same data: fail if the pass rate fell by more than 2 points
 * (judge: if the mean verdict fell by more than 0.1 on the 1–5 scale).
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { testMetric } from '../src/gate/test-metric.js';
import { decideVerdict } from '../src/gate/verdict.js';
import type { MetricSpec, PairedValues } from '../src/gate/metric-values.js';
import { mulberry32, type Random } from '../src/stats/rng.js';
import { wilson } from '../src/stats/wilson.js';
import { minimumDetectableEffect } from '../src/stats/power.js';

import { runAdaptiveBench } from './adaptive.js';

const ALPHA = 0.05;
const MIN_EFFECT = 0.03;
const SIMS = Number(process.env.DETECTOR_SIMS ?? 1000);
const root = fileURLToPath(new URL('..', import.meta.url));

const normal = (rng: Random) => Math.sqrt(-2 * Math.log(1 - rng())) * Math.cos(2 * Math.PI * rng());

interface Cell {
  n: number;
  repeats: number;
  effect: number;
  /** Share of simulated gates with verdict `regressed` (significant AND worse than min_effect). */
  rate: number;
  ci: readonly [number, number] | null;
  /** Share with one-sided p < α alone: the test's size under A/A, its power otherwise. */
  testRate: number;
  naiveRate: number;
  meanMde: number;
}

function simulate(kind: 'pass' | 'judge', n: number, repeats: number, effect: number, seed: number): Cell {
  const rng = mulberry32(seed);
  const spec: MetricSpec =
    kind === 'pass'
      ? { name: 'check', shape: 'rate', higherIsBetter: true }
      : { name: 'judge', shape: 'mean', higherIsBetter: true };
  let flagged = 0;
  let significant = 0;
  let naive = 0;
  let mdeSum = 0;
  for (let s = 0; s < SIMS; s++) {
    const baseline: number[] = [];
    const current: number[] = [];
    for (let i = 0; i < n; i++) {
      let b = 0;
      let c = 0;
      if (kind === 'pass') {
        const p = rng() ** (1 / 4); // Beta(4, 1)
        const p2 = Math.max(0, p - effect);
        for (let r = 0; r < repeats; r++) {
          b += rng() < p ? 1 : 0;
          c += rng() < p2 ? 1 : 0;
        }
      } else {
        const q = 3.8 + 0.8 * normal(rng);
        const verdict = (latent: number) => (Math.min(5, Math.max(1, Math.round(latent + 0.5 * normal(rng)))) - 1) / 4;
        for (let r = 0; r < repeats; r++) {
          b += verdict(q);
          c += verdict(q - effect);
        }
      }
      baseline.push(b / repeats);
      current.push(c / repeats);
    }
    const values: PairedValues = {
      caseIds: baseline.map((_, i) => String(i)),
      baseline,
      current,
      binarySingle: kind === 'pass' && repeats === 1,
    };
    const test = testMetric(spec, values, ALPHA, seed * 7919 + s)!;
    const verdict = decideVerdict({
      effect: test.effect,
      interval: test.effectInterval,
      pAdjusted: test.pWorse,
      alpha: ALPHA,
      minEffect: MIN_EFFECT,
    });
    if (verdict === 'regressed') flagged++;
    if (test.pWorse < ALPHA) significant++;
    mdeSum += minimumDetectableEffect(test.se, ALPHA);
    const naiveThreshold = kind === 'pass' ? 0.02 : 0.1 / 4;
    if (test.current - test.baseline < -naiveThreshold) naive++;
  }
  const w = wilson(flagged, SIMS);
  return {
    n,
    repeats,
    effect,
    rate: flagged / SIMS,
    ci: w.ci,
    testRate: significant / SIMS,
    naiveRate: naive / SIMS,
    meanMde: mdeSum / SIMS,
  };
}

const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
const part = process.argv[2];
if (part === 'adaptive' || part === undefined) runAdaptiveBench();
if (part === 'adaptive') process.exit(0);
const results: Record<string, Cell[]> = { pass: [], judge: [] };
const started = performance.now();
let seed = 1;
for (const kind of ['pass', 'judge'] as const) {
  const effects = kind === 'pass' ? [0, 0.03, 0.05, 0.1] : [0, 0.1, 0.2, 0.5];
  for (const n of [50, 200, 1000]) {
    for (const repeats of [1, 3]) {
      for (const effect of effects) {
        const cell = simulate(kind, n, repeats, effect, seed++);
        results[kind]!.push(cell);
        process.stderr.write(
          `${kind} n=${n} repeats=${repeats} effect=${effect}: flagged ${pct(cell.rate)}, naive ${pct(cell.naiveRate)}\n`,
        );
      }
    }
  }
}

function table(kind: 'pass' | 'judge'): string {
  const cells = results[kind]!;
  const effects = [...new Set(cells.map((c) => c.effect))].filter((e) => e > 0);
  const unit = kind === 'pass' ? (e: number) => `−${(e * 100).toFixed(0)} pts` : (e: number) => `−${e} (1–5)`;
  const header = `| n | repeats | gate false alarms A/A (95% CI) | test size (p < α) | naive false alarms | ${effects.map((e) => `power ${unit(e)} | naive ${unit(e)}`).join(' | ')} |`;
  const rule = `|${header
    .split('|')
    .slice(1, -1)
    .map(() => '---')
    .join('|')}|`;
  const rows = [];
  for (const n of [50, 200, 1000]) {
    for (const repeats of [1, 3]) {
      const at = (e: number) => cells.find((c) => c.n === n && c.repeats === repeats && c.effect === e)!;
      const aa = at(0);
      rows.push(
        `| ${n} | ${repeats} | ${pct(aa.rate)} [${pct(aa.ci![0])}, ${pct(aa.ci![1])}] | ${pct(aa.testRate)} | ${pct(aa.naiveRate)} | ${effects.map((e) => `${pct(at(e).rate)} | ${pct(at(e).naiveRate)}`).join(' | ')} |`,
      );
    }
  }
  return [header, rule, ...rows].join('\n');
}

const seconds = (performance.now() - started) / 1000;
const out = {
  schemaVersion: 1,
  measuredAt: new Date().toISOString(),
  simulationsPerCell: SIMS,
  alpha: ALPHA,
  minEffect: MIN_EFFECT,
  seconds: Number(seconds.toFixed(1)),
  design: 'see bench/detector.ts header',
  passFail: results.pass,
  judge: results.judge,
};
writeFileSync(path.join(root, 'bench/detector.json'), `${JSON.stringify(out, null, 2)}\n`);
console.log(
  `## Pass/fail gate (McNemar mid-p; repeats: sign-flip), α = ${ALPHA}, min_effect ${MIN_EFFECT}, ${SIMS} simulated gates per cell\n\n${table('pass')}\n`,
);
console.log(
  `## Judge score 1–5 (sign-flip permutation on per-case means), min_effect 0.03 on [0, 1] = 0.12 on 1–5\n\n${table('judge')}\n`,
);
console.log(`wrote bench/detector.json in ${seconds.toFixed(0)} s`);
