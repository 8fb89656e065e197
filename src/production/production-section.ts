/**
 * The production section of a drift run, from the window's figures and the trailing windows' in the
 * history: the cost this window and a month's forecast, its change against the trailing windows
 * decomposed (cost-change.ts) and said in words with the day it started, the budget alert, the
 * served-model timelines, and — instead of zeros — which parts could not be computed and why.
 */
import { decomposeCost, type CostChange, type FeatureChange } from './cost-change.js';
import { MONTH_DAYS, type CostCell, type DailyFeature, type ProductionWeek } from './production-tally.js';
import { servedTimelines, type AliasTimeline } from './served-models.js';
import { weeklyTests, type WeeklyTest } from './weekly-tests.js';
import { trendPoint, type TrendPoint } from './production-trend.js';
import { dollars as usd } from './dollars.js';

export interface ProductionSection {
  readonly week: ProductionWeek;
  readonly cost?: {
    readonly perDayUsd: number;
    readonly monthlyUsd: number;
    readonly change?: CostChange & {
      readonly trailingWindows: number;
      readonly sentence: string;
      readonly since?: string;
    };
    readonly budget?: {
      readonly monthlyUsd: number;
      readonly alertAt: number;
      readonly alert: boolean;
      readonly sentence: string;
    };
  };
  readonly served: readonly AliasTimeline[];
  /** Aliases whose served id or fingerprint moved since the previous window (none without one). */
  readonly changedAliases: readonly string[];
  readonly notComputed: readonly string[];
  readonly sentences: readonly string[];
  /** Feedback, traffic shares and input lengths against the trailing windows (Holm across them). */
  readonly tests: readonly WeeklyTest[];
  /** Traffic moved (shares or input lengths): what users ask changed, not how the model answers. */
  readonly trafficChanged: boolean;
  /** Users' feedback fell significantly and materially somewhere. */
  readonly feedbackWorse: boolean;
  /** Per feature: calls that repeat an earlier input exactly, and what a response cache would save. */
  readonly repeated?: readonly {
    feature: string;
    lines: number;
    distinct: number;
    share: number;
    monthlyUsd: number;
  }[];
  /** The trailing windows and this one, oldest first: what the report's trend charts draw. */
  readonly trend: readonly TrendPoint[];
}

export interface SectionOptions {
  /** The weekly tests' family-wise error rate (Holm), `drift.alpha`. */
  readonly alpha?: number;
  readonly budget?: { readonly monthly_usd: number; readonly alert_at: number };
  /** The sampler's count of lines and distinct inputs per feature (when it stratifies by feature). */
  readonly strata?: readonly { readonly stratum: string; readonly lines: number; readonly distinct: number }[];
  /** What the mapping reads usage and the served model from, named when nothing was there. */
  readonly paths: { readonly usage: string; readonly servedModel: string };
}

const signedPct = (ratio: number) => `${ratio >= 1 ? '+' : '−'}${Math.abs(Math.round((ratio - 1) * 100))}%`;
const times = (ratio: number) => `${ratio.toFixed(1)}×`;

/** Every trailing window's cells pooled, with their days: the baseline a day of this window is compared with. */
function pooled(weeks: readonly ProductionWeek[]): { cells: CostCell[]; days: number } {
  const cells = new Map<string, CostCell>();
  for (const w of weeks)
    for (const c of w.cells) {
      const key = `${c.feature}\u0000${c.model}`;
      const was = cells.get(key);
      cells.set(
        key,
        was
          ? {
              ...was,
              calls: was.calls + c.calls,
              inputTokens: was.inputTokens + c.inputTokens,
              outputTokens: was.outputTokens + c.outputTokens,
              cachedInputTokens: was.cachedInputTokens + c.cachedInputTokens,
              inputUsd: was.inputUsd + c.inputUsd,
              outputUsd: was.outputUsd + c.outputUsd,
            }
          : c,
      );
    }
  return { cells: [...cells.values()], days: weeks.reduce((s, w) => s + w.days, 0) };
}

type Factor = 'volume' | 'mix' | 'inputTokens' | 'outputTokens' | 'price';

function dominant(f: FeatureChange): Factor {
  const factors: Factor[] = ['volume', 'mix', 'inputTokens', 'outputTokens', 'price'];
  return factors.reduce((best, k) => (Math.abs(f[k]) > Math.abs(f[best]) ? k : best), 'volume');
}

/**
 * The day a feature's factor moved inside the window: the split of its daily series (weighted by
 * calls) with the least squared error around the two means. Undefined when the best split moves
 * the series by less than half of the change against the trailing windows: it moved before.
 * With the day, the level the series moved to.
 */
