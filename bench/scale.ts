/**
 * `npm run bench -- scale`: a suite of 10,000 and of 100,000 cases through the local server (2 ms
 * latency, concurrency 200), three rule scorers, the compiled `driftgate` in a child process:
 * uncached eval (wall, peak RSS), `baseline update`, a cached eval with its gate, then `compare`
 * alone (wall, peak RSS). Ratios within one run are what count; nothing is asserted. The uncached
 * eval, the cached eval with its gate and `compare` each run three times per size and the median is
 * the figure: V8's heap sizing moves one run's peak by ±10%.
 */
import { spawn } from 'node:child_process';
import { benchProject } from './project.js';
import { statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const MAIN = path.join(root, 'lib/cli/main.js');
const PROBE = path.join(root, 'bench/rss-probe.mjs');

interface Timed {
  readonly seconds: number;
  readonly peakRssMB: number;
  readonly code: number | null;
}

function driftgate(args: string[], cwd: string): Promise<Timed> {
  const started = performance.now();
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', PROBE, MAIN, ...args], {
      cwd,
      env: { ...process.env, OPENAI_API_KEY: 'sk-bench-not-a-real-key', CI: '1' },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let err = '';
    child.stderr.on('data', (d: Buffer) => (err = (err + d.toString()).slice(-4000)));
    child.on('close', (code) => {
      const kb = Number(/PEAK_RSS_KB (\d+)/.exec(err)?.[1] ?? Number.NaN);
      if (code !== 0 && code !== 1) process.stderr.write(err);
      resolve({
        seconds: Math.round((performance.now() - started) / 10) / 100,
        peakRssMB: Math.round(kb / 102.4) / 10,
        code,
      });
    });
  });
}

/** Three runs; the one with the median peak RSS, with every run's peak and wall time beside it. */
async function medianOfThree(
  run: () => Promise<Timed>,
): Promise<Timed & { peakRssMBRuns: number[]; secondsRuns: number[] }> {
  const runs: Timed[] = [];
  for (let i = 0; i < 3; i++) runs.push(await run());
  const median = [...runs].sort((a, b) => a.peakRssMB - b.peakRssMB)[1] as Timed;
  return { ...median, peakRssMBRuns: runs.map((r) => r.peakRssMB), secondsRuns: runs.map((r) => r.seconds) };
}

const project = (n: number, baseURL: string): Promise<string> =>
  benchProject({
    cases: n,
    baseURL,
    concurrency: 200,
    question: 'Scale question',
    suite: `  - name: scale
    dataset: d.jsonl
    prompt: p.md
    scorers:
      - { type: icontains, value: password }
      - { type: length, unit: words, max: 40 }
      - { type: regex, pattern: "question \\\\d+" }
`,
  });

export async function scaleBench(
  startServer: (o: object) => Promise<{ url: string; stop: () => void }>,
): Promise<Record<string, unknown>> {
  const server = await startServer({ latencyMs: 2 });
  const out: Record<string, unknown> = {};
  try {
    for (const n of [10_000, 100_000]) {
      const dir = await project(n, server.url);
      const uncached = await medianOfThree(() => driftgate(['eval', '--no-cache', '--concurrency', '200'], dir));
      const filled = await driftgate(['eval', '--concurrency', '200'], dir); // fills the cache
      await driftgate(['baseline', 'update'], dir);
      const cached = await medianOfThree(() => driftgate(['eval', '--offline'], dir));
      const compare = await medianOfThree(() => driftgate(['compare'], dir));
      const baselineMB = Math.round(statSync(path.join(dir, 'baselines/scale.json')).size / 1e5) / 10;
      out[String(n)] = {
        uncachedEval: uncached,
        fillingEval: filled,
        cachedEvalWithGate: cached,
        compare,
        baselineFileMB: baselineMB,
      };
      console.log(n, JSON.stringify(out[String(n)]));
    }
  } finally {
    server.stop();
  }
  const small = out['10000'] as { uncachedEval: Timed; cachedEvalWithGate: Timed; compare: Timed };
  const large = out['100000'] as { uncachedEval: Timed; cachedEvalWithGate: Timed; compare: Timed };
  return {
    ...out,
    ratios: {
      evalPeakRss100kOver10k: Math.round((large.uncachedEval.peakRssMB / small.uncachedEval.peakRssMB) * 100) / 100,
      compareTime100kOver10k: Math.round((large.compare.seconds / small.compare.seconds) * 100) / 100,
      compare100kOverUncachedEval100k: Math.round((large.compare.seconds / large.uncachedEval.seconds) * 100) / 100,
      cachedEvalWithGatePeakRss100kOver10k:
        Math.round((large.cachedEvalWithGate.peakRssMB / small.cachedEvalWithGate.peakRssMB) * 100) / 100,
    },
    targets: {
      evalPeakRss100kOver10k: '<= 1.5',
      compareTime100kOver10k: '<= 12',
      compare100kOverUncachedEval100k: '<= 0.25',
      cachedEvalWithGatePeakRss100kOver10k: '<= 1.5 (issue 23, item 7)',
    },
  };
}
