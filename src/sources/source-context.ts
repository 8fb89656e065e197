/** What every log source is opened with: the window's start and the environment its credentials live in. */
export interface SourceContext {
  readonly since?: Date;
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Retries of a failed page before it counts as failed (the client's own backoff between them). */
  readonly maxRetries?: number;
  /** The config's folder: where a source's relative paths (the sql source's files) resolve. */
  readonly rootDir?: string;
}
