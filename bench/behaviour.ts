/**
 * The "behaviour changed" signal measured by simulation on real answers (`npm run bench -- behaviour`,
 * figures to bench/behaviour.json; nothing is asserted). Run as a script with a part name so the
 * parts can run in parallel processes: `tsx bench/behaviour.ts calibration:1000`.
 *
 * Real answers: the three AlpacaEval version pairs of datasets/real/model-versions (805
 * instructions, 6 real answers each: claude-2, claude-2.1, gpt-3.5-0301, gpt-3.5-0613,
 * gpt-4-0613, llama-2-13b-chat). A simulated week samples n instructions with replacement.
 *
 * - calibration (A/A): two nulls per n ∈ {50, 300, 1,000}, SIMS weeks each —
 *   `swap`: one version pair (rotating over the three), each input's two real answers randomly
 *   swapped between pinned and current (exchangeable by construction);
 *   `pool`: like a sampling temperature, each side draws its answer independently from the
 *   input's pool of six real answers.
 *   Share of weeks with the changed signal's p ≤ 0.05 and ≤ 0.01 (Wilson 95% intervals), and of
 *   whole drift verdicts at the weekly α = 0.01: Holm over the deciding signals of a judge-free
 *   config (the changed signal, paired output length, McNemar on a refusal rule and a 400-word
 *   length rule), as `computeSignals` builds them.
 *   The test is exact at any number of flips, so calibration uses 2,000 per week (resolution
 *   1/2,001); the speed figure uses the default 10,000.
 * - power: the swap null with a planted change in a share f of current answers ("Certainly! "
 *   prefixed; lists turned into prose), and real version pairs subsampled, at α = 0.01.
 * - speed: the signal on n = 1,000 real pairs with 10,000 flips, from the compiled lib/ in a plain
 *   node child (features, randomized SVD, flips, what changed): the first (cold) run and the median
 *   of three, with the child's peak RSS.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { behaviourChanged } from '../src/signals/behaviour-change.js';
import type { AnswerPair } from '../src/signals/pair-features.js';
import { decideDrift, pairedDifference, ruleChecks, type Signal } from '../src/signals/signals.js';
import { detectRefusal } from '../src/scorers/refusal.js';
import { mulberry32, seedFrom, type Random } from '../src/stats/rng.js';
import { wilson } from '../src/stats/wilson.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const OUT = path.join(root, 'bench/behaviour.json');
const SIMS = Number(process.env.BEHAVIOUR_SIMS ?? 1000);
const POWER_SIMS = Number(process.env.BEHAVIOUR_POWER_SIMS ?? 200);
const CALIBRATION_FLIPS = 2000;
const FILES = ['claude-2__claude-2.1', 'gpt-3.5-turbo-0301__gpt-3.5-turbo-0613', 'gpt4_0613__llama-2-13b-chat-hf'];

interface Row {
  id: string;
  instruction: string;
  output_a: string;
  output_b: string;
}
const files = FILES.map((f) =>
  readFileSync(path.join(root, `datasets/real/model-versions/${f}.jsonl`), 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as Row),
);
const instructions = files[0]?.length ?? 0;
const pool = (i: number): string[] => files.flatMap((rows) => [(rows[i] as Row).output_a, (rows[i] as Row).output_b]);

type Null = 'swap' | 'pool';

function nullWeek(kind: Null, n: number, random: Random, week: number): AnswerPair[] {
  const rows = files[week % files.length] as Row[];
  return Array.from({ length: n }, (_, k) => {
    const i = Math.floor(random() * instructions);
    const r = rows[i] as Row;
    const caseId = `${r.id}#${k}`;
    if (kind === 'pool') {
      const answers = pool(i);
      return {
        caseId,
        input: r.instruction,
        pinned: answers[Math.floor(random() * answers.length)] as string,
        current: answers[Math.floor(random() * answers.length)] as string,
      };
    }
    return random() < 0.5
      ? { caseId, input: r.instruction, pinned: r.output_a, current: r.output_b }
      : { caseId, input: r.instruction, pinned: r.output_b, current: r.output_a };
  });
}

const words = (t: string) => (t.match(/\S+/g) ?? []).length;

/** The deciding signals of a judge-free drift config, built as compute-signals.ts builds them. */
function decidingSignals(pairs: readonly AnswerPair[], seed: string, flips: number): Signal[] {
  const rng = mulberry32(seedFrom(`drift/${seed}`));
  const tokens = (t: string) => Math.ceil(t.length / 4);
  const rule = (pass: (t: string) => boolean, name: string) =>
    ruleChecks(
      name,
      pairs.filter((p) => pass(p.pinned) && !pass(p.current)).length,
      pairs.filter((p) => !pass(p.pinned) && pass(p.current)).length,
    );
  return [
    behaviourChanged(pairs, seed, { permutations: flips }).signal,
    pairedDifference(
      'output length (paired)',
      pairs.map((p) => Math.log((tokens(p.current) + 1) / (tokens(p.pinned) + 1))),
      rng,
      'mean log ratio',
      0.05,
    ),
    rule((t) => detectRefusal(t, null) === null, 'refusal (rule check)'),
    rule((t) => words(t) <= 400, 'length (rule check)'),
  ];
}

const rate = (k: number, n: number) => {
  const w = wilson(k, n);
  return { rate: Number(w.rate.toFixed(4)), ci: w.ci ? w.ci.map((x) => Number(x.toFixed(4))) : null, of: n };
};

