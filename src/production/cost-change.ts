/**
 * Why the cost changed, decomposed exactly: dollars a day are a sum over feature × served model ×
 * {input, output} of volume × model share × tokens per call × price per token, and the change
 * between two windows is split over those factors with the logarithmic mean Divisia index (LMDI-I,
 * Ang 2004): each cell's change `C1 − C0` is `L(C1, C0)·Σ ln(x1/x0)` over its factors, with
 * `L(a, b) = (a − b)/(ln a − ln b)` — additive and with no residual. A cell that exists in one
 * window only (a new feature, a model newly used) has no logarithm: its whole change is the
 * feature's volume (a new feature) or its model mix (a model newly used for a feature).
 */
import type { CostCell } from './production-tally.js';

export interface CostChange {
  readonly before: number;
  readonly after: number;
  /** Per feature, the parts of its change; they add up to after − before over all features. */
  readonly features: readonly FeatureChange[];
}

export interface FeatureChange {
  readonly feature: string;
  readonly before: number;
  readonly after: number;
  readonly volume: number;
  readonly mix: number;
  readonly inputTokens: number;
  readonly outputTokens: number;
  readonly price: number;
  /** Calls, input and output tokens per call of the feature before and after (for the words). */
  readonly calls: readonly [number, number];
  readonly inputPerCall: readonly [number, number];
  readonly outputPerCall: readonly [number, number];
}

/** A cell's figures scaled to one day. */
type DayCells = ReadonlyMap<string, CostCell>;

export function logMean(a: number, b: number): number {
  if (a === b) return a;
  return (a - b) / (Math.log(a) - Math.log(b));
}

const ln = (a: number, b: number) => (a > 0 && b > 0 ? Math.log(a / b) : 0);

function perDay(cells: readonly CostCell[], days: number): DayCells {
  const out = new Map<string, CostCell>();
  for (const c of cells)
    out.set(`${c.feature}\u0000${c.model}`, {
      ...c,
      calls: c.calls / days,
      inputTokens: c.inputTokens / days,
      outputTokens: c.outputTokens / days,
      cachedInputTokens: c.cachedInputTokens / days,
      inputUsd: c.inputUsd / days,
      outputUsd: c.outputUsd / days,
    });
  return out;
}

/** The change of dollars a day from `before` to `after`, each its window's cells and length in days. */
export function decomposeCost(
  before: { readonly cells: readonly CostCell[]; readonly days: number },
  after: { readonly cells: readonly CostCell[]; readonly days: number },
): CostChange {
  const b = perDay(before.cells, before.days);
  const a = perDay(after.cells, after.days);
  const features = new Set([...b.values(), ...a.values()].map((c) => c.feature));
  const out: FeatureChange[] = [];
  for (const feature of [...features].sort()) {
    const cellsOf = (m: DayCells) => [...m.values()].filter((c) => c.feature === feature);
    const sum = (cells: CostCell[], f: (c: CostCell) => number) => cells.reduce((s, c) => s + f(c), 0);
    const b0 = cellsOf(b);
    const a1 = cellsOf(a);
    const v0 = sum(b0, (c) => c.calls);
    const v1 = sum(a1, (c) => c.calls);
    const parts = { volume: 0, mix: 0, inputTokens: 0, outputTokens: 0, price: 0 };
    for (const model of new Set([...b0, ...a1].map((c) => c.model))) {
      const c0 = b.get(`${feature}\u0000${model}`);
      const c1 = a.get(`${feature}\u0000${model}`);
      for (const side of ['input', 'output'] as const) {
        const usd = (c: CostCell | undefined) => (c ? (side === 'input' ? c.inputUsd : c.outputUsd) : 0);
        const tokens = (c: CostCell | undefined) => (c ? (side === 'input' ? c.inputTokens : c.outputTokens) : 0);
        const d0 = usd(c0);
        const d1 = usd(c1);
        if (d0 === d1) continue;
        if (d0 <= 0 || d1 <= 0 || !c0 || !c1) {
          // Only one window has these dollars: a new (or gone) feature is volume, a new model mix.
          if (v0 === 0 || v1 === 0) parts.volume += d1 - d0;
          else parts.mix += d1 - d0;
          continue;
        }
        const w = logMean(d1, d0);
        parts.volume += w * ln(v1, v0);
        parts.mix += w * ln(c1.calls / v1, c0.calls / v0);
        const t1 = tokens(c1) / c1.calls;
        const t0 = tokens(c0) / c0.calls;
        if (t0 > 0 && t1 > 0) {
          parts[side === 'input' ? 'inputTokens' : 'outputTokens'] += w * ln(t1, t0);
          parts.price += w * ln(d1 / tokens(c1), d0 / tokens(c0));
        } else {
          // A logged cost without token counts: dollars per call is all there is to compare.
          parts.price += w * ln(d1 / c1.calls, d0 / c0.calls);
        }
      }
    }
    const perCall = (cells: CostCell[], f: (c: CostCell) => number, calls: number) =>
      calls > 0 ? sum(cells, f) / calls : 0;
    out.push({
      feature,
      before: sum(b0, (c) => c.inputUsd + c.outputUsd),
      after: sum(a1, (c) => c.inputUsd + c.outputUsd),
      ...parts,
      calls: [v0, v1],
      inputPerCall: [perCall(b0, (c) => c.inputTokens, v0), perCall(a1, (c) => c.inputTokens, v1)],
      outputPerCall: [perCall(b0, (c) => c.outputTokens, v0), perCall(a1, (c) => c.outputTokens, v1)],
    });
  }
  return {
    before: out.reduce((s, f) => s + f.before, 0),
    after: out.reduce((s, f) => s + f.after, 0),
    features: out,
  };
}
