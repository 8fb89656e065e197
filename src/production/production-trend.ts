/** The trailing windows and this one as points of the report's trend charts: cost per feature, feedback, served models. */
import { MONTH_DAYS, type ProductionWeek } from './production-tally.js';

export interface TrendPoint {
  readonly end: string;
  /** Dollars a month at the window's rate, per feature. */
  readonly monthlyUsdByFeature: Readonly<Record<string, number>>;
  /** Mean feedback per name (a thumbs-up share for 1/0). */
  readonly feedback: Readonly<Record<string, number>>;
  /** Share of calls per served model id. */
  readonly servedShare: Readonly<Record<string, number>>;
}

export function trendPoint(w: ProductionWeek): TrendPoint {
  const cost: Record<string, number> = {};
  for (const c of w.cells)
    cost[c.feature] = (cost[c.feature] ?? 0) + ((c.inputUsd + c.outputUsd) / w.days) * MONTH_DAYS;
  const sums: Record<string, { n: number; sum: number }> = {};
  for (const g of w.feedback ?? []) {
    const e = (sums[g.name] ??= { n: 0, sum: 0 });
    e.n += g.n;
    e.sum += g.sum;
  }
  const served: Record<string, number> = {};
  const total = w.served.reduce((a, e) => a + e.calls, 0);
  for (const e of w.served) served[e.model] = (served[e.model] ?? 0) + e.calls / Math.max(total, 1);
  return {
    end: w.end ?? '',
    monthlyUsdByFeature: cost,
    feedback: Object.fromEntries(Object.entries(sums).map(([k, v]) => [k, v.n ? v.sum / v.n : 0])),
    servedShare: served,
  };
}
