/** The project every `driftgate drift` production test builds: models through the local stand-in, the week's log file. */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { FakeLlmServer, type FakeServerOptions } from './fake-llm-server.js';
import { runDrift, type DriftOptions } from '../../src/drift/run-drift.js';

export const DRIFT_ENV = { OPENAI_API_KEY: 'sk-test-prod-0000000000' };

/** The models and runner of every project here, through the local model stand-in. */
export const driftModels = (llm: FakeLlmServer) => `version: 1
models:
  pinned:   { provider: openai, model: gpt-4o-2024-08-06, baseURL: ${llm.openaiBaseURL} }
  current:  { provider: openai, model: gpt-4o, baseURL: ${llm.openaiBaseURL} }
  embedder: { provider: local }
runner: { retry_base_ms: 5, concurrency: 16 }
`;

/** The week's log, as drift.logs reads it. */
export const writeLog = (dir: string, lines: readonly unknown[], file = 'week.jsonl') =>
  writeFileSync(path.join(dir, 'logs', file), lines.map((l) => JSON.stringify(l)).join('\n'));

/** A stand-in answer that echoes the last message, so every sampled input gets its own answer. */
export const echoLast: NonNullable<FakeServerOptions['respond']> = (call) =>
  `Noted: ${String(call.messages.at(-1)?.content ?? '')}`;

/** A local model stand-in answering with `respond` for the length of `body`, closed however it ends. */
export async function withLlm<T>(
  respond: NonNullable<FakeServerOptions['respond']>,
  body: (llm: FakeLlmServer) => Promise<T>,
): Promise<T> {
  const llm = await FakeLlmServer.start({ respond });
  try {
    return await body(llm);
  } finally {
    await llm.close();
  }
}

/** `driftgate drift` on the project in `dir`, with the models' test key. */
export const driftIn = (dir: string, options: Omit<DriftOptions, 'configPath' | 'env'> = {}) =>
  runDrift({ configPath: path.join(dir, 'driftgate.yaml'), env: DRIFT_ENV, ...options });
