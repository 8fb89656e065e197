/**
 * `npm run bench:detector -- adaptive`: issue 17's simulations with known truth, figures to
 * bench/adaptive-<spending>.json and Markdown on stdout. Nothing is asserted.
 * ADAPTIVE_SPENDING=obrien-fleming measures that spending function instead of the default Pocock type.
 *
 * 1. Flaky cases found: every case has a known pass probability pᵢ (a quarter of the cases always
 *    pass, the rest pᵢ ~ U(0.05, 0.95)); with k repeats, a flaky case is seen flaky with probability
 *    1 − pᵢᵏ − (1 − pᵢ)ᵏ. The observed recall (runner/reliability.ts on the simulated records) is
 *    set beside the expected one; precision must be 1 (a case that always passes is never flaky).
 * 2. Adaptive re-runs (gate.adaptive): the gate's own code end to end — baseline and run records,
 *    compareRun (the fixed design) against the eval loop's steps — sequentialComparison →
 *    roundCandidates → planRound → new current-side repeats of the chosen cases. Cases: pᵢ ~ Beta(4, 1), `repeats`
 *    calls per case on each side; A/A (current = baseline) and a drop of δ. Figures: the share of
 *    gates that say "regressed" (A/A: the false alarm rate), the share still inconclusive, and the
 *    extra calls spent.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { BASELINE_SCHEMA_VERSION, type Baseline, type BaselineCase } from '../src/baselines/baseline-file.js';
import { JOURNAL_SCHEMA_VERSION, type CallRecord } from '../src/records/call-record.js';
import { compareRun, type GateSettings, type SuiteComparisonInput } from '../src/gate/compare.js';
import { roundCandidates, sequentialComparison } from '../src/gate/sequential-gate.js';
import { planRound } from '../src/gate/adaptive-selection.js';
import { repeatLimits, roundCalls, type AdaptiveRoundRecord } from '../src/runner/plan/adaptive-rounds.js';
import { reliability } from '../src/runner/summary/reliability.js';
import { mulberry32, type Random } from '../src/stats/rng.js';
import { wilson } from '../src/stats/wilson.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const SIMS = Number(process.env.ADAPTIVE_SIMS ?? 1000);
/** gate.adaptive.spending under test: one run per spending function, each to its own file. */
const SPENDING = (process.env.ADAPTIVE_SPENDING ?? 'pocock') as 'obrien-fleming' | 'pocock';
const pct = (x: number) => `${(x * 100).toFixed(1)}%`;

function score(pass: boolean) {
  return [{ name: 'check', kind: 'binary' as const, scorerId: 'check-v1', value: pass ? 1 : 0, pass }];
}

function record(caseId: string, repeat: number, pass: boolean): CallRecord {
  return {
    schemaVersion: JOURNAL_SCHEMA_VERSION,
    itemId: `s/${caseId}/current/${repeat}`,
    suite: 's',
    caseId,
    target: 'current',
    repeat,
    key: 'k',
    inputHash: `in-${caseId}`,
    status: 'ok',
    output: 'x',
    finishReason: 'stop',
    inputTokens: 10,
    outputTokens: 5,
    costUsd: 0.001,
    latencyMs: 800,
    model: 'm',
    providerModel: 'm',
    systemFingerprint: null,
    cached: false,
    attempts: 1,
    scores: score(pass),
    finishedAt: '2026-11-23T00:00:00Z',
  } as CallRecord;
}

// 1. Flaky recall ---------------------------------------------------------------------------------
function flakyRecall(n: number, k: number, seed: number) {
  const rng = mulberry32(seed);
  let trulyFlaky = 0;
  let found = 0;
  let expected = 0;
  let falseFlags = 0;
  for (let s = 0; s < SIMS / 10; s++) {
    const p = Array.from({ length: n }, (_, i) => (i % 4 === 0 ? 1 : 0.05 + 0.9 * rng()));
    const records = p.flatMap((pi, i) => Array.from({ length: k }, (_, r) => record(`c${i}`, r, rng() < pi)));
    const flagged = new Set(reliability(records)?.flaky.map((f) => f.caseId) ?? []);
    for (const [i, pi] of p.entries()) {
      if (pi === 1) {
        if (flagged.has(`c${i}`)) falseFlags++;
        continue;
      }
      trulyFlaky++;
      expected += 1 - pi ** k - (1 - pi) ** k;
      if (flagged.has(`c${i}`)) found++;
    }
  }
  return { n, repeats: k, trulyFlaky, recall: found / trulyFlaky, expectedRecall: expected / trulyFlaky, falseFlags };
}

