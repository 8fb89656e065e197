/**
 * A run's records read back from its journal: the latest line of each planned item, in plan order
 * (suite, case, target, repeat). Whole, for the gate, the reports and batch judging; or as facts
 * (records/record-facts.ts) for the run's summaries, which is what lets a 100,000-case eval describe
 * itself without holding every answer. One pass over the file either way.
 */
import type { CallRecord } from '../records/call-record.js';
import { FactsProjector, type RecordFacts } from '../records/record-facts.js';
import { forEachJournalRecord } from './journal.js';
import type { PreparedSuite } from './plan.js';
import { withoutFailedScores } from './resume.js';

type Placed = Pick<CallRecord, 'suite' | 'caseId' | 'target' | 'repeat'>;

/** Orders records as the plan does, and says whether a record belongs to it. */
export function planPlacement(prepared: readonly PreparedSuite[]): { readonly inPlan: (r: Placed) => boolean; readonly compare: (a: Placed, b: Placed) => number } {
  const suiteIndex = new Map(prepared.map((p, i) => [p.config.name, i]));
  const caseIndex = new Map<string, Map<string, number>>();
  const casesOf = (suite: string): Map<string, number> => {
    let m = caseIndex.get(suite);
    if (!m) {
      m = new Map(prepared[suiteIndex.get(suite) as number]?.cases.map((c, i) => [c.case.id, i]) ?? []);
      caseIndex.set(suite, m);
    }
    return m;
  };
  const targetIndex = (r: Placed): number => prepared[suiteIndex.get(r.suite) as number]?.config.targets.indexOf(r.target) ?? -1;
  return {
    inPlan: (r) => {
      const p = prepared[suiteIndex.get(r.suite) ?? -1];
      return p !== undefined && p.caseById.has(r.caseId) && p.config.targets.includes(r.target);
    },
    compare: (a, b) =>
      (suiteIndex.get(a.suite) as number) - (suiteIndex.get(b.suite) as number) ||
      (casesOf(a.suite).get(a.caseId) as number) - (casesOf(b.suite).get(b.caseId) as number) ||
      targetIndex(a) - targetIndex(b) ||
      a.repeat - b.repeat,
  };
}

/**
 * Every planned item's latest record, whole. With `sessionStart`, lines written before it (earlier
 * sessions of a resumed run) have their failed scores dropped, as the after phase sees them.
 */
export async function readRunRecords(journalFile: string, prepared: readonly PreparedSuite[], sessionStart?: number): Promise<CallRecord[]> {
  const { inPlan, compare } = planPlacement(prepared);
  const latest = new Map<string, CallRecord>();
  await forEachJournalRecord(journalFile, (r, offset) => {
    if (inPlan(r)) latest.set(r.itemId, sessionStart !== undefined && offset < sessionStart ? (withoutFailedScores([r])[0] as CallRecord) : r);
  });
  return [...latest.values()].sort(compare);
}

export interface RunFacts {
  /** Every planned item's latest record as facts, in plan order. */
  readonly facts: readonly RecordFacts[];
  /** The latest records `keepWhole` asked for, whole, in plan order. */
  readonly whole: readonly CallRecord[];
}

export async function readRunFacts(journalFile: string, prepared: readonly PreparedSuite[], keepWhole: (r: CallRecord) => boolean = () => false): Promise<RunFacts> {
  const { inPlan, compare } = planPlacement(prepared);
  const projector = new FactsProjector();
  const facts = new Map<string, RecordFacts>();
  const whole = new Map<string, CallRecord>();
  await forEachJournalRecord(journalFile, (r) => {
    if (!inPlan(r)) return;
    facts.set(r.itemId, projector.facts(r));
    if (keepWhole(r)) whole.set(r.itemId, r);
    else whole.delete(r.itemId);
  });
  return { facts: [...facts.values()].sort(compare), whole: [...whole.values()].sort(compare) };
}
