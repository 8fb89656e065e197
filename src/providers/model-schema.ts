/**
 * The schema of one model target and of a price: below everything that calls a model (providers,
 * the gateway, scorers), so none of them has to import the whole config schema, which imports the
 * scorers' own schemas.
 */
import { z } from 'zod';

/** Dollars per million tokens. */
export const priceSchema = z.strictObject({
  input: z.number().nonnegative().describe('US dollars per 1M input tokens'),
  output: z.number().nonnegative().describe('US dollars per 1M output tokens'),
  cached_input: z
    .number()
    .nonnegative()
    .optional()
    .describe('US dollars per 1M input tokens read from the prompt cache (default: the input price)'),
  cache_write: z
    .number()
    .nonnegative()
    .optional()
    .describe("US dollars per 1M input tokens written to Anthropic's prompt cache (default: the input price)"),
});

export const modelSchema = z
  .strictObject({
    provider: z
      .enum(['openai', 'anthropic', 'local'])
      .describe(
        'openai also covers any OpenAI-compatible server (Ollama, vLLM, LiteLLM, Azure) through baseURL; local is the built-in offline embedder',
      ),
    model: z.string().min(1).optional().describe('Model name or dated version, e.g. gpt-4o-2024-08-06'),
    params: z
      .record(z.string(), z.unknown())
      .optional()
      .describe('Request parameters passed to the API as given (temperature, max_tokens, seed, ...)'),
    baseURL: z.url().optional().describe('API base URL; overrides OPENAI_BASE_URL / ANTHROPIC_BASE_URL'),
    api_key_env: z
      .string()
      .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'expected an environment variable name')
      .optional()
      .describe('Name of the environment variable holding the API key (default OPENAI_API_KEY / ANTHROPIC_API_KEY)'),
    price: priceSchema.optional().describe('Overrides the built-in pricing table for this target'),
  })
  .describe('A named model configuration that cases are replayed through');

export type PriceConfig = z.infer<typeof priceSchema>;
export type ModelConfig = z.infer<typeof modelSchema>;