// 2. Adaptive re-runs -----------------------------------------------------------------------------
interface AdaptiveCell {
  purpose: 'size' | 'inconclusive' | 'power';
  sims: number;
  minEffect: number;
  n: number;
  repeats: number;
  drop: number;
  maxRounds: number;
  maxExtraCalls: number;
  fixed: { regressed: number; regressedCi: readonly [number, number] | null; inconclusive: number };
  adaptive: {
    regressed: number;
    regressedCi: readonly [number, number] | null;
    inconclusive: number;
    meanExtraCalls: number;
    meanLooks: number;
  };
}

interface CellPlan {
  purpose: AdaptiveCell['purpose'];
  sims: number;
  n: number;
  repeats: number;
  drop: number;
  minEffect: number;
  maxRounds: number;
  maxExtraCalls: number;
}

function simulateAdaptive(plan: CellPlan, seed: number): AdaptiveCell {
  const { sims: SIMS, n, repeats, drop, maxRounds, maxExtraCalls, minEffect, purpose } = plan;
  const rng: Random = mulberry32(seed);
  const gate: GateSettings = {
    alpha: 0.05,
    minEffect,
    minRelativeEffect: 0.1,
    metrics: ['check'],
    adaptive: { maxRounds, maxExtraCalls, spending: SPENDING },
  };
  let fixedRegressed = 0;
  let fixedInconclusive = 0;
  let adRegressed = 0;
  let adInconclusive = 0;
  let extraCalls = 0;
  let looks = 0;
  for (let s = 0; s < SIMS; s++) {
    const p = Array.from({ length: n }, () => rng() ** (1 / 4));
    const cases: BaselineCase[] = [];
    const records: CallRecord[] = [];
    for (const [i, pi] of p.entries()) {
      for (let r = 0; r < repeats; r++) {
        const pass = rng() < pi;
        cases.push({
          caseId: `c${i}`,
          target: 'current',
          repeat: r,
          inputHash: `in-c${i}`,
          output: 'x',
          costUsd: 0.001,
          latencyMs: 800,
          outputTokens: 5,
          scores: score(pass),
        });
        records.push(record(`c${i}`, r, rng() < Math.max(0, pi - drop)));
      }
    }
    const baseline: Baseline = {
      schemaVersion: BASELINE_SCHEMA_VERSION,
      suite: 's',
      runId: 'b',
      configHash: 'h',
      gitSha: null,
      acceptedAt: '2026-11-01T00:00:00Z',
      scorers: [{ name: 'check', kind: 'binary', scorerId: 'check-v1' }],
      summary: [],
      cases,
    };
    const input: SuiteComparisonInput = { suite: 's', baseline, records, gate, repeats };
    const fixed = compareRun([input]).suites[0]?.metrics.find((m) => m.metric === 'check');
    if (fixed?.verdict === 'regressed') fixedRegressed++;
    if (fixed?.verdict === 'inconclusive') fixedInconclusive++;

    // The adaptive loop, as the eval command runs it (adaptive-eval.ts): look, plan a round, run it, look.
    const budgets = new Map([['s', { maxRounds, maxExtraCalls }]]);
    const rounds: AdaptiveRoundRecord[] = [];
    let final = false;
    let look = sequentialComparison([input], { rounds: 0, final, repeatLimits: { s: [repeats] } });
    while (!final) {
      const planned = planRound(roundCandidates(look), budgets, rounds);
      if (!planned.round) break;
      const from = repeatLimits([{ name: 's', repeats }], rounds).s?.at(-1) as number;
      const perCase = planned.round.perCase.s ?? 0;
      for (const item of planned.round.items) {
        const pi = p[Number(item.caseId.slice(1))] as number;
        for (let r = 0; r < perCase; r++) records.push(record(item.caseId, from + r, rng() < Math.max(0, pi - drop)));
      }
      rounds.push(planned.round);
      extraCalls += roundCalls(planned.round);
      final = planned.final;
      look = sequentialComparison([input], {
        rounds: rounds.length,
        final,
        repeatLimits: repeatLimits([{ name: 's', repeats }], rounds),
      });
    }
    const report = look.report;
    looks += rounds.length + 1;
    const verdict = report.suites[0]?.metrics.find((m) => m.metric === 'check')?.verdict;
    if (verdict === 'regressed') adRegressed++;
    if (verdict === 'inconclusive') adInconclusive++;
  }
  return {
    purpose,
    sims: SIMS,
    minEffect,
    n,
    repeats,
    drop,
    maxRounds,
    maxExtraCalls,
    fixed: {
      regressed: fixedRegressed / SIMS,
      regressedCi: wilson(fixedRegressed, SIMS).ci,
      inconclusive: fixedInconclusive / SIMS,
    },
    adaptive: {
      regressed: adRegressed / SIMS,
      regressedCi: wilson(adRegressed, SIMS).ci,
      inconclusive: adInconclusive / SIMS,
      meanExtraCalls: extraCalls / SIMS,
      meanLooks: looks / SIMS,
    },
  };
}