function calibration(n: number) {
  const out: Record<string, unknown> = {};
  for (const kind of ['swap', 'pool'] as const) {
    const random = mulberry32(seedFrom(`calibration/${kind}/${n}`));
    let at05 = 0;
    let at01 = 0;
    let verdict01 = 0;
    const started = performance.now();
    for (let week = 0; week < SIMS; week++) {
      const pairs = nullWeek(kind, n, random, week);
      const signals = decidingSignals(pairs, `${kind}-${n}-${week}`, CALIBRATION_FLIPS);
      const p = signals[0]?.p ?? 1;
      if (p <= 0.05) at05++;
      if (p <= 0.01) at01++;
      if (decideDrift(signals, 0.01).drifted) verdict01++;
    }
    out[kind] = {
      weeks: SIMS,
      flips: CALIBRATION_FLIPS,
      changedSignalAt05: rate(at05, SIMS),
      changedSignalAt01: rate(at01, SIMS),
      wholeVerdictAt01: rate(verdict01, SIMS),
      seconds: Number(((performance.now() - started) / 1000).toFixed(1)),
    };
    console.log(`calibration n=${n} ${kind}`, JSON.stringify(out[kind]));
  }
  return out;
}

const toProse = (text: string): string =>
  text.replace(/\n\s*(?:[-*•+]|\d{1,3}[.)])\s+/g, ' ').replace(/^\s*(?:[-*•+]|\d{1,3}[.)])\s+/, '');
const PLANTS: Record<string, (t: string) => string> = {
  'prefix "Certainly! "': (t) => `Certainly! ${t}`,
  'lists → prose': toProse,
};

function power() {
  const planted: Record<string, unknown>[] = [];
  for (const n of [50, 300]) {
    for (const [plant, change] of Object.entries(PLANTS)) {
      for (const share of [0.1, 0.3]) {
        const random = mulberry32(seedFrom(`power/${plant}/${n}/${share}`));
        let flagged = 0;
        for (let week = 0; week < POWER_SIMS; week++) {
          const pairs = nullWeek('swap', n, random, week).map((p) =>
            random() < share ? { ...p, current: change(p.current) } : p,
          );
          if ((behaviourChanged(pairs, `power-${week}`, { permutations: CALIBRATION_FLIPS }).signal.p ?? 1) <= 0.01)
            flagged++;
        }
        planted.push({ n, plant, share, weeks: POWER_SIMS, powerAt01: rate(flagged, POWER_SIMS) });
        console.log('power', JSON.stringify(planted.at(-1)));
      }
    }
  }
  const real: Record<string, unknown>[] = [];
  for (const [f, rows] of files.entries()) {
    for (const n of [50, 100]) {
      const random = mulberry32(seedFrom(`real/${f}/${n}`));
      let flagged = 0;
      for (let week = 0; week < POWER_SIMS; week++) {
        const pairs = Array.from({ length: n }, (_, k) => {
          const r = rows[Math.floor(random() * rows.length)] as Row;
          return { caseId: `${r.id}#${k}`, input: r.instruction, pinned: r.output_a, current: r.output_b };
        });
        if ((behaviourChanged(pairs, `real-${week}`, { permutations: CALIBRATION_FLIPS }).signal.p ?? 1) <= 0.01)
          flagged++;
      }
      real.push({ pair: FILES[f], n, weeks: POWER_SIMS, powerAt01: rate(flagged, POWER_SIMS) });
      console.log('real pairs', JSON.stringify(real.at(-1)));
    }
  }
  return { planted, realPairs: real };
}

async function speed() {
  // A plain node child on the compiled lib/: what the drift job runs, with no TypeScript loader in the figures.
  const child = spawnSync(process.execPath, [path.join(root, 'bench/behaviour-speed-child.mjs')], { encoding: 'utf8' });
  if (child.status !== 0) throw new Error(`speed child failed (run npm run build first): ${child.stderr}`);
  const m = JSON.parse(child.stdout.trim()) as { seconds: number[]; rssBeforeMb: number; peakRssMb: number };
  const round = (x: number) => Number(x.toFixed(3));
  return {
    n: 1000,
    flips: 10_000,
    secondsFirst: round(m.seconds[0] as number),
    secondsMedianOf3: round([...m.seconds].sort((a, b) => a - b)[1] as number),
    target: '< 2 s',
    rssBeforeMb: m.rssBeforeMb,
    peakRssMb: m.peakRssMb,
  };
}

function merge(part: Record<string, unknown>): void {
  const previous = existsSync(OUT) ? (JSON.parse(readFileSync(OUT, 'utf8')) as Record<string, unknown>) : {};
  const calibration = {
    ...((previous.calibration as Record<string, unknown>) ?? {}),
    ...((part.calibration as Record<string, unknown>) ?? {}),
  };
  writeFileSync(
    OUT,
    `${JSON.stringify({ ...previous, ...part, calibration, schemaVersion: 1, measuredAt: new Date().toISOString() }, null, 2)}\n`,
  );
}

const part = process.argv[2] ?? '';
if (part.startsWith('calibration:'))
  merge({ calibration: { [`n${part.split(':')[1]}`]: calibration(Number(part.split(':')[1])) } });
else if (part === 'power') merge({ power: power() });
else if (part === 'speed') merge({ speed: await speed() });
else {
  console.error('usage: tsx bench/behaviour.ts calibration:<n> | power | speed');
  process.exit(2);
}
