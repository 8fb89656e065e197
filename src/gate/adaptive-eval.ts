/**
 * `driftgate eval` (and the Action) with gate.adaptive: look at the run; while a gated metric is
 * inconclusive and a suite has rounds and budget left, add one round of extra current-side repeats
 * of the chosen cases (adaptive-selection.ts) to the same run — journaled like any call, so
 * `--resume` after a crash finishes the round — and look again (sequential-gate.ts). Without
 * gate.adaptive in any suite this is one call of runGate.
 */
import type { LoadedConfig } from '../config/load.js';
import { runEval, type EvalOptions, type EvalResult } from '../runner/eval-run.js';
import { writeRunMeta } from '../runner/store/run-dir.js';
import { planRound } from './adaptive-selection.js';
import { roundCandidates } from './sequential-gate.js';
import { runGate, type GateOutcome, type RescoreOptions } from './run-gate.js';
import { finishGate } from './finish-gate.js';

export interface GateRun {
  readonly result: EvalResult;
  readonly gate: GateOutcome | undefined;
}

export interface EvalGateRequest {
  readonly loaded: LoadedConfig;
  /** The run as eval left it; extra rounds resume it. */
  readonly first: EvalResult;
  /** The options the run was made with: each round resumes it with the same. */
  readonly evalOptions: EvalOptions;
  readonly rescore: RescoreOptions;
  /** The baselines to compare with (the Action's: the pull request's base), default `<project>/baselines`. */
  readonly baselinesDir?: string | undefined;
}

export async function gateWithRounds(request: EvalGateRequest): Promise<GateRun> {
  const { loaded, first, evalOptions, rescore, baselinesDir } = request;
  let result = first;
  const budgets = new Map(
    loaded.config.suites
      .filter((s) => s.gate?.adaptive && first.meta?.suites.includes(s.name))
      .map((s) => [
        s.name,
        { maxRounds: s.gate?.adaptive?.max_rounds ?? 0, maxExtraCalls: s.gate?.adaptive?.max_extra_calls ?? 0 },
      ]),
  );
  const look = (moreToCome: boolean) =>
    runGate({
      loaded,
      suites: result.meta?.suites ?? [],
      records: result.readGateRecords ?? result.readRecords,
      baselinesDir,
      runIncomplete: result.incompleteReason,
      rescore,
      looks: { adaptive: result.meta?.adaptive, moreToCome },
    });

  const canContinue = () =>
    budgets.size > 0 && !result.incompleteReason && !result.meta?.adaptive?.final && !!result.runId;
  let gate = await look(canContinue());
  while (gate?.lastLook && canContinue()) {
    const { round, final } = planRound(
      roundCandidates({ report: gate.report, lastLook: gate.lastLook }),
      budgets,
      result.meta?.adaptive?.rounds ?? [],
    );
    if (!round) {
      // The gate has its verdict before the budget ran out. run.json keeps the looks as they were
      // made (the last one not final), so `driftgate compare` reads the same verdicts.
      await recordLooks(result);
      break;
    }
    result = await runEval({ ...evalOptions, resume: result.runId as string, adaptiveRound: { round, final } });
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

/**
 * eval → gate → gate.json, as `driftgate eval` and the Action both do it: the looks (and rounds),
 * then the flipped cases' answers and the results file. No gate when no suite has a baseline.
 */
export async function evalAndGate(request: EvalGateRequest): Promise<GateRun> {
  const { result, gate } = await gateWithRounds(request);
  if (!gate || !result.runDir || !result.meta) return { result, gate };
  const finished = await finishGate(
    result.runDir,
    result.meta.runId,
    gate,
    result.readGateRecords ?? result.readRecords,
  );
  return { result, gate: finished };
}