export function runAdaptiveBench(): void {
  const started = performance.now();
  const flaky = [flakyRecall(200, 2, 11), flakyRecall(200, 3, 12), flakyRecall(200, 5, 13)];
  for (const f of flaky)
    process.stderr.write(
      `flaky k=${f.repeats}: recall ${pct(f.recall)} (expected ${pct(f.expectedRecall)}), ${f.falseFlags} false flags\n`,
    );
  // Size: min_effect 0, so "regressed" is exactly "the sequential test rejected" and the loop runs
  // to its last look whenever it can (the hardest case for the level). Then the inconclusive share
  // and power at the gate's default min_effect, across suite sizes (the cut depends on how much of
  // the uncertainty is the baseline's, which no re-run of the current side can remove).
  const plans: CellPlan[] = [
    ...[1, 2, 3, 4].map((maxRounds) => ({
      purpose: 'size' as const,
      sims: SIMS,
      n: 300,
      repeats: 3,
      drop: 0,
      minEffect: 0,
      maxRounds,
      maxExtraCalls: 1800,
    })),
    ...[300, 600, 1000].flatMap((n) =>
      [2, 4].map((maxRounds) => ({
        purpose: 'inconclusive' as const,
        sims: Math.ceil(SIMS / 2),
        n,
        repeats: 3,
        drop: 0,
        minEffect: 0.03,
        maxRounds,
        maxExtraCalls: 6 * n,
      })),
    ),
    ...[2, 4].map((maxRounds) => ({
      purpose: 'power' as const,
      sims: Math.ceil(SIMS / 2),
      n: 600,
      repeats: 3,
      drop: 0.05,
      minEffect: 0.03,
      maxRounds,
      maxExtraCalls: 3600,
    })),
  ];
  const only = process.env.ADAPTIVE_ONLY;
  const cells: AdaptiveCell[] = [];
  let seed = 100;
  for (const plan of plans) {
    seed++;
    if (only && plan.purpose !== only) continue;
    const cell = simulateAdaptive(plan, seed);
    cells.push(cell);
    process.stderr.write(
      `${plan.purpose} n=${plan.n} drop=${plan.drop} min_effect=${plan.minEffect} rounds≤${plan.maxRounds}: fixed regressed ${pct(cell.fixed.regressed)} inconclusive ${pct(cell.fixed.inconclusive)} · adaptive regressed ${pct(cell.adaptive.regressed)} inconclusive ${pct(cell.adaptive.inconclusive)}, ${cell.adaptive.meanExtraCalls.toFixed(0)} extra calls\n`,
    );
  }
  const seconds = (performance.now() - started) / 1000;
  writeFileSync(
    path.join(root, `bench/adaptive-${SPENDING}.json`),
    `${JSON.stringify({ schemaVersion: 1, measuredAt: new Date().toISOString(), spending: SPENDING, simulationsPerCell: SIMS, seconds: Number(seconds.toFixed(1)), design: 'see bench/adaptive.ts header', flaky, adaptive: cells }, null, 2)}\n`,
  );
  const ci = (c: readonly [number, number] | null) => (c ? ` [${pct(c[0])}, ${pct(c[1])}]` : '');
  console.log(
    `## Flaky cases found (${SIMS / 10} suites of 200 cases per row)\n\n| repeats | recall | expected recall | false flags |\n|---|---|---|---|`,
  );
  for (const f of flaky)
    console.log(`| ${f.repeats} | ${pct(f.recall)} | ${pct(f.expectedRecall)} | ${f.falseFlags} |`);
  console.log(`\n## Adaptive re-runs vs the fixed design (α 0.05, ${SPENDING} spending)\n`);
  console.log(
    '| purpose | gates | n | repeats | drop | min_effect | max rounds | max extra calls | fixed: regressed | fixed: inconclusive | adaptive: regressed | adaptive: inconclusive | mean extra calls | mean looks |',
  );
  console.log('|---|---|---|---|---|---|---|---|---|---|---|---|---|---|');
  for (const c of cells) {
    console.log(
      `| ${c.purpose} | ${c.sims} | ${c.n} | ${c.repeats} | ${c.drop} | ${c.minEffect} | ${c.maxRounds} | ${c.maxExtraCalls} | ${pct(c.fixed.regressed)}${ci(c.fixed.regressedCi)} | ${pct(c.fixed.inconclusive)} | ${pct(c.adaptive.regressed)}${ci(c.adaptive.regressedCi)} | ${pct(c.adaptive.inconclusive)} | ${c.adaptive.meanExtraCalls.toFixed(0)} | ${c.adaptive.meanLooks.toFixed(2)} |`,
    );
  }
  console.log(`\nwrote bench/adaptive-${SPENDING}.json in ${seconds.toFixed(0)} s`);
}
