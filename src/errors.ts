/**
 * Typed errors. Each carries the process exit code the CLI should end with and a message written
 * for a person (file, line, field, what was expected) — never a stack trace by default.
 *
 * Exit codes (SPEC "Command line"): 0 ok · 1 gate failed / drift · 2 bad input or config ·
 * 3 run incomplete (errors over limit, budget hit, offline cache miss).
 */
export const ExitCode = {
  Ok: 0,
  GateFailed: 1,
  BadInput: 2,
  Incomplete: 3,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

export class DriftgateError extends Error {
  readonly exitCode: ExitCode;
  constructor(message: string, exitCode: ExitCode) {
    super(message);
    this.name = new.target.name;
    this.exitCode = exitCode;
  }
}

/** driftgate.yaml is missing, unparsable or fails validation. */
export class ConfigError extends DriftgateError {
  constructor(message: string) {
    super(message, ExitCode.BadInput);
  }
}

/** A dataset file, a prompt template or a case is malformed. */
export class DatasetError extends DriftgateError {
  constructor(message: string) {
    super(message, ExitCode.BadInput);
  }
}

/** Something in the environment is wrong before any work starts: a missing API key, a bad flag. */
export class UsageError extends DriftgateError {
  constructor(message: string) {
    super(message, ExitCode.BadInput);
  }
}

/** A run directory or journal cannot be read or resumed. */
export class RunStateError extends DriftgateError {
  constructor(message: string) {
    super(message, ExitCode.BadInput);
  }
}

/**
 * The disk refused a write (full, read-only, no permission): the run stops as incomplete (exit 3);
 * what was written before stays readable and the run can be resumed once the disk allows it.
 */
export class StorageError extends DriftgateError {
  constructor(message: string) {
    super(message, ExitCode.Incomplete);
  }
}

/**
 * A log source (Langfuse, LangSmith, stored completions) could not be read to the end: a page kept
 * failing after the client's retries (exit 3: the week's sample is incomplete, never "no drift"),
 * or the platform refused the credentials or the filters (exit 2).
 */
export class SourceError extends DriftgateError {}

const STORAGE_CODES: Readonly<Record<string, string>> = {
  ENOSPC: 'the disk is full',
  EDQUOT: 'the disk quota is used up',
  EROFS: 'the file system is read-only',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
};

/** A StorageError for a failed write of `file`, or undefined when `err` is not a storage failure. */
export function storageError(err: unknown, file: string): StorageError | undefined {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  const why = code ? STORAGE_CODES[code] : undefined;
  return why ? new StorageError(`cannot write ${file}: ${why} (${code})`) : undefined;
}

/** Formats `file:line: field: message`, leaving out the parts that are unknown. */
export function locate(file: string, line: number | undefined, field: string | undefined, message: string): string {
  const where = line === undefined ? file : `${file}:${line}`;
  return field ? `${where}: ${field}: ${message}` : `${where}: ${message}`;
}
