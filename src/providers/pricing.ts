/**
 * Turns token usage into dollars. Prices are US dollars per million tokens, as the providers list
 * them. The built-in table is a convenience, dated below; `pricing:` in driftgate.yaml, or
 * `price:` on a model, overrides it, and a model with no known price has cost `null` (reported as
 * unknown, never as $0).
 */
import type { ModelConfig, PriceConfig } from './model-schema.js';

/** Published list prices, checked 2026-11. Dated snapshots inherit their family's price. */
export const BUILTIN_PRICES: Readonly<Record<string, PriceConfig>> = {
  // OpenAI: cached input as listed per model (a tenth of input for gpt-5, a quarter for gpt-4.1 and o-series, half for gpt-4o).
  'gpt-5': { input: 1.25, output: 10, cached_input: 0.125 },
  'gpt-5-mini': { input: 0.25, output: 2, cached_input: 0.025 },
  'gpt-5-nano': { input: 0.05, output: 0.4, cached_input: 0.005 },
  'gpt-4.1': { input: 2, output: 8, cached_input: 0.5 },
  'gpt-4.1-mini': { input: 0.4, output: 1.6, cached_input: 0.1 },
  'gpt-4.1-nano': { input: 0.1, output: 0.4, cached_input: 0.025 },
  'gpt-4o': { input: 2.5, output: 10, cached_input: 1.25 },
  'gpt-4o-mini': { input: 0.15, output: 0.6, cached_input: 0.075 },
  'gpt-4-turbo': { input: 10, output: 30 },
  'gpt-3.5-turbo': { input: 0.5, output: 1.5 },
  o3: { input: 2, output: 8, cached_input: 0.5 },
  'o3-mini': { input: 1.1, output: 4.4, cached_input: 0.55 },
  'o4-mini': { input: 1.1, output: 4.4, cached_input: 0.275 },
  'text-embedding-3-small': { input: 0.02, output: 0 },
  'text-embedding-3-large': { input: 0.13, output: 0 },
  // Anthropic: cache reads at 0.1 × input, 5-minute cache writes at 1.25 × input.
  'claude-opus-4-1': { input: 15, output: 75, cached_input: 1.5, cache_write: 18.75 },
  'claude-opus-4': { input: 15, output: 75, cached_input: 1.5, cache_write: 18.75 },
  'claude-sonnet-4-5': { input: 3, output: 15, cached_input: 0.3, cache_write: 3.75 },
  'claude-sonnet-4': { input: 3, output: 15, cached_input: 0.3, cache_write: 3.75 },
  'claude-haiku-4-5': { input: 1, output: 5, cached_input: 0.1, cache_write: 1.25 },
  'claude-3-7-sonnet': { input: 3, output: 15, cached_input: 0.3, cache_write: 3.75 },
  'claude-3-5-sonnet': { input: 3, output: 15, cached_input: 0.3, cache_write: 3.75 },
  'claude-3-5-haiku': { input: 0.8, output: 4, cached_input: 0.08, cache_write: 1 },
  'claude-3-haiku': { input: 0.25, output: 1.25, cached_input: 0.03, cache_write: 0.3 },
};

/** OpenAI's Batch API and Anthropic's Message Batches both charge half the online price. */
export const BATCH_PRICE_FACTOR = 0.5;

export class PriceTable {
  private readonly prices: Map<string, PriceConfig>;

  constructor(overrides: Readonly<Record<string, PriceConfig>> = {}) {
    this.prices = new Map(Object.entries({ ...BUILTIN_PRICES, ...overrides }));
  }

  /**
   * Exact name first, then the longest known name the model starts with followed by `-` or `:`
   * (so `gpt-4o-2024-08-06` is priced as `gpt-4o`, but `gpt-4o-mini` keeps its own price).
   */
  lookup(model: string): PriceConfig | undefined {
    const name = this.priceName(model);
    return name === undefined ? undefined : this.prices.get(name);
  }

  /** The table's name a model is priced under (`gpt-4o` for `gpt-4o-2024-08-06`), or undefined. */
  priceName(model: string): string | undefined {
    if (this.prices.has(model)) return model;
    let best: string | undefined;
    for (const [name] of this.prices)
      if ((model.startsWith(`${name}-`) || model.startsWith(`${name}:`)) && (!best || name.length > best.length))
        best = name;
    return best;
  }
}

export interface TokenUsage {
  /** All input tokens, cached reads and cache writes included. */
  readonly inputTokens: number | null;
  readonly outputTokens: number | null;
  readonly cachedInputTokens?: number;
  readonly cacheWriteTokens?: number;
}

/**
 * Dollars for one call, or null when the price or the usage is unknown. Cached input is priced at
 * `cached_input` and cache writes at `cache_write`; a price without them charges those tokens as
 * plain input (the dearer reading, so a forgotten price never makes a change look cheaper).
 */
export function costUsd(price: PriceConfig | undefined, usage: TokenUsage): number | null {
  const { inputTokens, outputTokens } = usage;
  if (!price || inputTokens === null || outputTokens === null) return null;
  const cached = Math.min(usage.cachedInputTokens ?? 0, inputTokens);
  const written = Math.min(usage.cacheWriteTokens ?? 0, inputTokens - cached);
  const plain = inputTokens - cached - written;
  return (
    (plain * price.input +
      cached * (price.cached_input ?? price.input) +
      written * (price.cache_write ?? price.input) +
      outputTokens * price.output) /
    1_000_000
  );
}

/** A target's price: its own `price:` override, else the table's entry for the model name. */
export function priceFor(model: ModelConfig, modelName: string, prices: PriceTable): PriceConfig | undefined {
  return model.price ?? prices.lookup(modelName);
}