export function changeDay(
  daily: readonly DailyFeature[],
  feature: string,
  factor: Factor,
  before: number,
): { day: string; level: number } | undefined {
  const days = daily.filter((d) => d.feature === feature && d.calls > 0);
  const value = (d: DailyFeature) =>
    factor === 'outputTokens'
      ? d.outputTokens / d.calls
      : factor === 'inputTokens'
        ? d.inputTokens / d.calls
        : factor === 'volume'
          ? d.calls
          : d.usd / d.calls;
  if (days.length < 2) return undefined;
  const weight = (d: DailyFeature) => (factor === 'volume' ? 1 : d.calls);
  let best: { k: number; sse: number; lo: number; hi: number } | undefined;
  for (let k = 1; k < days.length; k++) {
    const seg = (list: DailyFeature[]) => {
      const w = list.reduce((s, d) => s + weight(d), 0);
      const mean = list.reduce((s, d) => s + weight(d) * value(d), 0) / w;
      return { mean, sse: list.reduce((s, d) => s + weight(d) * (value(d) - mean) ** 2, 0) };
    };
    const a = seg(days.slice(0, k));
    const b = seg(days.slice(k));
    if (!best || a.sse + b.sse < best.sse) best = { k, sse: a.sse + b.sse, lo: a.mean, hi: b.mean };
  }
  if (!best || best.lo <= 0 || before <= 0) return undefined;
  const inside = Math.abs(Math.log(best.hi / best.lo));
  const overall = Math.abs(Math.log(best.hi / before));
  const day = days[best.k]?.day;
  return inside >= overall / 2 && day ? { day, level: best.hi } : undefined;
}

function changeSentence(change: CostChange, week: ProductionWeek): { sentence: string; since?: string } {
  const delta = change.after - change.before;
  const monthly = (v: number) => v * MONTH_DAYS;
  const head = `cost ${signedPct(change.before > 0 ? change.after / change.before : 2)} (${usd(monthly(change.before))} → ${usd(monthly(change.after))} a month)`;
  if (Math.abs(delta) < 1e-12) return { sentence: `${head}: unchanged` };
  const ranked = [...change.features].sort((a, b) => Math.abs(b.after - b.before) - Math.abs(a.after - a.before));
  const top = ranked[0];
  if (!top) return { sentence: head };
  const share = Math.round((100 * (top.after - top.before)) / delta);
  const factor = dominant(top);
  const overallRatio =
    factor === 'outputTokens'
      ? top.outputPerCall[1] / Math.max(top.outputPerCall[0], 1e-9)
      : factor === 'inputTokens'
        ? top.inputPerCall[1] / Math.max(top.inputPerCall[0], 1e-9)
        : factor === 'volume'
          ? top.calls[1] / Math.max(top.calls[0], 1e-9)
          : undefined;
  const baselineValue =
    factor === 'outputTokens'
      ? top.outputPerCall[0]
      : factor === 'inputTokens'
        ? top.inputPerCall[0]
        : factor === 'volume'
          ? top.calls[0]
          : 0;
  const moved = changeDay(week.daily, top.feature, factor, baselineValue);
  const since = moved?.day;
  // From the day it moved, the level it moved to (the window's mean would blur it with the days before).
  const ratio = moved && baselineValue > 0 ? moved.level / baselineValue : overallRatio;
  const what =
    factor === 'outputTokens'
      ? `whose output tokens per call ${ratio && ratio >= 1 ? 'rose' : 'fell'} ${times(ratio ?? 1)}`
      : factor === 'inputTokens'
        ? `whose input tokens per call ${ratio && ratio >= 1 ? 'rose' : 'fell'} ${times(ratio ?? 1)}`
        : factor === 'volume'
          ? `whose calls a day changed ${signedPct(ratio ?? 1)}`
          : factor === 'mix'
            ? 'which moved to another model'
            : 'whose price per token changed';
  const calls0 = change.features.reduce((s, f) => s + f.calls[0], 0);
  const calls1 = change.features.reduce((s, f) => s + f.calls[1], 0);
  const volume = calls0 > 0 ? `; volume ${signedPct(calls1 / calls0)}` : '';
  return {
    sentence: `${head}: ${share}% of it from \`${top.feature}\`, ${what}${since ? ` from ${since}` : ''}${volume}`,
    ...(since ? { since } : {}),
  };
}

