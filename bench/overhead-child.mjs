// The runner-overhead measurement, in a plain Node process on the compiled lib/ (what the
// `driftgate` command runs), so no TypeScript loader sits in the figures. Prints one JSON line.
// argv: server URL, a project dir for the cold run (later re-run from its cache), a second one for the warm run.
import path from 'node:path';
import OpenAI from 'openai';
import pLimit from 'p-limit';
import { runEval } from '../lib/runner/eval-run.js';

const [url, coldDir, warmDir] = process.argv.slice(2);
const env = { OPENAI_API_KEY: 'sk-bench-not-a-real-key' };
const requests = async () => (await (await fetch(`${url}/__stats`)).json()).requestCount;
const timed = async (fn) => {
  const started = performance.now();
  const value = await fn();
  return { seconds: (performance.now() - started) / 1000, value };
};

const cold = await timed(() => runEval({ configPath: path.join(coldDir, 'driftgate.yaml'), env }));
const afterCold = await requests();
const warm = await timed(() => runEval({ configPath: path.join(warmDir, 'driftgate.yaml'), env }));
const client = new OpenAI({ apiKey: env.OPENAI_API_KEY, baseURL: `${url}/v1`, maxRetries: 0 });
const limit = pLimit(50);
const sdk = await timed(() =>
  Promise.all(
    Array.from({ length: 2000 }, (_, i) =>
      limit(() =>
        client.chat.completions.create({
          model: 'gpt-4o-mini',
          messages: [{ role: 'user', content: `Customer: Benchmark question ${i}` }],
        }),
      ),
    ),
  ),
);
const beforeCached = await requests();
const cached = await timed(() => runEval({ configPath: path.join(coldDir, 'driftgate.yaml'), env }));
const afterCached = await requests();
// The run holds no records (eval reads them back from its journal when asked).
const coldRecords = await cold.value.readRecords();
const cachedRecords = await cached.value.readRecords();
console.log(
  JSON.stringify({
    coldSeconds: cold.seconds,
    warmSeconds: warm.seconds,
    sdkSeconds: sdk.seconds,
    errorRecords: coldRecords.filter((r) => r.status === 'error').length,
    coldRequests: afterCold,
    cachedSeconds: cached.seconds,
    cachedRequests: afterCached - beforeCached,
    cachedRecords: cachedRecords.filter((r) => r.cached).length,
    peakRssMB: process.resourceUsage().maxRSS / 1024,
  }),
);
