/**
 * Every model call driftgate makes — the cases' own, a judge's, an embedding batch — goes through
 * here: cache first; then, unless offline, a budget reservation and the provider behind the
 * shared retry policy and per-endpoint 429 cooldown; then the cache. Nothing is paid for twice and
 * every call counts against `--max-cost`.
 */
import type { ModelConfig, PriceConfig } from '../../providers/model-schema.js';
import { createProvider, resolveCredentials } from '../../providers/registry.js';
import type { EmbeddingProvider } from '../../providers/openai-embeddings.js';
import {
  ProviderCallError,
  toProviderCallError,
  type ChatProvider,
  type ChatRequest,
  type ChatResponse,
} from '../../providers/types.js';
import { BATCH_PRICE_FACTOR, costUsd, priceFor, type PriceTable } from '../../providers/pricing.js';
import type { CallOutcome, EmbedOutcome } from '../../records/call-outcome.js';
import { cacheKey, requestKeyInput, type CacheKeyInput, type ResponseCache } from '../cache/cache.js';
import { Cooldown } from './cooldown.js';
import { type Budget, estimateCost, estimateInputTokens, OutputTokenEstimator } from './budget.js';
import { RetriesExhausted, withRetry, type RetryPolicy } from './retry.js';
import { scrubDeep, scrubSecrets } from '../../util/secrets.js';

/**
 * What comes back from a provider is scrubbed here, before the cache, the journal or a scorer sees
 * it: an answer or an error body that echoes a key (a gateway's 401 page, a proxy, a model told to
 * repeat its headers) is the same hazard whichever target — answering model, judge, embedder — made it.
 */
function scrubbedResponse(response: ChatResponse): ChatResponse {
  return scrubDeep(response);
}

function scrubbedError(error: ProviderCallError): ProviderCallError {
  const message = scrubSecrets(error.message);
  return message === error.message
    ? error
    : new ProviderCallError(error.kind, message, error.status, error.retryAfterMs);
}

export interface GatewayOptions {
  readonly offline: boolean;
  readonly useCache: boolean;
  readonly retry: RetryPolicy;
  readonly timeoutMs: number;
  readonly budget: Budget;
  readonly prices: PriceTable;
  readonly env: NodeJS.ProcessEnv;
  readonly cache: ResponseCache;
}

export type { CallOutcome, EmbedOutcome } from '../../records/call-outcome.js';

export class CallGateway {
  private readonly providers = new Map<string, Promise<ChatProvider>>();
  private readonly cooldowns = new Map<string, Cooldown>();
  private readonly outputEstimates = new OutputTokenEstimator();
  private readonly embedders = new Map<string, Promise<EmbeddingProvider>>();
  private readonly inFlight = new Map<string, Promise<CallOutcome>>();
  /** Answers a batch of this run brought in (runner/batch/batch-phase.ts): served as this run's calls, at the batch price. */
  private readonly fromBatch = new Map<string, { response: ChatResponse; costUsd: number | null }>();
  /** Requests a batch did not answer, with `runner.batch.failed: error`: they become error records. */
  private readonly batchFailures = new Map<string, ProviderCallError>();

  constructor(readonly options: GatewayOptions) {}

  priceOf(model: ModelConfig, modelName: string): PriceConfig | undefined {
    return priceFor(model, modelName, this.options.prices);
  }

  /** The per-endpoint pause shared by every call to one provider account. */
  cooldownFor(model: ModelConfig): Cooldown {
    const endpoint = `${model.provider} ${model.baseURL ?? ''} ${model.api_key_env ?? ''}`;
    let c = this.cooldowns.get(endpoint);
    if (!c) this.cooldowns.set(endpoint, (c = new Cooldown()));
    return c;
  }

  keyInputOf(model: ModelConfig, request: ChatRequest, sample: number): CacheKeyInput {
    return requestKeyInput(model.provider, request, sample, model.baseURL);
  }

