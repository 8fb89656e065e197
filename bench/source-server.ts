/**
 * A log platform's stand-in (test/support) in a process of its own, holding `n` generated calls,
 * so a benchmark measures the reading side's memory and not the server's. argv: platform
 * (langfuse | langsmith | openai-stored), n. Faults as the acceptance asks: a 429 (retry-after 1 s)
 * on the first try of every 50th page and one 500 (page 123, or half way through a shorter listing). Prints `READY <url> <key>`.
 */
import { FakeLangfuse } from '../test/support/fake-langfuse.js';
import { FakeLangsmith } from '../test/support/fake-langsmith.js';
import { FakeOpenaiStored } from '../test/support/fake-openai-stored.js';
import type { FaultScript } from '../test/support/fake-platform.js';

const [platform = 'langfuse', count = '50000'] = process.argv.slice(2);
const n = Number(count);
const START = Date.UTC(2026, 10, 23);
const SYSTEM =
  'You are the support assistant of an online bookshop. Answer in two or three sentences, cite the order number when one is given, and never promise a refund the policy does not allow.';
const features = ['orders', 'returns', 'faq', 'recommendations', 'billing'];
const question = (i: number) =>
  `Customer ${i % 7_919} asks about order ${100_000 + (i % 12_007)}: where is it, and can the delivery address still be changed before it ships?`;
const answer = (i: number) =>
  `Order ${100_000 + (i % 12_007)} left the warehouse yesterday and should arrive within three working days. The address can no longer be changed, but the carrier can hold it at a pickup point.`;
// The 500 lands on page 123, or half way through a shorter listing.
const failing = Math.min(123, Math.ceil(n / 200));
const faults: FaultScript = (page, attempt) =>
  attempt > 0 ? undefined : page === failing ? '500' : page % 50 === 0 ? '429' : undefined;

function time(i: number): string {
  return new Date(START + i * 10_000).toISOString();
}

let server: FakeLangfuse | FakeLangsmith | FakeOpenaiStored;
let key: string;
if (platform === 'langfuse') {
  const s = new FakeLangfuse();
  s.observations = Array.from({ length: n }, (_, i) => ({
    id: `obs-${i}`,
    traceId: `trace-${i}`,
    type: 'GENERATION',
    name: 'answer',
    traceName: features[i % features.length] ?? 'faq',
    startTime: time(i),
    model: 'gpt-4o-2024-08-06',
    input: [
      { role: 'system', content: SYSTEM },
      { role: 'user', content: question(i) },
    ],
    output: { role: 'assistant', content: answer(i) },
    usageDetails: { input: 80, output: 40 },
  }));
  key = `${s.keys.publicKey}:${s.keys.secretKey}`;
  server = s;
} else if (platform === 'langsmith') {
  const s = new FakeLangsmith();
  s.runs = Array.from({ length: n }, (_, i) => ({
    id: `run-${i}`,
    project: 'support-bot',
    name: features[i % features.length] ?? 'faq',
    run_type: 'llm',
    start_time: time(i),
    inputs: {
      messages: [
        { role: 'system', content: SYSTEM },
        { role: 'user', content: question(i) },
      ],
    },
    outputs: { model: 'gpt-4o-2024-08-06', choices: [{ message: { role: 'assistant', content: answer(i) } }] },
    prompt_tokens: 80,
    completion_tokens: 40,
  }));
  key = s.apiKey;
  server = s;
} else {
  const s = new FakeOpenaiStored();
  // Newest first is how the API lists; created descending from the window's end.
  s.completions = Array.from({ length: n }, (_, i) => ({
    id: `chatcmpl-${String(i).padStart(7, '0')}`,
    created: Math.floor((START + (n - i) * 10_000) / 1000),
    model: 'gpt-4o-2024-08-06',
    metadata: { feature: features[i % features.length] ?? 'faq' },
    messages: [
      { role: 'system', content: SYSTEM },
      { role: 'user', content: question(i) },
    ],
    message: { role: 'assistant', content: answer(i), refusal: null },
    usage: { prompt_tokens: 80, completion_tokens: 40, total_tokens: 120 },
  }));
  key = s.apiKey;
  server = s;
}
server.faults = faults;
await server.start();
process.stdout.write(`READY ${server.url} ${key}\n`);
process.on('SIGTERM', () => void server.close().then(() => process.exit(0)));
