/**
 * Turns token usage into dollars. Prices are US dollars per million tokens, as the providers list
 * them. The built-in table is a convenience, dated below; `pricing:` in driftgate.yaml, or
 * `price:` on a model, overrides it, and a model with no known price has cost `null` (reported as
 * unknown, never as $0).
 */
import type { ModelConfig, PriceConfig } from '../config/model-schema.js';

/** Published list prices, checked 2026-11. Dated snapshots inherit their family's price. */
export const BUILTIN_PRICES: Readonly<Record<string, PriceConfig>> = {
  'gpt-5': { input: 1.25, output: 10 },
  'gpt-5-mini': { input: 0.25, output: 2 },
  'gpt-5-nano': { input: 0.05, output: 0.4 },
  'gpt-4.1': { input: 2, output: 8 },
  'gpt-4.1-mini': { input: 0.4, output: 1.6 },
  'gpt-4.1-nano': { input: 0.1, output: 0.4 },
  'gpt-4o': { input: 2.5, output: 10 },
  'gpt-4o-mini': { input: 0.15, output: 0.6 },
  'gpt-4-turbo': { input: 10, output: 30 },
  'gpt-3.5-turbo': { input: 0.5, output: 1.5 },
  'o3': { input: 2, output: 8 },
  'o3-mini': { input: 1.1, output: 4.4 },
  'o4-mini': { input: 1.1, output: 4.4 },
  'text-embedding-3-small': { input: 0.02, output: 0 },
  'text-embedding-3-large': { input: 0.13, output: 0 },
  'claude-opus-4-1': { input: 15, output: 75 },
  'claude-opus-4': { input: 15, output: 75 },
  'claude-sonnet-4-5': { input: 3, output: 15 },
  'claude-sonnet-4': { input: 3, output: 15 },
  'claude-haiku-4-5': { input: 1, output: 5 },
  'claude-3-7-sonnet': { input: 3, output: 15 },
  'claude-3-5-sonnet': { input: 3, output: 15 },
  'claude-3-5-haiku': { input: 0.8, output: 4 },
  'claude-3-haiku': { input: 0.25, output: 1.25 },
};

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
    const exact = this.prices.get(model);
    if (exact) return exact;
    let best: [string, PriceConfig] | undefined;
    for (const entry of this.prices) {
      const [name] = entry;
      if ((model.startsWith(`${name}-`) || model.startsWith(`${name}:`)) && (!best || name.length > best[0].length)) best = entry;
    }
    return best?.[1];
  }
}

/** Dollars for one call, or null when the price or the usage is unknown. */
export function costUsd(price: PriceConfig | undefined, inputTokens: number | null, outputTokens: number | null): number | null {
  if (!price || inputTokens === null || outputTokens === null) return null;
  return (inputTokens * price.input + outputTokens * price.output) / 1_000_000;
}

/** A target's price: its own `price:` override, else the table's entry for the model name. */
export function priceFor(model: ModelConfig, modelName: string, prices: PriceTable): PriceConfig | undefined {
  return model.price ?? prices.lookup(modelName);
}
