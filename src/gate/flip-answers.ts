/**
 * The gate compares records and baseline cases without their answers (held back at scale); the
 * flipped cases are what the reports show side by side, so their answers are read afterwards, a
 * line at a time: the current side's from the run's journal, the baseline's from its file.
 */
import { renderAnswer } from '../conversation/types.js';
import { answersOf } from '../baselines/baseline-stream.js';
import { forEachJournalRecord } from '../runner/store/journal.js';
import type { GateOutcome } from './run-gate.js';

const keyOf = (suite: string, target: string, caseId: string) => `${suite}\u0000${target}\u0000${caseId}`;

/** `suite/target/case` → the answer of the case's first ok repeat (its latest line), for the cases wanted. */
async function journalAnswers(journalFile: string, wanted: ReadonlySet<string>): Promise<Map<string, string>> {
  const held = new Map<string, { repeat: number; answer: string }>();
  await forEachJournalRecord(journalFile, (r) => {
    const key = keyOf(r.suite, r.target, r.caseId);
    if (!wanted.has(key) || r.status !== 'ok' || r.output === null) return;
    const before = held.get(key);
    if (!before || r.repeat <= before.repeat)
      held.set(key, { repeat: r.repeat, answer: renderAnswer(r.output, r.toolCalls) });
  });
  return new Map([...held].map(([k, v]) => [k, v.answer]));
}

/** The outcome with every flip's two answers filled in. */
export async function withFlipAnswers(outcome: GateOutcome, journalFile: string): Promise<GateOutcome> {
  const wanted = new Set(outcome.report.suites.flatMap((s) => s.flips.map((f) => keyOf(s.suite, s.target, f.caseId))));
  if (wanted.size === 0) return outcome;
  const current = await journalAnswers(journalFile, wanted);
  // Per suite, the `target/caseId` keys the baseline file names its answers by.
  const flipped = new Map<string, Set<string>>();
  for (const s of outcome.report.suites)
    for (const f of s.flips) flipped.set(s.suite, (flipped.get(s.suite) ?? new Set()).add(`${s.target}/${f.caseId}`));
  const baseline = new Map<string, Map<string, string>>();
  for (const [suite, keys] of flipped) {
    const file = outcome.baselineFiles.get(suite);
    if (file) baseline.set(suite, await answersOf(file, (key) => keys.has(key)));
  }
  const suites = outcome.report.suites.map((s) => ({
    ...s,
    flips: s.flips.map((f) => ({
      ...f,
      baselineOutput: baseline.get(s.suite)?.get(`${s.target}/${f.caseId}`) ?? f.baselineOutput,
      currentOutput: current.get(keyOf(s.suite, s.target, f.caseId)) ?? f.currentOutput,
    })),
  }));
  return { ...outcome, report: { ...outcome.report, suites } };
}
