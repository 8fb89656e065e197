/**
 * The results a run directory holds besides its journal, written by the commands that compute them
 * so that `driftgate report` (and the Action) render from files alone: `gate.json`
 * (`gate/gate-file.ts`) and `drift.json` (`drift/drift-file.ts`). Both carry this `schemaVersion`
 * and are written atomically; this is the one reader.
 */
import { readTextIfExists } from '../../util/read-text.js';
import { RunStateError } from '../../errors.js';

export const RESULTS_SCHEMA_VERSION = 1;

/** Undefined when the file does not exist; a corrupt or newer file is bad input (exit 2). */
export async function readResultFile<T extends { schemaVersion: number }>(file: string): Promise<T | undefined> {
  const text = await readTextIfExists(file);
  if (text === undefined) return undefined;
  let value: T;
  try {
    value = JSON.parse(text) as T;
  } catch {
    throw new RunStateError(`${file}: not valid JSON`);
  }
  if (value.schemaVersion !== RESULTS_SCHEMA_VERSION) {
    throw new RunStateError(
      `${file}: schemaVersion ${String(value.schemaVersion)} is not supported by this driftgate (expected ${RESULTS_SCHEMA_VERSION}); upgrade driftgate`,
    );
  }
  return value;
}
