/**
 * What a failed page of a log source means for the run, decided once for every platform: the
 * official clients retry 408/429/5xx with the platform's retry-after before they throw, so what
 * reaches here kept failing. Throttling, server errors and dropped connections leave the week's
 * sample incomplete (exit 3); refused credentials or filters are bad input (exit 2). Whatever the
 * platform echoed is scrubbed of secrets before it becomes a message.
 */
import { ExitCode, SourceError } from '../errors.js';
import { scrubSecrets } from '../util/secrets.js';

export interface PageFailure {
  readonly source: string;
  /** The page's number, or what else was being read (`project "support-bot"`). */
  readonly page: number | string;
  /** The HTTP status, when the server answered at all. */
  readonly status?: number;
  readonly detail: string;
  /** The variables holding the credentials, named when the platform refuses them. */
  readonly credentials: readonly string[];
}

const oneLine = (text: string) => scrubSecrets(text).replace(/\s+/g, ' ').trim().slice(0, 300);

export function pageFailure(failure: PageFailure): SourceError {
  const { source, page, status, detail } = failure;
  const where = `${source}: ${typeof page === 'number' ? `page ${page}` : page}`;
  if (status === 401 || status === 403)
    return new SourceError(
      `${where}: the server refused the credentials (HTTP ${status}); check ${failure.credentials.join(' and ')}`,
      ExitCode.BadInput,
    );
  if (status !== undefined && status >= 400 && status < 500 && status !== 408 && status !== 429)
    return new SourceError(
      `${where}: the server rejected the request (HTTP ${status}: ${oneLine(detail)})`,
      ExitCode.BadInput,
    );
  const why = status === undefined ? oneLine(detail) : `HTTP ${status}: ${oneLine(detail)}`;
  return new SourceError(
    `${where} kept failing after retries (${why}); the week's logs were not all read, so the run is incomplete`,
    ExitCode.Incomplete,
  );
}

/**
 * A failed request of a Stainless-generated client (the `openai` and `langsmith` SDKs): their
 * APIError carries the HTTP status, and a 200 that is not JSON surfaces as the parser's SyntaxError —
 * a page of garbage (exit 2), never a short week.
 */
export function clientFailure(
  err: unknown,
  failure: Omit<PageFailure, 'status' | 'detail'> & { readonly pageShape: string },
): SourceError {
  const { pageShape, ...rest } = failure;
  if (err instanceof SyntaxError && typeof rest.page === 'number')
    return malformedPage(rest.source, rest.page, pageShape);
  const status =
    typeof err === 'object' && err !== null && 'status' in err && typeof err.status === 'number'
      ? err.status
      : undefined;
  return pageFailure({
    ...rest,
    ...(status !== undefined ? { status } : {}),
    detail: err instanceof Error ? err.message : String(err),
  });
}

/** A page the server sent that is not the platform's page shape: bad input, never a short week. */
export function malformedPage(source: string, page: number, what: string): SourceError {
  return new SourceError(
    `${source}: page ${page} is not ${what}; the source answered something else`,
    ExitCode.BadInput,
  );
}

/** A credential the environment must hold: missing is exit 2, naming the variable. */
export function requiredEnv(env: Readonly<Record<string, string | undefined>>, source: string, name: string): string {
  const value = env[name];
  if (!value)
    throw new SourceError(
      `drift.logs (${source}): ${name} is not set; the source reads its credentials only from the environment`,
      ExitCode.BadInput,
    );
  return value;
}