  /**
   * Identical requests in flight at once (two targets giving one answer, then judged alike) are
   * sent once: the later callers wait for the first and get its answer as a cache hit.
   */
  async chat(target: string, model: ModelConfig, request: ChatRequest, sample: number): Promise<CallOutcome> {
    const keyInput = this.keyInputOf(model, request, sample);
    const key = cacheKey(keyInput);
    const pending = this.inFlight.get(key);
    if (pending) {
      const first = await pending;
      return first.status === 'ok' ? { ...first, cached: true, attempts: 0 } : first;
    }
    const call = this.chatOnce(target, model, request, keyInput, key).then((o) =>
      o.status === 'error' ? { ...o, error: scrubbedError(o.error) } : o,
    );
    this.inFlight.set(key, call);
    try {
      return await call;
    } finally {
      this.inFlight.delete(key);
    }
  }

  /** A batch's answer: kept for this run's call and written to the cache like any answer. */
  async acceptBatchAnswer(
    model: ModelConfig,
    keyInput: CacheKeyInput,
    key: string,
    answer: ChatResponse,
  ): Promise<number | null> {
    const response = scrubbedResponse(answer);
    const cost = costUsd(this.priceOf(model, keyInput.model), response);
    const discounted = cost === null ? null : cost * BATCH_PRICE_FACTOR;
    this.fromBatch.set(key, { response, costUsd: discounted });
    this.outputEstimates.observe(model.model ?? '', response.outputTokens);
    if (this.options.useCache) await this.options.cache.put(keyInput, response, 0);
    return discounted;
  }

  /** Whether a call with this key needs no request: in the cache (when used) or answered by a batch. */
  async answered(key: string): Promise<boolean> {
    if (this.fromBatch.has(key)) return true;
    return this.options.useCache && (await this.options.cache.serves(key));
  }

  batchFailed(key: string): boolean {
    return this.batchFailures.has(key);
  }

  acceptBatchFailure(key: string, error: ProviderCallError): void {
    this.batchFailures.set(key, scrubbedError(error));
  }

  /** Reserves a batch request's estimated cost; false when --max-cost would be passed. */
  reserveBatchCall(target: string, model: ModelConfig, request: ChatRequest): { ok: boolean; estimate: number } {
    const price = this.priceOf(model, request.model);
    const estimate = price
      ? estimateCost(
          price,
          estimateInputTokens(request.messages, request),
          this.outputEstimates.estimate(target, request.params),
        ) * BATCH_PRICE_FACTOR
      : 0;
    return { ok: this.options.budget.tryReserve(estimate), estimate };
  }

  private async chatOnce(
    target: string,
    model: ModelConfig,
    request: ChatRequest,
    keyInput: CacheKeyInput,
    key: string,
  ): Promise<CallOutcome> {
    const { options } = this;
    const batched = this.fromBatch.get(key);
    if (batched)
      return {
        status: 'ok',
        key,
        response: batched.response,
        latencyMs: 0,
        cached: false,
        attempts: 1,
        costUsd: batched.costUsd,
        batch: true,
      };
    const failed = this.batchFailures.get(key);
    if (failed) return { status: 'error', key, kind: failed.kind, error: failed, attempts: 1 };
    const price = this.priceOf(model, request.model);
    if (options.useCache) {
      const hit = await options.cache.get(key);
      if (hit) {
        return {
          status: 'ok',
          key,
          response: scrubbedResponse(hit.response),
          latencyMs: hit.latencyMs,
          cached: true,
          attempts: 0,
          costUsd: costUsd(price, hit.response),
        };
      }
    }
    if (options.offline) {
      return {
        status: 'error',
        key,
        kind: 'cache_miss',
        error: new ProviderCallError('other', `--offline: no cached response (key ${key})`),
        attempts: 0,
      };
    }
    const estimate = price
      ? estimateCost(
          price,
          estimateInputTokens(request.messages, request),
          this.outputEstimates.estimate(target, request.params),
        )
      : 0;
    if (!options.budget.tryReserve(estimate)) return { status: 'skipped', key };
    let actual: number | null = null;
    try {
      const provider = await this.providerFor(target, model);
      const outcome = await withRetry(
        () => provider.complete(request),
        toProviderCallError,
        options.retry,
        this.cooldownFor(model),
      );
      const response = scrubbedResponse(outcome.value);
      actual = costUsd(price, response);
      this.outputEstimates.observe(target, response.outputTokens);
      if (options.useCache) await options.cache.put(keyInput, response, outcome.latencyMs);
      return {
        status: 'ok',
        key,
        response,
        latencyMs: outcome.latencyMs,
        cached: false,
        attempts: outcome.attempts,
        costUsd: actual,
      };
    } catch (err) {
      if (err instanceof RetriesExhausted)
        return { status: 'error', key, kind: err.last.kind, error: err.last, attempts: err.attempts };
      if (err instanceof ProviderCallError) return { status: 'error', key, kind: err.kind, error: err, attempts: 1 };
      throw err;
    } finally {
      options.budget.settle(estimate, actual);
    }
  }

