/**
 * Drift figures for `npm run bench -- drift` (written into bench/results.json under `drift`):
 * - log sampling throughput and peak RSS on generated 250 MB and 1 GB JSONL logs (stratified,
 *   with a time window), each sampled in a child process so the RSS is the sampler's alone;
 * - the embedding permutation test: 1,000 permutations of MMD² on 2 × 500 vectors of dimension 1,536;
 * - the detector: false alarms on simulated A/A runs at α = 0.05 and power when 20% of current
 *   outputs switch to a different style, at n = 100 and 300 (deciding signals: semantic agreement
 *   with the pinned floor, paired output length; local embedder).
 */
import { spawnSync } from 'node:child_process';
import { createWriteStream, rmSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { mmdPermutationTest } from '../src/stats/kernel-two-sample.js';
import { mulberry32, type Random } from '../src/stats/rng.js';
import { wilson } from '../src/stats/wilson.js';
import { localEmbedding } from '../src/scorers/similarity/local-embedder.js';
import { cosine } from '../src/scorers/similarity/vector.js';
import { decideDrift, pairedDifference, semanticAgreement } from '../src/signals/signals.js';

const root = fileURLToPath(new URL('..', import.meta.url));

async function generateLog(file: string, bytes: number): Promise<void> {
  const rng = mulberry32(1);
  const out = createWriteStream(file);
  const features = ['billing', 'search', 'chat', 'export', 'sharing', 'security'];
  const words =
    'please help me understand how to reset my password change plan export invoices share folders restore files'.split(
      ' ',
    );
  let written = 0;
  let i = 0;
  while (written < bytes) {
    const chunk: string[] = [];
    for (let k = 0; k < 2000; k++, i++) {
      const q = Array.from({ length: 25 + Math.floor(rng() * 40) }, () => words[Math.floor(rng() * words.length)]).join(
        ' ',
      );
      const day = 1 + (i % 21);
      chunk.push(
        JSON.stringify({
          timestamp: `2026-11-${String(day).padStart(2, '0')}T12:00:00Z`,
          feature: features[i % features.length],
          input: `${q} (${i % 50_000})`,
          output: `answer ${i}`,
          model: 'gpt-4o',
        }),
      );
    }
    const text = `${chunk.join('\n')}\n`;
    written += Buffer.byteLength(text);
    if (!out.write(text)) await new Promise<void>((resolve) => out.once('drain', () => resolve()));
  }
  await new Promise<void>((resolve) => out.end(() => resolve()));
}

function sampleInChild(file: string): Record<string, number> {
  const r = spawnSync(process.execPath, [path.join(root, 'bench/sample-child.mjs'), file], {
    encoding: 'utf8',
    maxBuffer: 1 << 20,
  });
  if (r.status !== 0) throw new Error(r.stderr);
  return JSON.parse(r.stdout.trim().split('\n').at(-1) as string) as Record<string, number>;
}

export async function samplingThroughput() {
  const dir = await mkdtemp(path.join(tmpdir(), 'driftgate-bench-logs-'));
  const results: Record<string, unknown> = {};
  try {
    for (const [label, bytes] of [
      ['250MB', 250e6],
      ['1GB', 1e9],
    ] as const) {
      const file = path.join(dir, `${label}.jsonl`);
      await generateLog(file, bytes);
      results[label] = sampleInChild(file);
      rmSync(file);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return { ...results, targets: { mbPerSecond: '>= 50', peakRssMB: '<= 250, independent of file size' } };
}

export function mmdTiming() {
  const rng = mulberry32(5);
  const normal = () => Math.sqrt(-2 * Math.log(1 - rng())) * Math.cos(2 * Math.PI * rng());
  const make = () => Array.from({ length: 500 }, () => Float32Array.from({ length: 1536 }, normal));
  const x = make();
  const y = make();
  const started = performance.now();
  const r = mmdPermutationTest(x, y, rng, 1000);
  return {
    vectors: '2 × 500',
    dimensions: 1536,
    permutations: r.permutations,
    seconds: Number(((performance.now() - started) / 1000).toFixed(2)),
    p: r.p,
  };
}

/** Synthetic support answers: a template with random detail; `alt` is a different house style. */
function answer(rng: Random, topic: number, alt: boolean): string {
  const steps = [
    'open Settings',
    'choose the Billing tab',
    'select the plan',
    'confirm by email',
    'wait a minute',
    'refresh the page',
    'check the invoice list',
    'contact support if needed',
  ];
  const pick = () => steps[Math.floor(rng() * steps.length)];
  const body = `To handle topic ${topic}, ${pick()}, then ${pick()}, and finally ${pick()}.`;
  return alt
    ? `Great question! As your friendly assistant I am delighted to help with this. ${body} Let me know if there is anything else at all I can do for you today!`
    : body;
}

export function driftDetector(sims = 200) {
  const out: Record<string, unknown>[] = [];
  for (const n of [100, 300]) {
    for (const shift of [0, 0.2]) {
      const rng = mulberry32(1000 * n + shift * 10);
      let flagged = 0;
      for (let s = 0; s < sims; s++) {
        const g: number[] = [];
        const lengthRatio: number[] = [];
        for (let i = 0; i < n; i++) {
          const p1 = answer(rng, i, false);
          const p2 = answer(rng, i, false);
          const c = answer(rng, i, rng() < shift);
          const e1 = localEmbedding(p1);
          g.push(cosine(e1, localEmbedding(p2)) - cosine(e1, localEmbedding(c)));
          lengthRatio.push(Math.log((c.length + 1) / (p1.length + 1)));
        }
        const decision = decideDrift(
          [semanticAgreement(g, rng), pairedDifference('output length (paired)', lengthRatio, rng, 'log ratio', 0.05)],
          0.05,
        );
        if (decision.drifted) flagged++;
      }
      const w = wilson(flagged, sims);
      out.push({
        n,
        injected: shift === 0 ? 'none (A/A)' : '20% of current outputs in another style',
        simulations: sims,
        flaggedRate: flagged / sims,
        ci95: w.ci,
      });
    }
  }
  return { alpha: 0.05, results: out };
}
