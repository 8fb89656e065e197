/**
 * The "what changed" and "where it changed" parts of a drift run's behaviour signal, read out of
 * its details and phrased once for the terminal, Markdown and HTML reports.
 */
import { BEHAVIOUR_TEXT, type StratumResult } from '../signals/behaviour-change.js';
import type { Signal } from '../signals/signals.js';
import type { WhatChangedItem } from '../signals/what-changed.js';
import { formatP } from './format-metric.js';

export interface BehaviourDetail {
  readonly whatChanged: readonly WhatChangedItem[];
  readonly strata: readonly StratumResult[];
}

export function behaviourDetail(signals: readonly Signal[]): BehaviourDetail | undefined {
  const s = signals.find((x) => x.name === BEHAVIOUR_TEXT);
  const details = s?.details as Partial<BehaviourDetail> | undefined;
  if (!details) return undefined;
  return { whatChanged: details.whatChanged ?? [], strata: details.strata ?? [] };
}

const signed = (v: number) => `${v < 0 ? '−' : '+'}${Math.abs(v).toFixed(2)}`;

/** "+0.95 [+0.85, +1.05]": the standardised paired difference and its 95% interval. */
export const formatItemEffect = (item: WhatChangedItem): string =>
  `${signed(item.effect)} [${signed(item.interval[0])}, ${signed(item.interval[1])}]`;

/** "chat: 150 inputs, p < 0.001 (Holm) — changed" or "billing: not tested (1 input …)". */
export function formatStratum(s: StratumResult, alpha: number): string {
  if (s.p === null || s.notTested) return `${s.stratum}: not tested (${s.notTested ?? 'no test'})`;
  const changed = s.pAdjusted !== undefined && s.pAdjusted < alpha;
  return `${s.stratum}: ${s.n} inputs, p ${formatP(s.pAdjusted)} (Holm)${changed ? ' — changed' : ''}`;
}
