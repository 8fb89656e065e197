/**
 * What production did in the window, counted over every log line in one pass with bounded memory:
 * calls, tokens and dollars per feature × served model (the cells the cost change is decomposed
 * over), per day, per `group_by` value; which model ids and fingerprints answered each requested
 * alias, with their first and last time; the largest callers (Space-Saving); latency quantiles and
 * error rates per served model. Dollars are the logged cost when a line has one, else the price
 * table's; a model with neither is counted and named, never priced at $0.
 */
import { costUsd, type PriceTable } from '../providers/pricing.js';
import { SpaceSaving, type HeavyHitter } from './space-saving.js';
import { FeedbackTally, type FeedbackGroup } from './feedback-tally.js';
import type { UsageLine } from './usage-line.js';

export const PRODUCTION_SCHEMA_VERSION = 1;
/** Days in an average month: a window's dollars a day × this is its month. */
export const MONTH_DAYS = 30.44;
const DAY = 86_400_000;
const MAX_KEYS = 200;

export interface CostCell {
  readonly feature: string;
  readonly model: string;
  readonly calls: number;
  readonly inputTokens: number;
  readonly outputTokens: number;
  readonly cachedInputTokens: number;
  /** Dollars of the input and of the output tokens (a logged total split by the price table's shares). */
  readonly inputUsd: number;
  readonly outputUsd: number;
}

export interface DailyFeature {
  readonly day: string;
  readonly feature: string;
  readonly calls: number;
  readonly inputTokens: number;
  readonly outputTokens: number;
  readonly usd: number;
}

export interface ServedEntry {
  readonly alias: string;
  readonly model: string;
  readonly fingerprint?: string;
  readonly calls: number;
  readonly first: string;
  readonly last: string;
}

export interface ModelHealth {
  readonly model: string;
  readonly calls: number;
  readonly errors: number;
  readonly latencyP50Ms?: number;
  readonly latencyP95Ms?: number;
}

/** The window's production figures: what drift.json reports and the history keeps. */
export interface ProductionWeek {
  readonly schemaVersion: typeof PRODUCTION_SCHEMA_VERSION;
  readonly start?: string;
  readonly end?: string;
  /** Days the window spans (its figures per day compare windows of other lengths). */
  readonly days: number;
  readonly lines: number;
  readonly withUsage: number;
  readonly withLoggedCost: number;
  readonly withServedModel: number;
  /** Calls whose model has no price and no logged cost, by model. */
  readonly unpriced: Readonly<Record<string, number>>;
  readonly cells: readonly CostCell[];
  readonly daily: readonly DailyFeature[];
  readonly groups?: { readonly field: string; readonly rows: readonly { value: string; calls: number; usd: number }[] };
  readonly served: readonly ServedEntry[];
  /** Calls per day, alias and served model id: the served-model timeline by day. */
  readonly servedByDay?: readonly {
    readonly day: string;
    readonly alias: string;
    readonly model: string;
    readonly calls: number;
  }[];
  readonly callers: { readonly users: readonly HeavyHitter[]; readonly sessions: readonly HeavyHitter[] };
  readonly models: readonly ModelHealth[];
  /** Users' feedback sums per name, feature, served model and prompt version. */
  readonly feedback?: readonly FeedbackGroup[];
  /** Per feature, a seeded uniform subsample of the window's input lengths (characters). */
  readonly inputChars?: Readonly<Record<string, readonly number[]>>;
  /** Per feature, how many of its sampled inputs use each common word (the traffic test on the text). */
  readonly inputWords?: Readonly<
    Record<string, { readonly inputs: number; readonly words: Readonly<Record<string, number>> }>
  >;
}

type MutableCell = { -readonly [K in keyof CostCell]: CostCell[K] };

/** Latency in log-spaced buckets (5% wide): quantiles within 2.5%, memory fixed. */
class LatencyHistogram {
  private readonly buckets = new Map<number, number>();
  n = 0;
  add(ms: number): void {
    const b = ms <= 1 ? 0 : Math.ceil(Math.log(ms) / Math.log(1.05));
    this.buckets.set(b, (this.buckets.get(b) ?? 0) + 1);
    this.n++;
  }
  quantile(q: number): number | undefined {
    if (this.n === 0) return undefined;
    let seen = 0;
    for (const [b, c] of [...this.buckets].sort((x, y) => x[0] - y[0])) {
      seen += c;
      if (seen >= q * this.n) return Math.round(1.05 ** (b - 0.5));
    }
    return undefined;
  }
}