/** Exact repeats per feature, from the sampler's distinct-input counts, with the dollars they cost. */
function repeatedInputs(week: ProductionWeek, strata: SectionOptions['strata']) {
  if (!strata) return [];
  return strata
    .filter((s) => s.lines > 0 && s.stratum !== '(all)')
    .map((s) => {
      const usdOf = week.cells.filter((c) => c.feature === s.stratum).reduce((a, c) => a + c.inputUsd + c.outputUsd, 0);
      const share = Math.max(0, 1 - s.distinct / s.lines);
      return {
        feature: s.stratum,
        lines: s.lines,
        distinct: s.distinct,
        share,
        monthlyUsd: ((share * usdOf) / week.days) * MONTH_DAYS,
      };
    })
    .sort((a, b) => b.monthlyUsd - a.monthlyUsd || b.share - a.share);
}

export function productionSection(
  week: ProductionWeek,
  trailing: readonly ProductionWeek[],
  options: SectionOptions,
): ProductionSection {
  const notComputed: string[] = [];
  const sentences: string[] = [];
  const priced = week.cells.some((c) => c.inputUsd + c.outputUsd > 0);
  let cost: ProductionSection['cost'];
  if (week.lines > 0 && week.withUsage === 0 && week.withLoggedCost === 0)
    notComputed.push(
      `cost: no line carries token usage or a logged cost (read at ${options.paths.usage}); name them in drift.fields`,
    );
  else if (priced) {
    const perDay = week.cells.reduce((s, c) => s + c.inputUsd + c.outputUsd, 0) / week.days;
    const base = pooled(trailing);
    const change =
      base.days > 0 && base.cells.length > 0
        ? (() => {
            const c = decomposeCost(base, week);
            return { ...c, trailingWindows: trailing.length, ...changeSentence(c, week) };
          })()
        : undefined;
    const monthlyUsd = perDay * MONTH_DAYS;
    const budget = options.budget
      ? {
          monthlyUsd: options.budget.monthly_usd,
          alertAt: options.budget.alert_at,
          alert: monthlyUsd >= options.budget.alert_at * options.budget.monthly_usd,
          sentence: `forecast ${usd(monthlyUsd)} a month is ${Math.round((100 * monthlyUsd) / options.budget.monthly_usd)}% of the ${usd(options.budget.monthly_usd)} budget`,
        }
      : undefined;
    cost = { perDayUsd: perDay, monthlyUsd, ...(change ? { change } : {}), ...(budget ? { budget } : {}) };
    sentences.push(
      change
        ? change.sentence
        : `cost ${usd(monthlyUsd)} a month at this window's rate (no trailing window to compare with yet)`,
    );
    if (budget) sentences.push(`${budget.alert ? 'budget alert: ' : ''}${budget.sentence}`);
  }
  const unpriced = Object.entries(week.unpriced);
  if (unpriced.length > 0)
    notComputed.push(
      `cost of ${unpriced.map(([m, n]) => `${m} (${n} calls)`).join(', ')}: no price in the table and no logged cost; add it under pricing:`,
    );
  const previous = [...trailing].reverse().find((w) => w.served.length > 0)?.served;
  const served = week.withServedModel > 0 ? servedTimelines(week.served, previous) : [];
  if (week.lines > 0 && week.withServedModel === 0)
    notComputed.push(`served model: no line names the model that answered (read at ${options.paths.servedModel})`);
  sentences.push(...served.filter((t) => t.models.length > 1 || t.changedSincePrevious).map((t) => t.sentence));
  const repeated = repeatedInputs(week, options.strata);
  for (const r of repeated.filter((x) => x.share >= 0.05).slice(0, 3))
    sentences.push(
      `repeated questions: ${Math.round(r.share * 100)}% of \`${r.feature}\` calls repeat an earlier input exactly${r.monthlyUsd > 0 ? `; a response cache would save about ${usd(r.monthlyUsd)} a month` : ''}`,
    );
  const tests = weeklyTests(week, trailing, options.alpha ?? 0.01);
  sentences.push(...tests.filter((t) => t.flagged).map((t) => t.sentence));
  if (week.lines > 0 && trailing.length > 0 && !(week.feedback ?? []).length)
    notComputed.push('users heard: no line carries feedback (scores, thumbs, ratings)');
  return {
    trend: [...trailing, week].map(trendPoint),
    ...(repeated.length ? { repeated } : {}),
    tests,
    trafficChanged: tests.some((t) => t.flagged && t.kind !== 'feedback'),
    feedbackWorse: tests.some((t) => t.flagged && t.kind === 'feedback' && t.effect < 0),
    week,
    ...(cost ? { cost } : {}),
    served,
    changedAliases: served.filter((t) => t.changedSincePrevious || t.models.length > 1).map((t) => t.alias),
    notComputed,
    sentences,
  };
}
