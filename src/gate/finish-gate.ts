/**
 * What every command does with a gate's outcome once the verdicts are in (eval, compare, the
 * Action): the flipped cases' answers read from the files, and `gate.json` written for the reports.
 */
import path from 'node:path';
import type { CallRecord } from '../records/call-record.js';
import { saveGateOutcome } from './gate-file.js';
import { JOURNAL_FILE } from '../runner/store/run-dir.js';
import { withFlipAnswers } from './flip-answers.js';
import type { GateOutcome } from './run-gate.js';

export async function finishGate(
  runDir: string,
  runId: string,
  outcome: GateOutcome,
  records: () => Promise<readonly CallRecord[]>,
): Promise<GateOutcome> {
  const finished = await withFlipAnswers(outcome, path.join(runDir, JOURNAL_FILE));
  await saveGateOutcome(runDir, runId, finished, await records());
  return finished;
}
