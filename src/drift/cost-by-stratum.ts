/**
 * What the drift costs: mean dollars per answer, pinned vs current, per stratum (the log's
 * `feature`) and overall, and — at a month's volume — the change in dollars a month.
 */
export interface StratumCost {
  /** `(all)` for the whole sample. */
  readonly stratum: string;
  readonly n: number;
  readonly pinnedUsd: number;
  readonly currentUsd: number;
  /** current / pinned − 1 (null when pinned costs nothing). */
  readonly change: number | null;
}

export interface DriftCost {
  readonly strata: readonly StratumCost[];
  readonly overall: StratumCost;
  /** Calls a month the forecast is made at (drift.forecast.monthly_calls, or the window's volume scaled to 30 days). */
  readonly monthlyCalls?: number;
  /** (current − pinned) per answer × monthly calls. */
  readonly monthlyDeltaUsd?: number;
}

export interface PricedPair {
  readonly stratum: string;
  readonly pinnedUsd: number;
  readonly currentUsd: number;
}

function summarise(stratum: string, pairs: readonly PricedPair[]): StratumCost {
  const n = pairs.length;
  const pinnedUsd = pairs.reduce((s, p) => s + p.pinnedUsd, 0) / n;
  const currentUsd = pairs.reduce((s, p) => s + p.currentUsd, 0) / n;
  return { stratum, n, pinnedUsd, currentUsd, change: pinnedUsd > 0 ? currentUsd / pinnedUsd - 1 : null };
}

/** Undefined when no pair is priced. */
export function driftCost(pairs: readonly PricedPair[], monthlyCalls?: number): DriftCost | undefined {
  if (pairs.length === 0) return undefined;
  const groups = new Map<string, PricedPair[]>();
  for (const p of pairs) groups.set(p.stratum, [...(groups.get(p.stratum) ?? []), p]);
  const overall = summarise('(all)', pairs);
  return {
    strata: [...groups].sort(([a], [b]) => (a < b ? -1 : 1)).map(([s, ps]) => summarise(s, ps)),
    overall,
    ...(monthlyCalls !== undefined
      ? { monthlyCalls, monthlyDeltaUsd: (overall.currentUsd - overall.pinnedUsd) * monthlyCalls }
      : {}),
  };
}

/** Log lines in a window of `days`, scaled to 30 days. */
export const monthlyFromWindow = (lines: number, days: number): number => Math.round((lines * 30) / days);

const usd = (v: number) => `$${v < 0.01 ? v.toPrecision(2) : v.toFixed(4)}`;
const pct = (c: number | null) => (c === null ? '' : ` (${c >= 0 ? '+' : '−'}${Math.abs(Math.round(c * 100))}%)`);

/** "helpful_base: $0.00012 → $0.00020 (+67%), 50 answers". */
export const formatStratumCost = (s: StratumCost): string =>
  `${s.stratum}: ${usd(s.pinnedUsd)} → ${usd(s.currentUsd)}${pct(s.change)} per answer, ${s.n} answers`;

/** "→ +$1,240 / month at 200,000 calls". */
export function formatDriftForecast(c: DriftCost): string | undefined {
  if (c.monthlyCalls === undefined || c.monthlyDeltaUsd === undefined) return undefined;
  const v = c.monthlyDeltaUsd;
  return `cost per answer ${usd(c.overall.pinnedUsd)} → ${usd(c.overall.currentUsd)}${pct(c.overall.change)} → ${v < 0 ? '−' : '+'}$${Math.abs(v).toLocaleString('en-US', { maximumFractionDigits: Math.abs(v) >= 100 ? 0 : 2 })} / month at ${c.monthlyCalls.toLocaleString('en-US')} calls`;
}
