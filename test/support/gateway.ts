/** A real CallGateway (cache, retries, budget) and scoring services pointed at the local server. */
import path from 'node:path';
import type { ModelConfig } from '../../src/config/schema.js';
import { ResponseCache } from '../../src/runner/cache/cache.js';
import { CallGateway } from '../../src/runner/calls/gateway.js';
import { Budget } from '../../src/runner/calls/budget.js';
import { PriceTable } from '../../src/providers/pricing.js';
import { DEFAULT_RETRY_POLICY } from '../../src/runner/calls/retry.js';
import { EmbeddingService } from '../../src/scorers/similarity/embedding-service.js';
import type { ScoringServices } from '../../src/scorers/types.js';

export function testServices(
  dir: string,
  models: Record<string, ModelConfig>,
  batchSize?: number,
): { services: ScoringServices; gateway: CallGateway; embeddings: EmbeddingService } {
  const cache = new ResponseCache(path.join(dir, 'cache'));
  const gateway = new CallGateway({
    offline: false,
    useCache: true,
    retry: { ...DEFAULT_RETRY_POLICY, baseDelayMs: 5, maxRetries: 1 },
    timeoutMs: 5_000,
    budget: new Budget(undefined),
    prices: new PriceTable(),
    env: { OPENAI_API_KEY: 'sk-test-judge-000000', ANTHROPIC_API_KEY: 'sk-ant-test-judge-0000' },
    cache,
  });
  const embeddings = new EmbeddingService(models, gateway, cache, batchSize);
  return {
    gateway,
    embeddings,
    services: {
      chat: (target, request, sample) => gateway.chat(target, models[target] as ModelConfig, request, sample),
      embed: (target, texts) => embeddings.embed(target, texts),
      prefetchEmbeddings: (target, texts) => embeddings.prefetch(target, texts),
      discard: (key) => cache.remove(key),
    },
  };
}
