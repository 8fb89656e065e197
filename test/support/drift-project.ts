/** The project every `driftgate drift` production test builds: models through the local stand-in, the week's log file. */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import type { FakeLlmServer } from './fake-llm-server.js';

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
