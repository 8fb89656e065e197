// Samples a log platform (through its official client) or a JSONL export in a process of its own
// and prints lines, the sample's identity, seconds and peak RSS as JSON. Plain JavaScript on the
// compiled lib/ (built by `npm run bench`). argv: mode (langfuse | langsmith | openai-stored |
// jsonl | sql), url-or-file-or-folder, key-or-query, [export file]: with one, the source's records
// are written there as JSONL instead of sampled.
import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { sampleLogs } from '../lib/drift/sample-logs.js';
import { fieldMapping } from '../lib/sources/log-fields.js';
import { openSource } from '../lib/sources/log-sources.js';
import { ProductionTally } from '../lib/production/production-tally.js';
import { usageReader } from '../lib/production/usage-line.js';
import { PriceTable } from '../lib/providers/pricing.js';

const [mode, where, key = '', exportTo] = process.argv.slice(2);

function origin(name) {
  if (name === 'sql') return openSource({ source: 'sql', query: key }, { env: {}, rootDir: where });
  const env =
    name === 'langfuse'
      ? { LANGFUSE_PUBLIC_KEY: key.split(':')[0], LANGFUSE_SECRET_KEY: key.split(':')[1] }
      : name === 'langsmith'
        ? { LANGSMITH_API_KEY: key }
        : { OPENAI_API_KEY: key };
  const config =
    name === 'langfuse'
      ? { source: 'langfuse', base_url: where, type: 'GENERATION', page_size: 100 }
      : name === 'langsmith'
        ? { source: 'langsmith', base_url: where, project: 'support-bot', page_size: 100 }
        : { source: 'openai-stored', base_url: `${where}/v1`, page_size: 100 };
  return openSource(config, { env, since: new Date('2026-11-01T00:00:00Z') });
}

const started = performance.now();
if (exportTo) {
  // The "equivalent JSONL export": the records the source yields, one per line.
  const out = createWriteStream(exportTo);
  let lines = 0;
  for await (const batch of origin(mode).batches())
    for (const r of batch)
      if (r.record) {
        lines++;
        if (!out.write(`${JSON.stringify(r.record)}\n`)) await new Promise((ok) => out.once('drain', ok));
      }
  await new Promise((ok) => out.end(ok));
  console.log(JSON.stringify({ lines }));
} else {
  // `production`: the JSONL file with the production section counted in the same pass, as drift does.
  const tally = new ProductionTally(new PriceTable(), { groupBy: 'attributes.tier' });
  const mapping = fieldMapping('normalized');
  const readUsage = usageReader(mapping, 'attributes.tier');
  const observe = mode === 'production' ? (record) => tally.add(readUsage(record)) : undefined;
  const s = await sampleLogs([mode === 'jsonl' || mode === 'production' ? where : origin(mode)], {
    ...(observe ? { observe } : {}),
    mapping: fieldMapping('normalized'),
    size: 300,
    stratify: 'feature',
    minPerStratum: 10,
    seed: '2026-W48',
    ...(process.env.BENCH_SINCE ? { since: new Date(process.env.BENCH_SINCE) } : {}),
  });
  const seconds = (performance.now() - started) / 1000;
  const identity = createHash('sha256')
    .update(s.items.map((i) => i.inputKey).join('\n'))
    .digest('hex')
    .slice(0, 16);
  console.log(
    JSON.stringify({
      lines: s.lines,
      bad: s.badLines,
      sampled: s.items.length,
      sample: identity,
      ...(observe ? { productionLines: tally.result().lines } : {}),
      seconds: Number(seconds.toFixed(2)),
      peakRssMB: Number((process.resourceUsage().maxRSS / 1024).toFixed(1)),
    }),
  );
}
