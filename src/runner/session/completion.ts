/**
 * When a run is complete — one rule for `eval` and `drift` (ARCHITECTURE.md "Complete means"):
 * every planned call was made (no stop, no budget cut, nothing missing from the cache offline), at
 * most `runner.max_errors` calls ended in an error (default 0), and no scorer failed past its
 * allowance. Anything else is incomplete (exit 3) with a reason that says how to go on; an
 * incomplete run is never read as "passed" or "no drift".
 */
import type { StopSignal } from '../calls/interrupt.js';
import type { ExecuteResult } from '../calls/execute.js';
import { allowedErrorCount } from '../calls/allowance.js';
import { scorerFailureReason, type ScorerHealth } from '../scoring/scorer-health.js';
import { JOURNAL_FILE } from '../store/run-dir.js';

export interface CompletionFacts {
  /** `driftgate eval --resume <id>` or `driftgate drift --resume <id>`. */
  readonly resumeCommand: string;
  /** Calls the run planned in all sessions. */
  readonly planned: number;
  readonly outcome: Pick<ExecuteResult, 'notStarted' | 'skippedForBudget' | 'firstCacheMiss'>;
  readonly stop?: Pick<StopSignal, 'requested' | 'reason'>;
  readonly maxCostUsd?: number;
  /** The latest record of every item (facts suffice). */
  readonly records: readonly { readonly status: string; readonly error?: { readonly kind: string } | null }[];
  /** `runner.max_errors`, or a `--max-errors` override: a count, or a share such as "5%". */
  readonly maxErrors: number | string;
  readonly scorers: readonly ScorerHealth[];
}

export function incompleteReason(facts: CompletionFacts): string | undefined {
  const { outcome, planned, resumeCommand } = facts;
  const errors = facts.records.filter((r) => r.status === 'error').length;
  const allowed = allowedErrorCount(facts.maxErrors, planned);
  let calls: string | undefined;
  if (facts.stop?.requested && outcome.notStarted > 0) {
    calls = `${facts.stop.reason ?? 'interrupted'}: ${outcome.notStarted} of ${planned} calls not made; every finished call is journaled (resume with: ${resumeCommand})`;
  } else if (outcome.skippedForBudget > 0) {
    calls = `budget of $${facts.maxCostUsd} reached: ${outcome.skippedForBudget} of ${planned} calls not made (resume with: ${resumeCommand} --max-cost <more>)`;
  } else if (outcome.firstCacheMiss) {
    const miss = outcome.firstCacheMiss;
    const misses = facts.records.filter((r) => r.error?.kind === 'cache_miss').length;
    calls = `--offline: ${misses} calls are not in the cache; first missing: suite ${miss.suite}, case "${miss.caseId}", target ${miss.target}, repeat ${miss.repeat} (key ${miss.key.slice(0, 16)}…)`;
  } else if (errors > allowed) {
    calls = `${errors} of ${planned} calls failed (allowed: ${allowed}; see error records in ${JOURNAL_FILE}, raise runner.max_errors, or resume with: ${resumeCommand})`;
  }
  const scorer = scorerFailureReason(facts.scorers);
  const parts = [
    calls,
    scorer ? `${scorer} (fix the scorer, then resume with: ${resumeCommand}; failed scorings are retried)` : undefined,
  ].filter((part): part is string => part !== undefined);
  return parts.length > 0 ? parts.join('; ') : undefined;
}
