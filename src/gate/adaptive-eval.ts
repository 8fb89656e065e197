/**
 * `driftgate eval` (and the Action) with gate.adaptive: look at the run; while a gated metric is
 * inconclusive and a suite has rounds and budget left, add one round of extra current-side repeats
 * of the chosen cases (adaptive-selection.ts) to the same run — journaled like any call, so
 * `--resume` after a crash finishes the round — and look again (sequential-gate.ts). Without
 * gate.adaptive in any suite this is one call of runGate.
 */
import type { LoadedConfig } from '../config/load.js';
import { runEval, type EvalOptions, type EvalResult } from '../runner/eval-run.js';
import { writeRunMeta } from '../runner/run-dir.js';
import { roundCalls, type AdaptiveRoundRecord } from '../runner/adaptive-rounds.js';
import { nextRound, type RepeatItem } from './adaptive-selection.js';
import { roundCandidates } from './sequential-gate.js';
import { runGate, type GateOutcome, type RescoreOptions } from './run-gate.js';

export interface GateRun {
  readonly result: EvalResult;
  readonly gate: GateOutcome | undefined;
}

export async function gateWithRounds(
  loaded: LoadedConfig,
  first: EvalResult,
  evalOptions: EvalOptions,
  rescore: RescoreOptions,
  baselinesDir?: string,
): Promise<GateRun> {
  let result = first;
  const adaptiveSuites = new Map(
    loaded.config.suites.filter((s) => s.gate?.adaptive && first.meta?.suites.includes(s.name)).map((s) => [s.name, s.gate?.adaptive as NonNullable<NonNullable<typeof s.gate>['adaptive']>]),
  );
  const look = (moreToCome: boolean) =>
    runGate(loaded, result.meta?.suites ?? [], result.records, baselinesDir, result.incompleteReason, rescore, { adaptive: result.meta?.adaptive, moreToCome });

  const canContinue = () => adaptiveSuites.size > 0 && !result.incompleteReason && !result.meta?.adaptive?.final && !!result.runId;
  let gate = await look(canContinue());
  while (gate?.plan && gate.inputs && canContinue()) {
    const rounds = result.meta?.adaptive?.rounds ?? [];
    const candidates = roundCandidates(gate.inputs, gate.plan, gate.report);
    const items: RepeatItem[] = [];
    const perCase: Record<string, number> = {};
    let anotherAfter = false;
    for (const [suite, settings] of adaptiveSuites) {
      const done = rounds.filter((r) => (r.perCase[suite] ?? 0) > 0).length;
      const spent = rounds.reduce((n, r) => n + roundCalls(r, suite), 0);
      const mine = candidates.filter((c) => c.suite === suite);
      if (mine.length === 0 || done >= settings.max_rounds) continue;
      const round = nextRound(mine, settings.max_extra_calls - spent, settings.max_rounds - done);
      if (round.items.length === 0) continue;
      items.push(...round.items);
      perCase[suite] = round.perCase;
      const spentAfter = spent + round.items.length * round.perCase;
      if (done + 1 < settings.max_rounds && spentAfter < settings.max_extra_calls) anotherAfter = true;
    }
    if (items.length === 0) {
      // The gate has its verdict before the budget ran out. run.json keeps the looks as they were
      // made (the last one not final), so `driftgate compare` reads the same verdicts.
      await recordLooks(result);
      break;
    }
    const round: AdaptiveRoundRecord = { perCase, items };
    result = await runEval({ ...evalOptions, resume: result.runId as string, adaptiveRound: { round, final: !anotherAfter } });
    gate = await look(canContinue());
  }
  return { result, gate };
}

/** Records in run.json that the gate looked once, not finally, so `compare` reads the same look. */
async function recordLooks(result: EvalResult): Promise<void> {
  if (!result.meta || !result.runDir || result.meta.adaptive) return;
  result.meta.adaptive = { rounds: [], final: false, extraCalls: 0 };
  await writeRunMeta(result.runDir, result.meta);
}