  /**
   * One uncached embeddings request for a batch of texts, with the same budget, retry, cooldown
   * and offline rules as chat calls. Caching per text is the caller's (scorers/similarity).
   */
  async embedBatch(target: string, model: ModelConfig, texts: readonly string[]): Promise<EmbedOutcome> {
    const { options } = this;
    if (options.offline)
      return {
        status: 'error',
        kind: 'cache_miss',
        error: new ProviderCallError('other', `--offline: ${texts.length} embeddings are not in the cache`),
      };
    const price = this.priceOf(model, model.model as string);
    const estimate = price
      ? estimateCost(price, estimateInputTokens(texts.map((content) => ({ role: 'user' as const, content }))), 0)
      : 0;
    if (!options.budget.tryReserve(estimate)) return { status: 'skipped' };
    let actual: number | null = null;
    try {
      const embedder = await this.embedderFor(target, model);
      const dims = typeof model.params?.dimensions === 'number' ? model.params.dimensions : undefined;
      const outcome = await withRetry(
        () => embedder.embed(model.model as string, texts, dims),
        toProviderCallError,
        options.retry,
        this.cooldownFor(model),
      );
      actual = costUsd(price, { inputTokens: outcome.value.inputTokens, outputTokens: 0 });
      return { status: 'ok', vectors: outcome.value.vectors, costUsd: actual, inputTokens: outcome.value.inputTokens };
    } catch (err) {
      if (err instanceof RetriesExhausted)
        return { status: 'error', kind: err.last.kind, error: scrubbedError(err.last) };
      if (err instanceof ProviderCallError) return { status: 'error', kind: err.kind, error: scrubbedError(err) };
      throw err;
    } finally {
      options.budget.settle(estimate, actual);
    }
  }

  private embedderFor(target: string, model: ModelConfig): Promise<EmbeddingProvider> {
    let p = this.embedders.get(target);
    if (!p) {
      const credentials = resolveCredentials(target, model, this.options.env);
      p = import('../../providers/openai-embeddings.js').then(({ createOpenAIEmbedder }) =>
        createOpenAIEmbedder({
          apiKey: credentials.apiKey,
          timeoutMs: this.options.timeoutMs,
          ...(credentials.baseURL ? { baseURL: credentials.baseURL } : {}),
        }),
      );
      this.embedders.set(target, p);
    }
    return p;
  }

  private providerFor(target: string, model: ModelConfig): Promise<ChatProvider> {
    let p = this.providers.get(target);
    if (!p) {
      p = createProvider(target, model, { env: this.options.env, timeoutMs: this.options.timeoutMs });
      this.providers.set(target, p);
    }
    return p;
  }
}
