/** Plain-value inputs for scorer tests: a case, an output, and the call record it came from. */
import { toCase, type Case } from '../../src/datasets/case.js';
import { JOURNAL_SCHEMA_VERSION, type OkRecord, type Score } from '../../src/records/call-record.js';
import { buildScorers } from '../../src/scorers/registry.js';
import { scorerConfigSchema } from '../../src/scorers/config-schema.js';
import type { ModelConfig } from '../../src/config/schema.js';
import type { ScoringInput, ScoringServices } from '../../src/scorers/types.js';
import { EmbeddingService } from '../../src/scorers/similarity/embedding-service.js';

export function testCase(fields: Record<string, unknown>): Case {
  return toCase({ id: 'c1', ...fields }, 'test.jsonl', 1);
}

export function testRecord(overrides: Partial<OkRecord> = {}): OkRecord {
  return {
    schemaVersion: JOURNAL_SCHEMA_VERSION,
    itemId: 's/c1/current/0',
    suite: 's',
    caseId: 'c1',
    target: 'current',
    repeat: 0,
    key: 'k',
    inputHash: 'h',
    status: 'ok',
    output: '',
    finishReason: 'stop',
    inputTokens: 10,
    outputTokens: 5,
    costUsd: 0.001,
    latencyMs: 800,
    model: 'gpt-4o-mini',
    providerModel: 'gpt-4o-mini-2024-07-18',
    systemFingerprint: 'fp',
    cached: false,
    attempts: 1,
    scores: [],
    finishedAt: '2026-11-22T00:00:00Z',
    ...overrides,
  };
}

export const noServices: ScoringServices = {
  chat: () => Promise.reject(new Error('no model calls in this test')),
  embed: () => Promise.reject(new Error('no embeddings in this test')),
  prefetchEmbeddings: () => Promise.resolve(),
  discard: () => undefined,
};

/** Builds one scorer from its YAML-shaped config (validated like driftgate.yaml) and scores one output. */
export async function scoreWith(
  config: Record<string, unknown>,
  output: string,
  fields: Record<string, unknown> = {},
  record: Partial<OkRecord> = {},
  options: {
    rootDir?: string;
    models?: Record<string, ModelConfig>;
    services?: ScoringServices;
    other?: ScoringInput['other'];
    tools?: ScoringInput['tools'];
  } = {},
): Promise<Score> {
  const parsed = scorerConfigSchema.parse(config);
  const [scorer] = await buildScorers([parsed], {
    rootDir: options.rootDir ?? '.',
    models: options.models ?? {},
    where: 'test.scorers',
    targets: ['current', 'pinned'],
  });
  const c = testCase(fields);
  const input: ScoringInput = {
    case: c,
    messages: [{ role: 'user', content: String(fields.question ?? 'question') }],
    output,
    record: testRecord({ output, ...record }),
    ...(options.other ? { other: options.other } : {}),
    ...(options.tools ? { tools: options.tools } : {}),
  };
  const local = new EmbeddingService(options.models ?? {}, undefined, undefined);
  const services = options.services ?? {
    ...noServices,
    embed: (t: string, texts: readonly string[]) => local.embed(t, texts),
  };
  return scorer!.score(input, services);
}
