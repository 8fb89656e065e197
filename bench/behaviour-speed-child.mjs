// The "behaviour changed" signal timed as the drift job runs it: compiled lib/ in a plain node
// process (no TypeScript loader), on n = 1,000 real answer pairs with 10,000 sign flips.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const { behaviourChanged } = await import(path.join(root, 'lib/signals/behaviour-change.js'));
const files = ['claude-2__claude-2.1', 'gpt-3.5-turbo-0301__gpt-3.5-turbo-0613', 'gpt4_0613__llama-2-13b-chat-hf'].map(
  (f) =>
    readFileSync(path.join(root, `datasets/real/model-versions/${f}.jsonl`), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l)),
);
const pairs = Array.from({ length: 1000 }, (_, k) => {
  const r = files[k % 3][k % 805];
  return { caseId: `${r.id}#${k}`, input: r.instruction, pinned: r.output_a, current: r.output_b };
});
const rssBefore = process.memoryUsage().rss;
const seconds = [];
for (let i = 0; i < 3; i++) {
  const started = performance.now();
  behaviourChanged(pairs, `speed-${i}`, { permutations: 10_000 });
  seconds.push((performance.now() - started) / 1000);
}
console.log(
  JSON.stringify({
    seconds,
    rssBeforeMb: Math.round(rssBefore / 2 ** 20),
    peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
  }),
);
