/**
 * Re-records the example's committed cache (`.driftgate/cache/`): runs `driftgate eval` on the
 * example config through the real `openai` and `@anthropic-ai/sdk` clients against the local test
 * server, which answers with the hand-written answers in `answers.jsonl`, and judges them with a
 * SCRIPTED STAND-IN JUDGE: 5 when the answer contains the case's expected keyword, 1 for a refusal,
 * else 2 — a rule, not a model, and every verdict's reasoning says so. Everything recorded is
 * synthetic (datasets/README.md).
 *
 *   npm run example:record
 */
import { readFileSync, rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { FakeLlmServer } from '../../test/support/fake-llm-server.js';
import { mulberry32 } from '../../src/stats/rng.js';
import { runEval } from '../../src/runner/eval-run.js';
import { detectRefusal } from '../../src/scorers/refusal.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const cases = new Map<string, { expected_keyword: string }>(
  readFileSync(path.join(root, 'datasets/support-faq.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as { question: string; expected_keyword: string })
    .map((c) => [c.question, c]),
);
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

/** The scripted stand-in judge (see the header): a keyword rule, clearly labelled in its reasoning. */
function standInVerdict(judgePrompt: string, question: string): string {
  const answer = /<answer-[0-9a-f]{12}>\n([^]*?)\n<\/answer-[0-9a-f]{12}>/.exec(judgePrompt)?.[1] ?? '';
  const keyword = cases.get(question)?.expected_keyword ?? '';
  const label = '[scripted stand-in judge, not a model]';
  if (detectRefusal(answer, 'stop'))
    return JSON.stringify({
      reasoning: `${label} The answer declines a question the documentation answers.`,
      score: 1,
    });
  if (answer.toLowerCase().includes(keyword.toLowerCase())) {
    return JSON.stringify({
      reasoning: `${label} The answer gives the documented specifics ("${keyword}").`,
      score: 5,
    });
  }
  return JSON.stringify({ reasoning: `${label} The answer misses the documented specifics ("${keyword}").`, score: 2 });
}

const server = await FakeLlmServer.start({
  latencyMs: latency,
  reportedModel: (model) =>
    model === 'gpt-4o-mini'
      ? 'gpt-4o-mini-2024-07-18'
      : model === 'claude-haiku-4-5'
        ? 'claude-haiku-4-5-20251001'
        : model,
  systemFingerprint: 'fp_synthetic',
  respond: (call) => {
    const prompt = call.messages.at(-1)?.content ?? '';
    const question = /Customer question: (.*)$/m.exec(prompt)?.[1]?.trim() ?? '';
    if ('tools' in call.body) return standInVerdict(prompt, question);
    const answer = answers.get(question);
    if (!answer) throw new Error(`no recorded answer for: ${question}`);
    return answer;
  },
});
try {
  rmSync(path.join(root, '.driftgate/cache'), { recursive: true, force: true });
  const result = await runEval({
    configPath: path.join(root, 'driftgate.yaml'),
    env: {
      OPENAI_API_KEY: 'recording-against-local-server',
      OPENAI_BASE_URL: server.openaiBaseURL,
      ANTHROPIC_API_KEY: 'recording-against-local-server',
      ANTHROPIC_BASE_URL: server.anthropicBaseURL,
    },
  });
  console.log(`recorded ${server.requestCount} responses (exit ${result.exitCode}) into .driftgate/cache/`);
  process.exitCode = result.exitCode;
} finally {
  await server.close();
}
