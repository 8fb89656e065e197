/**
 * Where the drift job's log lines come from, as the sampler sees it: a named origin that yields
 * its records in batches (a file read a megabyte at a time, a platform read a page at a time), so
 * the sampler's memory is bounded by a batch, whatever the volume. A record that cannot be used
 * carries the reason instead, and is counted as a bad line where it stands.
 */
export interface LogRecord {
  /** Position within the origin: a file's line, or a source's running record number. */
  readonly line: number;
  readonly record?: unknown;
  readonly error?: string;
  /** The platform's id for it (observation, run, completion), named in a bad line's report. */
  readonly id?: string;
  /** The sampling key of the input as it was logged, kept when the record was redacted (a snapshot). */
  readonly inputKey?: string;
}

export interface LogOrigin {
  /** A file's path, or the source's name (`langfuse`, `langsmith`, `openai-stored`). */
  readonly name: string;
  batches(): AsyncIterable<readonly LogRecord[]>;
}
