import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import {
  categorical,
  decideDrift,
  embeddingDistribution,
  lengthDistribution,
  modelIdentity,
  pairedDifference,
  pairwisePreference,
  ruleChecks,
} from '../src/signals/signals.js';
import { localEmbedding } from '../src/scorers/similarity/local-embedder.js';
import { mulberry32 } from '../src/stats/rng.js';

describe('signals on known values', () => {
  it('pairwise preference: 15 wins, 5 losses → two-sided binomial p = 2·Σ_{k≤5} C(20,k)/2²⁰ = 43400/1048576', () => {
    const s = pairwisePreference(15, 5, 7);
    expect(s.p).toBeCloseTo(43_400 / 1_048_576, 12);
    expect(s.effect).toBeCloseTo(0.25, 12);
    expect(s.details).toMatchObject({ ties: 7 });
  });
  it('rule checks: two-sided McNemar mid-p is twice the smaller one-sided mid-p', () => {
    // b = 10, c = 2 of Bin(12, ½): one-sided mid-p = (13 + 33)/4096
    expect(ruleChecks('format', 10, 2).p).toBeCloseTo((2 * 46) / 4096, 12);
  });
  it('Holm within the deciding family, and the effect floor', () => {
    const decision = decideDrift([
      { name: 'a', role: 'decides', test: '', n: 1, effect: 0.2, effectLabel: '', effectFloor: 0.05, p: 0.004 },
      { name: 'b', role: 'decides', test: '', n: 1, effect: 0.01, effectLabel: '', effectFloor: 0.05, p: 0.001 },
      { name: 'c', role: 'explains', test: '', n: 1, effect: 1, effectLabel: '', effectFloor: 0, p: 0.0001 },
    ]);
    const [a, b, c] = decision.signals;
    // Holm on (0.004, 0.001): the smaller × 2 = 0.002, the larger × 1 = 0.004
    expect(a?.pAdjusted).toBeCloseTo(0.004, 12);
    expect(b?.pAdjusted).toBeCloseTo(0.002, 12);
    expect(a?.drifted).toBe(true);
    expect(b?.drifted).toBe(false); // significant but below its effect floor
    expect(c?.pAdjusted).toBe(0.0001);
    expect(decision.drifted).toBe(true);
  });
  it('a model id change since last week is reported even when nothing else moved', () => {
    const s = modelIdentity(['gpt-4o-2024-08-06'], ['gpt-4o-2024-11-20'], ['gpt-4o-2024-08-06']);
    expect(s).toMatchObject({ drifted: true, p: null, details: { changedSincePrevious: true } });
    expect(modelIdentity(['m'], ['m'], ['m']).drifted).toBe(false);
  });
  it('categorical: refusal counts use Fisher when expected counts are small', () => {
    const s = categorical('refusals', { refused: 1, answered: 99 }, { refused: 9, answered: 91 });
    expect(s.test).toBe('χ² (df 1)');
    expect(categorical('refusals', { refused: 0, answered: 10 }, { refused: 4, answered: 6 }).test).toBe(
      'Fisher exact, two-sided',
    );
  });
});

describe('on real model outputs (AlpacaEval, datasets/real)', () => {
  const rows = readFileSync(
    new URL('../datasets/real/model-versions/gpt-3.5-turbo-0301__gpt-3.5-turbo-0613.jsonl', import.meta.url),
    'utf8',
  )
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as { output_a: string; output_b: string });
  const words = (t: string) => t.split(/\s+/).filter(Boolean).length;

  it('a same-model A/A split (two random halves of gpt-3.5-turbo-0301) is not flagged at α = 0.05', () => {
    const rng = mulberry32(2026);
    const shuffled = rows
      .map((r) => r.output_a)
      .map((t) => [rng(), t] as const)
      .sort((x, y) => x[0] - y[0])
      .map(([, t]) => t);
    const half = shuffled.length >> 1;
    const [x, y] = [shuffled.slice(0, half), shuffled.slice(half, 2 * half)];
    const length = lengthDistribution('output length', x.map(words), y.map(words));
    const sample = (ts: string[]) => ts.slice(0, 200).map((t) => localEmbedding(t));
    const embeddings = embeddingDistribution(sample(x), sample(y), mulberry32(1), 999);
    const decision = decideDrift([length, embeddings], 0.05);
    console.log(`A/A: length KS p = ${length.p?.toFixed(3)}, embeddings MMD p = ${embeddings.p?.toFixed(3)}`);
    for (const s of decision.signals) expect(s.pAdjusted!).toBeGreaterThanOrEqual(0.05);
    expect(decision.drifted).toBe(false);
  });

  it('the real upgrade gpt-3.5-turbo-0301 → 0613 is flagged', () => {
    const rng = mulberry32(7);
    const lengthDiff = pairedDifference(
      'output length (paired)',
      rows.map((r) => Math.log((words(r.output_b) + 1) / (words(r.output_a) + 1))),
      rng,
      'mean log ratio of words, current / pinned',
      0.05,
    );
    const length = lengthDistribution(
      'output length',
      rows.map((r) => words(r.output_a)),
      rows.map((r) => words(r.output_b)),
    );
    const decision = decideDrift([lengthDiff, length], 0.01);
    console.log(
      `0301 → 0613: paired log length ratio ${lengthDiff.effect.toFixed(3)} (p ${lengthDiff.p}), KS D ${(length.details as { ksD: number }).ksD.toFixed(3)}`,
    );
    expect(decision.drifted).toBe(true);
    expect(decision.signals.every((s) => s.drifted)).toBe(true);
  });
});