export class ProductionTally {
  private readonly cells = new Map<string, MutableCell>();
  private readonly daily = new Map<string, { -readonly [K in keyof DailyFeature]: DailyFeature[K] }>();
  private readonly groups = new Map<string, { calls: number; usd: number }>();
  private readonly served = new Map<
    string,
    { alias: string; model: string; fingerprint?: string; calls: number; first: number; last: number }
  >();
  private readonly servedDays = new Map<string, { day: string; alias: string; model: string; calls: number }>();
  private readonly priceCache = new Map<string, { name: string; price: ReturnType<PriceTable['lookup']> }>();
  private readonly health = new Map<string, { calls: number; errors: number; latency: LatencyHistogram }>();
  private readonly unpriced: Record<string, number> = {};
  private readonly users = new SpaceSaving(100);
  private readonly sessions = new SpaceSaving(100);
  private readonly features = new Set<string>();
  private readonly samples = new FeedbackTally();
  private lines = 0;
  private withUsage = 0;
  private withLoggedCost = 0;
  private withServedModel = 0;
  private minTime = Infinity;
  private maxTime = -Infinity;

  constructor(
    private readonly prices: PriceTable,
    private readonly options: { readonly groupBy?: string; readonly since?: Date; readonly end?: Date } = {},
  ) {}

  add(line: UsageLine): void {
    this.lines++;
    // Features beyond the cap share one row, so memory stays bounded whatever the labels.
    const feature = this.features.has(line.feature) || this.features.size < MAX_KEYS ? line.feature : '(other)';
    this.features.add(feature);
    const model = line.servedModel ?? line.requestedModel ?? '(not logged)';
    if (line.servedModel) this.withServedModel++;
    const usd = this.dollars(line, model);
    // Cells are per priced model: a dated snapshot of the same price is not a change of model mix.
    const priced = this.priceOf(model).name;
    const key = `${feature}\u0000${priced}`;
    const cell = this.cells.get(key) ?? this.newCell(key, feature, priced);
    cell.calls++;
    cell.inputTokens += line.inputTokens ?? 0;
    cell.outputTokens += line.outputTokens ?? 0;
    cell.cachedInputTokens += line.cachedInputTokens ?? 0;
    cell.inputUsd += usd.input;
    cell.outputUsd += usd.output;
    if (line.time !== undefined) {
      this.minTime = Math.min(this.minTime, line.time);
      this.maxTime = Math.max(this.maxTime, line.time);
      // Keyed by the day's number: the ISO date is written once per day, not once per line.
      const dayNumber = Math.floor(line.time / DAY);
      const dkey = `${dayNumber}\u0000${feature}`;
      let d = this.daily.get(dkey);
      if (!d) {
        const day = new Date(dayNumber * DAY).toISOString().slice(0, 10);
        d = { day, feature, calls: 0, inputTokens: 0, outputTokens: 0, usd: 0 };
      }
      d.calls++;
      d.inputTokens += line.inputTokens ?? 0;
      d.outputTokens += line.outputTokens ?? 0;
      d.usd += usd.input + usd.output;
      this.daily.set(dkey, d);
    }
    if (line.group !== undefined) {
      const value = this.groups.has(line.group) || this.groups.size < MAX_KEYS ? line.group : '(other)';
      const g = this.groups.get(value) ?? { calls: 0, usd: 0 };
      g.calls++;
      g.usd += usd.input + usd.output;
      this.groups.set(value, g);
    }
    if (line.servedModel) this.serve(line, line.servedModel);
    if (line.user) this.users.add(line.user, usd.input + usd.output);
    if (line.session) this.sessions.add(line.session, usd.input + usd.output);
    this.samples.add(line, feature, model);
    const h = this.health.get(model) ?? { calls: 0, errors: 0, latency: new LatencyHistogram() };
    h.calls++;
    if (line.error) h.errors++;
    if (line.latencyMs !== undefined) h.latency.add(line.latencyMs);
    this.health.set(model, h);
  }

  private newCell(key: string, feature: string, model: string): MutableCell {
    const cell = {
      feature,
      model,
      calls: 0,
      inputTokens: 0,
      outputTokens: 0,
      cachedInputTokens: 0,
      inputUsd: 0,
      outputUsd: 0,
    };
    this.cells.set(key, cell);
    return cell;
  }

  /** The call's dollars, split into its input and output parts. */
  private dollars(line: UsageLine, model: string): { input: number; output: number } {
    const hasUsage = line.inputTokens !== undefined || line.outputTokens !== undefined;
    if (hasUsage) this.withUsage++;
    if (line.costUsd !== undefined) this.withLoggedCost++;
    const { price } = this.priceOf(model);
    const input = line.inputTokens ?? 0;
    const output = line.outputTokens ?? 0;
    if (price && hasUsage) {
      const inUsd =
        costUsd(price, { inputTokens: input, outputTokens: 0, cachedInputTokens: line.cachedInputTokens ?? 0 }) ?? 0;
      const outUsd = costUsd(price, { inputTokens: 0, outputTokens: output }) ?? 0;
      if (line.costUsd === undefined || inUsd + outUsd === 0) return { input: inUsd, output: outUsd };
      const scale = line.costUsd / (inUsd + outUsd);
      return { input: inUsd * scale, output: outUsd * scale };
    }
    if (line.costUsd !== undefined) {
      // No price to split by: the logged total is shared by tokens.
      const share = input + output > 0 ? input / (input + output) : 0.5;
      return { input: line.costUsd * share, output: line.costUsd * (1 - share) };
    }
    if (hasUsage) this.unpriced[model] = (this.unpriced[model] ?? 0) + 1;
    return { input: 0, output: 0 };
  }

