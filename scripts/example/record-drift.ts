/**
 * Records the drift example's cache: runs `driftgate drift` on the example config through the real
 * `openai` SDK against the local test server, which answers each sampled instruction with the REAL
 * recorded output of that model version (datasets/real): output_a for gpt-3.5-turbo-0301, output_b
 * for gpt-3.5-turbo-0613.   npm run example:record-drift
 */
import { readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { FakeLlmServer } from '../../test/support/fake-llm-server.js';
import { runDrift } from '../../src/drift/run-drift.js';
import { redact } from '../../src/drift/redact.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const outputs = new Map<string, { a: string; b: string }>(
  readFileSync(path.join(root, 'datasets/real/model-versions/gpt-3.5-turbo-0301__gpt-3.5-turbo-0613.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as { instruction: string; output_a: string; output_b: string })
    // Requests carry the redacted instruction (redaction happens before anything is sent).
    .map((r) => [redact(r.instruction).text, { a: r.output_a, b: r.output_b }]),
);
const server = await FakeLlmServer.start({
  systemFingerprint: null,
  reportedModel: (m) => m,
  respond: (call) => {
    const instruction = call.messages.at(-1)?.content ?? '';
    const real = outputs.get(instruction);
    if (!real) throw new Error(`no recorded output for: ${instruction.slice(0, 60)}`);
    return call.model === 'gpt-3.5-turbo-0301' ? real.a : real.b;
  },
});
try {
  rmSync(path.join(root, '.driftgate/history.jsonl'), { force: true });
  const result = await runDrift({
    configPath: path.join(root, 'driftgate.yaml'),
    env: { OPENAI_API_KEY: 'recording-against-local-server', OPENAI_BASE_URL: server.openaiBaseURL },
  });
  console.log(`recorded ${server.requestCount} responses; drift ${result.decision.drifted} (exit ${result.exitCode})`);
  rmSync(path.join(root, '.driftgate/history.jsonl'), { force: true });
} finally {
  await server.close();
}
