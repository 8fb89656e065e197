/**
 * A run's records read back from its journal: the latest line of each planned item, in plan order
 * (suite, case, target, repeat). Whole, for the gate, the reports and batch judging; or as facts
 * (records/record-facts.ts) for the run's summaries, which is what lets a 100,000-case eval describe
 * itself without holding every answer. One pass over the file either way.
 */
import type { CallRecord } from '../../records/call-record.js';
import { FactsProjector, type RecordFacts } from '../../records/record-facts.js';
import { forEachJournalRecord } from './journal.js';
import type { PreparedSuite } from '../plan/plan.js';
import { withoutFailedScore } from './resume.js';

type Placed = Pick<CallRecord, 'suite' | 'caseId' | 'target' | 'repeat'>;

/** Where a record sits in the plan: its slot (planned repeats) and the plan's own case id string. */
interface Place {
  /** Index in plan order among the planned items; undefined for adaptive rounds' extra repeats. */
  readonly slot: number | undefined;
  readonly caseId: string;
  readonly order: readonly [number, number, number, number];
}

export interface PlanPlacement {
  /** Undefined when the record's suite, case or target is not in the plan. */
  place(r: Placed): Place | undefined;
  /** Plan order: suite, case, target, repeat (records in the plan). */
  compare(a: Placed, b: Placed): number;
  /** Planned items: the number of slots. */
  readonly size: number;
}

export function planPlacement(prepared: readonly PreparedSuite[]): PlanPlacement {
  let base = 0;
  const suites = new Map(
    prepared.map((p, i) => {
      // caseById keeps the cases' order; its keys are strings already held.
      const ids = [...p.caseById.keys()];
      const placed = {
        order: i,
        ids,
        index: new Map(ids.map((id, k) => [id, k])),
        targets: p.config.targets,
        repeats: p.config.repeats,
        base,
      };
      base += ids.length * p.config.targets.length * p.config.repeats;
      return [p.config.name, placed] as const;
    }),
  );
  const place = (r: Placed): Place | undefined => {
    const s = suites.get(r.suite);
    const c = s?.index.get(r.caseId);
    const t = s?.targets.indexOf(r.target) ?? -1;
    if (!s || c === undefined || t < 0) return undefined;
    return {
      slot: r.repeat < s.repeats ? s.base + (c * s.targets.length + t) * s.repeats + r.repeat : undefined,
      caseId: s.ids[c] as string,
      order: [s.order, c, t, r.repeat],
    };
  };
  return {
    size: base,
    place,
    compare: (a, b) => {
      const x = (place(a) as Place).order;
      const y = (place(b) as Place).order;
      return x[0] - y[0] || x[1] - y[1] || x[2] - y[2] || x[3] - y[3];
    },
  };
}

/**
 * The latest value of each planned item, in plan order: planned items by slot (no map of 100,000
 * item ids, no sort), then adaptive rounds' extra repeats, a few, sorted. Setting undefined drops
 * an item whose later line is not wanted.
 */
class InPlanOrder<T> {
  private readonly slots: (T | undefined)[];
  private readonly extra = new Map<string, { readonly record: CallRecord; readonly value: T }>();

  constructor(private readonly placement: PlanPlacement) {
    this.slots = new Array<T | undefined>(placement.size);
  }

  set(record: CallRecord, place: Place, value: T | undefined): void {
    if (place.slot !== undefined) this.slots[place.slot] = value;
    else if (value === undefined) this.extra.delete(record.itemId);
    else this.extra.set(record.itemId, { record, value });
  }

  get hasExtra(): boolean {
    return this.extra.size > 0;
  }

  values(): T[] {
    const out = this.slots.filter((v): v is T => v !== undefined);
    for (const { value } of [...this.extra.values()].sort((a, b) => this.placement.compare(a.record, b.record)))
      out.push(value);
    return out;
  }
}

/**
 * Every planned item's latest record, whole, in plan order — or only those `keep` wants (their latest line).
 * With `sessionStart`, lines written before it (earlier sessions of a resumed run) have their
 * failed scores dropped, as the after phase sees them.
 */
export async function readRunRecords(
  journalFile: string,
  prepared: readonly PreparedSuite[],
  options: { readonly sessionStart?: number; readonly keep?: (r: CallRecord) => boolean } = {},
): Promise<CallRecord[]> {
  const placement = planPlacement(prepared);
  const latest = new InPlanOrder<CallRecord>(placement);
  const { sessionStart, keep } = options;
  await forEachJournalRecord(journalFile, (line, offset) => {
    const place = placement.place(line);
    if (!place) return;
    const r = sessionStart !== undefined && offset < sessionStart ? withoutFailedScore(line) : line;
    latest.set(r, place, !keep || keep(r) ? r : undefined);
  });
  // Whole records put a round's extra repeats beside their case's others (plan order throughout).
  return latest.hasExtra ? latest.values().sort(placement.compare) : latest.values();
}

/**
 * Every planned item's latest record as the gate compares it (records/record-facts.ts
 * `gateRecord`: no answer, key, timestamp or reasons; scores shared), in plan order.
 */
export async function readGateRecords(journalFile: string, prepared: readonly PreparedSuite[]): Promise<CallRecord[]> {
  const placement = planPlacement(prepared);
  const projector = new FactsProjector();
  const latest = new InPlanOrder<CallRecord>(placement);
  await forEachJournalRecord(journalFile, (r) => {
    const place = placement.place(r);
    if (place) latest.set(r, place, projector.gateRecord(r, place.caseId));
  });
  return latest.hasExtra ? latest.values().sort(placement.compare) : latest.values();
}

export interface RunFacts {
  /** Every planned item's latest record as facts, in plan order. */
  readonly facts: readonly RecordFacts[];
  /** The latest records `keepWhole` asked for, whole, in plan order. */
  readonly whole: readonly CallRecord[];
}

export async function readRunFacts(
  journalFile: string,
  prepared: readonly PreparedSuite[],
  keepWhole: (r: CallRecord) => boolean = () => false,
): Promise<RunFacts> {
  const placement = planPlacement(prepared);
  const projector = new FactsProjector();
  const facts = new InPlanOrder<RecordFacts>(placement);
  const whole = new InPlanOrder<CallRecord>(placement);
  await forEachJournalRecord(journalFile, (r) => {
    const place = placement.place(r);
    if (!place) return;
    facts.set(r, place, projector.facts(r, place.caseId));
    whole.set(r, place, keepWhole(r) ? r : undefined);
  });
  return { facts: facts.values(), whole: whole.values() };
}