  private serve(line: UsageLine, model: string): void {
    const alias = line.requestedModel ?? '(not logged)';
    const key = `${alias}\u0000${model}\u0000${line.fingerprint ?? ''}`;
    let entry = this.served.get(key);
    if (!entry) {
      if (this.served.size >= MAX_KEYS) return;
      entry = {
        alias,
        model,
        ...(line.fingerprint ? { fingerprint: line.fingerprint } : {}),
        calls: 0,
        first: Infinity,
        last: -Infinity,
      };
      this.served.set(key, entry);
    }
    entry.calls++;
    if (line.time !== undefined) {
      if (line.time < entry.first) entry.first = line.time;
      if (line.time > entry.last) entry.last = line.time;
      const dayNumber = Math.floor(line.time / DAY);
      const dkey = `${dayNumber}\u0000${alias}\u0000${model}`;
      let d = this.servedDays.get(dkey);
      if (!d && this.servedDays.size < MAX_KEYS * 31) {
        d = { day: new Date(dayNumber * DAY).toISOString().slice(0, 10), alias, model, calls: 0 };
        this.servedDays.set(dkey, d);
      }
      if (d) d.calls++;
    }
  }

  /** The price table's entry and name for a model, looked up once per model, not once per line. */
  private priceOf(model: string): { name: string; price: ReturnType<PriceTable['lookup']> } {
    let found = this.priceCache.get(model);
    if (!found) {
      found = { name: this.prices.priceName(model) ?? model, price: this.prices.lookup(model) };
      if (this.priceCache.size < 10_000) this.priceCache.set(model, found);
    }
    return found;
  }

  result(): ProductionWeek {
    const start = this.options.since?.getTime() ?? (Number.isFinite(this.minTime) ? this.minTime : undefined);
    const end = this.options.end?.getTime() ?? (Number.isFinite(this.maxTime) ? this.maxTime : undefined);
    const days = start !== undefined && end !== undefined ? Math.max((end - start) / DAY, 1 / 24) : 1;
    const byName = <T extends { feature: string }>(a: T, b: T) =>
      a.feature < b.feature ? -1 : a.feature > b.feature ? 1 : 0;
    return {
      schemaVersion: PRODUCTION_SCHEMA_VERSION,
      ...(start !== undefined ? { start: new Date(start).toISOString() } : {}),
      ...(end !== undefined ? { end: new Date(end).toISOString() } : {}),
      days: Number(days.toFixed(4)),
      lines: this.lines,
      withUsage: this.withUsage,
      withLoggedCost: this.withLoggedCost,
      withServedModel: this.withServedModel,
      unpriced: { ...this.unpriced },
      cells: [...this.cells.values()].sort((a, b) => byName(a, b) || (a.model < b.model ? -1 : 1)),
      daily: [...this.daily.values()].sort((a, b) => (a.day < b.day ? -1 : a.day > b.day ? 1 : byName(a, b))),
      ...(this.options.groupBy
        ? {
            groups: {
              field: this.options.groupBy,
              rows: [...this.groups].map(([value, g]) => ({ value, ...g })).sort((a, b) => b.usd - a.usd),
            },
          }
        : {}),
      served: [...this.served.values()]
        .map(({ first, last, ...e }) => ({
          ...e,
          first: Number.isFinite(first) ? new Date(first).toISOString() : '',
          last: Number.isFinite(last) ? new Date(last).toISOString() : '',
        }))
        .sort((a, b) =>
          a.alias < b.alias ? -1 : a.alias > b.alias ? 1 : a.first < b.first ? -1 : a.first > b.first ? 1 : 0,
        ),
      servedByDay: [...this.servedDays.values()].sort((a, b) =>
        a.day < b.day ? -1 : a.day > b.day ? 1 : a.alias + a.model < b.alias + b.model ? -1 : 1,
      ),
      callers: { users: this.users.top(5), sessions: this.sessions.top(5) },
      models: [...this.health]
        .map(([model, h]) => ({
          model,
          calls: h.calls,
          errors: h.errors,
          ...(h.latency.n ? { latencyP50Ms: h.latency.quantile(0.5), latencyP95Ms: h.latency.quantile(0.95) } : {}),
        }))
        .sort((a, b) => b.calls - a.calls),
      feedback: this.samples.feedback(),
      inputChars: this.samples.inputChars(),
      inputWords: this.samples.inputWords(),
    };
  }
}
