/**
 * `npm run fuzz`: the readers' property run long (FUZZ_RUNS inputs per reader, default 20,000),
 * counts written to bench/fuzz.json. Every input that misbehaves is recorded (its first 200
 * characters and what happened); each one found becomes a regression test in test/fuzz.test.ts.
 */
import fc from 'fast-check';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { TARGETS, check, inputs } from './targets.js';

const RUNS = Number(process.env.FUZZ_RUNS ?? 20_000);
const root = fileURLToPath(new URL('../..', import.meta.url));
const results: Record<string, unknown> = {};
let total = 0;
let failures = 0;
for (const target of TARGETS) {
  const started = performance.now();
  const found: { input: string; problem: string }[] = [];
  await fc.assert(
    fc.asyncProperty(inputs(target.valid), async (bytes) => {
      const problem = await check(target, bytes);
      if (problem && found.length < 5)
        found.push({ input: Buffer.from(bytes).toString('utf8').slice(0, 200), problem: problem.slice(0, 300) });
      return true;
    }),
    { numRuns: RUNS, seed: Date.now() % 2 ** 31 },
  );
  total += RUNS;
  failures += found.length;
  results[target.name] = {
    inputs: RUNS,
    failures: found.length,
    examples: found,
    seconds: Number(((performance.now() - started) / 1000).toFixed(1)),
  };
  console.log(target.name, JSON.stringify(results[target.name]));
}
writeFileSync(
  path.join(root, 'bench/fuzz.json'),
  `${JSON.stringify({ schemaVersion: 1, measuredAt: new Date().toISOString(), inputsPerReader: RUNS, totalInputs: total, failures, readers: results }, null, 2)}\n`,
);
console.log(`wrote bench/fuzz.json: ${total} inputs, ${failures} failures`);
process.exitCode = failures > 0 ? 1 : 0;
