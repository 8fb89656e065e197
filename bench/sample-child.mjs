// Samples one log file in a process of its own and prints throughput and peak RSS as JSON.
// Plain JavaScript on the compiled lib/ (built by `npm run bench`): the code users run, without
// a TypeScript loader in the measurement.
import { statSync } from 'node:fs';
import { sampleLogs } from '../lib/drift/sample-logs.js';
import { PRESETS } from '../lib/sources/log-fields.js';

const file = process.argv[2];
const started = performance.now();
const s = await sampleLogs([file], {
  mapping: PRESETS.generic,
  size: 300,
  stratify: 'feature',
  minPerStratum: 10,
  since: new Date('2026-11-15T00:00:00Z'),
  seed: '2026-W47',
});
const seconds = (performance.now() - started) / 1000;
const bytes = statSync(file).size;
console.log(
  JSON.stringify({
    bytes,
    lines: s.lines,
    sampled: s.items.length,
    outsideWindow: s.outsideWindow,
    seconds: Number(seconds.toFixed(2)),
    mbPerSecond: Number((bytes / 1e6 / seconds).toFixed(1)),
    peakRssMB: Number((process.resourceUsage().maxRSS / 1024).toFixed(1)),
  }),
);
