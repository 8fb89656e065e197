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

export interface PlanPlacement {
  /** The record's suite, case and target are in the plan. */
  inPlan(r: Placed): boolean;
  /** Plan order: suite, case, target, repeat. */
  compare(a: Placed, b: Placed): number;
  /** A planned (not adaptive-round) item's index in plan order, for an array of `size` slots. */
  slot(r: Placed): number | undefined;
  readonly size: number;
  /** The case id string the plan already holds, for a record's equal one. */
  caseId(r: Placed): string;
}

export function planPlacement(prepared: readonly PreparedSuite[]): PlanPlacement {
  let base = 0;
  const suites = new Map(
    prepared.map((p, i) => {
      // caseById keeps the cases' order; its keys are strings already held.
      const ids = [...p.caseById.keys()];
      const placed = { order: i, ids, index: new Map(ids.map((id, k) => [id, k])), targets: p.config.targets, repeats: p.config.repeats, base };
      base += ids.length * p.config.targets.length * p.config.repeats;
      return [p.config.name, placed] as const;
    }),
  );
  const at = (r: Placed) => {
    const s = suites.get(r.suite);
    const c = s?.index.get(r.caseId);
    const t = s?.targets.indexOf(r.target) ?? -1;
    return s && c !== undefined && t >= 0 ? { s, c, t } : undefined;
  };
  return {
    size: base,
    inPlan: (r) => at(r) !== undefined,
    compare: (a, b) => {
      const x = at(a) as NonNullable<ReturnType<typeof at>>;
      const y = at(b) as NonNullable<ReturnType<typeof at>>;
      return x.s.order - y.s.order || x.c - y.c || x.t - y.t || a.repeat - b.repeat;
    },
    slot: (r) => {
      const p = at(r);
      return p && r.repeat < p.s.repeats ? p.s.base + (p.c * p.s.targets.length + p.t) * p.s.repeats + r.repeat : undefined;
    },
    caseId: (r) => {
      const p = at(r);
      return p ? (p.s.ids[p.c] as string) : r.caseId;
    },
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
  const place = planPlacement(prepared);
  const projector = new FactsProjector();
  // Planned items go to their slot in plan order (no map of 100,000 item ids, no sort); adaptive
  // rounds' extra repeats, a few, follow them.
  const slots = new Array<RecordFacts | undefined>(place.size);
  const extra = new Map<string, RecordFacts>();
  const whole = new Map<string, CallRecord>();
  await forEachJournalRecord(journalFile, (r) => {
    if (!place.inPlan(r)) return;
    const facts = projector.facts(r, place.caseId(r));
    const slot = place.slot(r);
    if (slot !== undefined) slots[slot] = facts;
    else extra.set(r.itemId, facts);
    if (keepWhole(r)) whole.set(r.itemId, r);
    else whole.delete(r.itemId);
  });
  const facts = slots.filter((f): f is RecordFacts => f !== undefined);
  facts.push(...[...extra.values()].sort(place.compare));
  return { facts, whole: [...whole.values()].sort(place.compare) };
}
