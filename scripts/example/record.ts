/**
 * Re-records the example's committed cache (`.driftgate/cache/`): runs `driftgate eval` on the
 * example config through the real `openai` SDK against the local test server, which answers with
 * the hand-written answers in `answers.jsonl`. Everything recorded is synthetic (datasets/README.md).
 *
 *   npm run example:record
 */
import { readFileSync, rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { FakeLlmServer, mulberry32 } from '../../test/support/fake-llm-server.js';
import { runEval } from '../../src/runner/eval-run.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const answers = new Map<string, string>(
  readFileSync(path.join(root, 'scripts/example/answers.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as { question: string; answer: string })
    .map(({ question, answer }) => [question, answer]),
);

const rng = mulberry32(20261122);
/** Log-normal latency around 900 ms (σ = 0.35 on the log scale), like a small hosted model. */
const latency = (): number => {
  const z = Math.sqrt(-2 * Math.log(1 - rng())) * Math.cos(2 * Math.PI * rng());
  return Math.round(Math.exp(Math.log(900) + 0.35 * z));
};

const server = await FakeLlmServer.start({
  latencyMs: latency,
  reportedModel: (model) => (model === 'gpt-4o-mini' ? 'gpt-4o-mini-2024-07-18' : model),
  systemFingerprint: 'fp_synthetic',
  respond: (call) => {
    const prompt = call.messages.at(-1)?.content ?? '';
    const question = /Customer question: (.*)$/m.exec(prompt)?.[1]?.trim() ?? '';
    const answer = answers.get(question);
    if (!answer) throw new Error(`no recorded answer for: ${question}`);
    return answer;
  },
});
try {
  rmSync(path.join(root, '.driftgate/cache'), { recursive: true, force: true });
  const result = await runEval({
    configPath: path.join(root, 'driftgate.yaml'),
    env: { OPENAI_API_KEY: 'recording-against-local-server', OPENAI_BASE_URL: server.openaiBaseURL },
  });
  console.log(`recorded ${server.requestCount} responses (exit ${result.exitCode}) into .driftgate/cache/`);
  process.exitCode = result.exitCode;
} finally {
  await server.close();
}
