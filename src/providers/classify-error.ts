/**
 * Maps errors thrown by the official SDKs to a ProviderCallError. Both `openai` and
 * `@anthropic-ai/sdk` throw the same family of classes (APIError with `status` and `headers`,
 * APIConnectionError, APIConnectionTimeoutError), so one function serves both.
 */
import { ProviderCallError, type FailureKind } from './types.js';

interface SdkErrorClasses {
  APIError: abstract new (...args: never[]) => Error;
  APIConnectionError: abstract new (...args: never[]) => Error;
  APIConnectionTimeoutError: abstract new (...args: never[]) => Error;
}

export function classifySdkError(err: unknown, sdk: SdkErrorClasses): ProviderCallError {
  if (err instanceof ProviderCallError) return err;
  if (err instanceof sdk.APIConnectionTimeoutError) return new ProviderCallError('timeout', 'request timed out');
  if (err instanceof sdk.APIConnectionError) {
    const cause = (err as Error & { cause?: { code?: string; message?: string } }).cause;
    return new ProviderCallError(
      'connection',
      `connection failed${cause?.code ? ` (${cause.code})` : cause?.message ? ` (${cause.message})` : ''}`,
    );
  }
  if (err instanceof sdk.APIError) {
    const status = (err as Error & { status?: number }).status;
    const headers = (err as Error & { headers?: unknown }).headers;
    return new ProviderCallError(kindOfStatus(status), err.message, status, retryAfterMs(headers));
  }
  if (err instanceof SyntaxError)
    return new ProviderCallError('malformed', `response body is not valid JSON (${err.message})`);
  return new ProviderCallError('other', err instanceof Error ? err.message : String(err));
}

function kindOfStatus(status: number | undefined): FailureKind {
  if (status === undefined) return 'other';
  if (status === 429) return 'rate_limit';
  if (status === 408) return 'timeout';
  if (status === 401 || status === 403) return 'auth';
  if (status === 404) return 'not_found';
  if (status === 409 || status >= 500) return 'server';
  if (status >= 400) return 'bad_request';
  return 'other';
}

/** Reads `retry-after-ms` (OpenAI) or `retry-after` (seconds or an HTTP date). */
export function retryAfterMs(headers: unknown, now = Date.now()): number | undefined {
  const get = (name: string): string | null | undefined => {
    if (!headers) return undefined;
    if (typeof (headers as Headers).get === 'function') return (headers as Headers).get(name);
    const value = (headers as Record<string, unknown>)[name];
    return typeof value === 'string' ? value : undefined;
  };
  const ms = Number.parseFloat(get('retry-after-ms') ?? '');
  if (Number.isFinite(ms) && ms >= 0) return ms;
  const raw = get('retry-after');
  if (!raw) return undefined;
  const seconds = Number.parseFloat(raw);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  const date = Date.parse(raw);
  return Number.isFinite(date) ? Math.max(0, date - now) : undefined;
}

/** Runs one SDK request, turning whatever it throws into a classified ProviderCallError. */
export function sdkCaller(sdk: SdkErrorClasses): <T>(request: () => Promise<T>) => Promise<T> {
  return async (request) => {
    try {
      return await request();
    } catch (err) {
      throw classifySdkError(err, sdk);
    }
  };
}
