/**
 * Drift in how an app uses its tools (pure functions of the paired answers).
 * - `tool use (paired)` decides (behaviour changed): for each tool, whether pinned and current call
 *   it on the same input; McNemar mid-p, two-sided, per tool, Bonferroni across the tools (the
 *   signal's p is the smallest adjusted one), so "current calls search_orders on 20% fewer inputs"
 *   is seen even when the answers' words barely move.
 * - `tool argument validity` decides (quality): per input, whether every call's arguments parse and
 *   satisfy the tool's JSON Schema; McNemar mid-p, two-sided, like the rule checks.
 * - `tool choice` explains: the distribution of which tools an answer calls (χ²/Fisher, unpaired).
 */
import type { RecordedToolCall, ToolDefinition } from '../conversation/types.js';
import { mcnemarRegression } from '../stats/mcnemar.js';
import { categorical, ruleChecks, type Signal } from './signals.js';

export interface ToolPair {
  readonly pinned: readonly RecordedToolCall[];
  readonly current: readonly RecordedToolCall[];
  /** The tools the input's request offered (empty when the log kept none). */
  readonly tools?: readonly ToolDefinition[];
}

const NO_TOOL = '(no tool)';

/** What an answer called, as one category: tool names sorted and joined, or "(no tool)". */
export function toolChoiceOf(calls: readonly RecordedToolCall[]): string {
  return calls.length === 0 ? NO_TOOL : [...new Set(calls.map((c) => c.name))].sort().join(' + ');
}

export interface ToolRate {
  readonly tool: string;
  readonly pinnedRate: number;
  readonly currentRate: number;
  /** Inputs where only pinned, or only current, called it. */
  readonly onlyPinned: number;
  readonly onlyCurrent: number;
  readonly p: number;
}

export function toolUseSignals(pairs: readonly ToolPair[]): Signal[] {
  const n = pairs.length;
  const tools = [...new Set(pairs.flatMap((p) => [...p.pinned, ...p.current].map((c) => c.name)))].sort();
  if (n === 0 || tools.length === 0) return [];
  const rates: ToolRate[] = tools.map((tool) => {
    let pinned = 0;
    let current = 0;
    let onlyPinned = 0;
    let onlyCurrent = 0;
    for (const pair of pairs) {
      const a = pair.pinned.some((c) => c.name === tool);
      const b = pair.current.some((c) => c.name === tool);
      if (a) pinned++;
      if (b) current++;
      if (a && !b) onlyPinned++;
      if (b && !a) onlyCurrent++;
    }
    const p =
      onlyPinned + onlyCurrent === 0
        ? 1
        : Math.min(
            1,
            2 *
              Math.min(
                mcnemarRegression(onlyPinned, onlyCurrent).pMid,
                mcnemarRegression(onlyCurrent, onlyPinned).pMid,
              ),
          );
    return { tool, pinnedRate: pinned / n, currentRate: current / n, onlyPinned, onlyCurrent, p };
  });
  const lead = rates.reduce((best, r) =>
    r.p < best.p ||
    (r.p === best.p && Math.abs(r.currentRate - r.pinnedRate) > Math.abs(best.currentRate - best.pinnedRate))
      ? r
      : best,
  );
  const sameChoice = pairs.filter((p) => toolChoiceOf(p.pinned) === toolChoiceOf(p.current)).length;
  const choices = (side: 'pinned' | 'current') => {
    const counts: Record<string, number> = {};
    for (const p of pairs) counts[toolChoiceOf(p[side])] = (counts[toolChoiceOf(p[side])] ?? 0) + 1;
    return counts;
  };
  return [
    {
      name: 'tool use (paired)',
      role: 'decides',
      aspect: 'changed',
      test: `McNemar mid-p per tool, two-sided, Bonferroni over ${tools.length} tool${tools.length === 1 ? '' : 's'}`,
      n,
      effect: lead.currentRate - lead.pinnedRate,
      effectLabel: `change in the share of inputs where ${lead.tool} is called`,
      effectFloor: 0,
      p: Math.min(1, lead.p * tools.length),
      details: { tool: lead.tool, rates, sameToolShare: sameChoice / n },
    },
    { ...categorical('tool choice', choices('pinned'), choices('current')) },
  ];
}

/**
 * Argument validity per input: `valid(call, tools)` says whether one call's arguments parse and fit
 * its tool's schema. An answer without calls has no invalid arguments. Only when some call was made.
 */
export function argumentValiditySignal(
  pairs: readonly ToolPair[],
  valid: (call: RecordedToolCall, tools: readonly ToolDefinition[]) => boolean,
): Signal | undefined {
  if (!pairs.some((p) => p.pinned.length + p.current.length > 0)) return undefined;
  let onlyPinned = 0;
  let onlyCurrent = 0;
  let validPinned = 0;
  let validCurrent = 0;
  for (const p of pairs) {
    const a = p.pinned.every((call) => valid(call, p.tools ?? []));
    const b = p.current.every((call) => valid(call, p.tools ?? []));
    if (a) validPinned++;
    if (b) validCurrent++;
    if (a && !b) onlyPinned++;
    if (b && !a) onlyCurrent++;
  }
  const signal = ruleChecks('tool argument validity', onlyPinned, onlyCurrent);
  return {
    ...signal,
    details: { ...signal.details, validPinned: validPinned / pairs.length, validCurrent: validCurrent / pairs.length },
  };
}
