/** The gateway and scoring services a run uses, built the same way for `eval` and `drift`. */
import type { DriftgateConfig, ModelConfig } from '../../config/schema.js';
import { PriceTable } from '../../providers/pricing.js';
import { EmbeddingService } from '../../scorers/similarity/embedding-service.js';
import type { ScoringServices } from '../../scorers/types.js';
import { Budget } from './budget.js';
import type { ResponseCache } from '../cache/cache.js';
import { CallGateway } from './gateway.js';
import { DEFAULT_RETRY_POLICY } from './retry.js';
import { registerEnvSecrets } from '../../util/secrets.js';

export interface RunServicesOptions {
  readonly offline: boolean;
  readonly useCache: boolean;
  readonly maxCostUsd?: number;
  readonly timeoutMs?: number;
  readonly retry?: { max_retries?: number; retry_base_ms?: number; max_rate_limit_wait_ms?: number };
  readonly env: NodeJS.ProcessEnv;
}

export interface RunServices {
  readonly gateway: CallGateway;
  readonly embeddings: EmbeddingService;
  readonly services: ScoringServices;
}

export function buildRunServices(
  config: DriftgateConfig,
  cache: ResponseCache,
  options: RunServicesOptions,
): RunServices {
  const runner = config.runner;
  // Registered before any call: a cached run sends nothing, yet a scorer may still quote a key.
  registerEnvSecrets(
    options.env,
    Object.values(config.models).flatMap((m) => (m.api_key_env ? [m.api_key_env] : [])),
  );
  const gateway = new CallGateway({
    offline: options.offline,
    useCache: options.useCache,
    retry: {
      ...DEFAULT_RETRY_POLICY,
      maxRetries: options.retry?.max_retries ?? runner.max_retries,
      baseDelayMs: options.retry?.retry_base_ms ?? runner.retry_base_ms,
      maxRateLimitWaitMs: options.retry?.max_rate_limit_wait_ms ?? runner.max_rate_limit_wait_ms,
    },
    timeoutMs: options.timeoutMs ?? runner.timeout_ms,
    budget: new Budget(options.maxCostUsd),
    prices: new PriceTable(config.pricing),
    env: options.env,
    cache,
  });
  const embeddings = new EmbeddingService(
    config.models,
    gateway,
    options.useCache ? cache : undefined,
    runner.embedding_batch_size,
  );
  return {
    gateway,
    embeddings,
    services: {
      chat: (target, request, sample) => gateway.chat(target, config.models[target] as ModelConfig, request, sample),
      embed: (target, texts) => embeddings.embed(target, texts),
      prefetchEmbeddings: (target, texts) => embeddings.prefetch(target, texts),
      discard: (key) => {
        if (options.useCache) cache.remove(key);
      },
    },
  };
}
