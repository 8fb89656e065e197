/**
 * Creates the provider for a target on first use, with its credentials from the environment.
 * Secrets come only from the environment (SPEC): the config names at most the variable to read.
 */
import { UsageError } from '../errors.js';
import type { ModelConfig } from './model-schema.js';
import { registerSecret } from '../util/secrets.js';
import type { ChatProvider } from './types.js';
import type { BatchClient } from './batch-client.js';

export interface ProviderEnvironment {
  readonly env: NodeJS.ProcessEnv;
  readonly timeoutMs: number;
}

const DEFAULT_KEY_ENV = { openai: 'OPENAI_API_KEY', anthropic: 'ANTHROPIC_API_KEY' } as const;
const BASE_URL_ENV = { openai: 'OPENAI_BASE_URL', anthropic: 'ANTHROPIC_BASE_URL' } as const;

export interface Credentials {
  apiKey: string;
  baseURL?: string;
  keyEnv: string;
}

/** Throws a UsageError that says which variable to set, never a stack trace. */
export function resolveCredentials(target: string, model: ModelConfig, env: NodeJS.ProcessEnv): Credentials {
  if (model.provider === 'local')
    throw new UsageError(`target "${target}" uses the local embedder, which cannot answer prompts`);
  const keyEnv = model.api_key_env ?? DEFAULT_KEY_ENV[model.provider];
  const baseURL = model.baseURL ?? (env[BASE_URL_ENV[model.provider]] || undefined);
  const apiKey = env[keyEnv];
  if (apiKey) {
    registerSecret(apiKey);
    return { apiKey, keyEnv, ...(baseURL ? { baseURL } : {}) };
  }
  // Local OpenAI-compatible servers (Ollama, vLLM) usually need no key; the SDK still wants one.
  if (model.provider === 'openai' && model.baseURL) return { apiKey: 'no-key', keyEnv, baseURL: model.baseURL };
  throw new UsageError(
    `${keyEnv} is not set, and target "${target}" (${model.provider} ${model.model ?? ''}) has calls that are not in the cache.\n` +
      `Set ${keyEnv} in the environment, or run with --offline to use only cached responses.`,
  );
}

export async function createProvider(
  target: string,
  model: ModelConfig,
  options: ProviderEnvironment,
): Promise<ChatProvider> {
  const credentials = resolveCredentials(target, model, options.env);
  const base = {
    apiKey: credentials.apiKey,
    timeoutMs: options.timeoutMs,
    ...(credentials.baseURL ? { baseURL: credentials.baseURL } : {}),
  };
  if (model.provider === 'openai') {
    const { createOpenAIProvider } = await import('./openai.js');
    return createOpenAIProvider(base);
  }
  const { createAnthropicProvider } = await import('./anthropic.js');
  return createAnthropicProvider(base);
}

/** The batch API client of a target (OpenAI Batch API or Anthropic Message Batches), credentials as for online calls. */
export async function createBatchClient(
  target: string,
  model: ModelConfig,
  options: ProviderEnvironment,
): Promise<BatchClient> {
  const credentials = resolveCredentials(target, model, options.env);
  const base = {
    apiKey: credentials.apiKey,
    timeoutMs: options.timeoutMs,
    ...(credentials.baseURL ? { baseURL: credentials.baseURL } : {}),
  };
  if (model.provider === 'openai') return (await import('./openai-batch.js')).createOpenAIBatchClient(base);
  return (await import('./anthropic-batch.js')).createAnthropicBatchClient(base);
}
