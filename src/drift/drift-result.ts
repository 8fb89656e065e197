/**
 * What `driftgate drift` returns and writes (as drift.json): the sample, redactions, the decision,
 * divergent pairs, scorer health and cost. Its own module so the writers of drift.json need not
 * import the job that produces it.
 */
import type { ExitCode } from '../errors.js';
import type { ScorerHealth } from '../runner/scoring/scorer-health.js';
import type { DivergentPair } from './compute-signals.js';
import type { DriftCost } from './cost-by-stratum.js';
import type { LogSample } from './sample-logs.js';
import type { DriftDecision } from '../signals/signals.js';
import type { ProductionSection } from '../production/production-section.js';
import type { UserAgreement } from './served-scores.js';
import type { NearDuplicates } from './near-duplicates.js';

export interface DriftResult {
  readonly exitCode: ExitCode;
  readonly runId: string;
  readonly runDir: string;
  readonly sample: Omit<LogSample, 'items'> & { readonly size: number };
  readonly redactions: Readonly<Record<string, number>>;
  readonly decision: DriftDecision;
  readonly divergent: readonly DivergentPair[];
  readonly incompleteReason?: string;
  readonly historyFile: string;
  /** How each drift scorer fared (errors, first reason, stopped early). */
  readonly scorers: readonly ScorerHealth[];
  /** Dollars per answer, pinned vs current, by stratum; a month's change when the volume is known. */
  readonly cost?: DriftCost;
  /** What production did in the window, from every log line: cost explained, the served models. */
  readonly production?: ProductionSection;
  /** Each scorer's pass on the served answers against users' own thumbs on them (Cohen's κ). */
  readonly userAgreement?: readonly UserAgreement[];
  /** Per stratum, the sampled distinct inputs with another at embedding similarity ≥ 0.95. */
  readonly nearDuplicates?: readonly NearDuplicates[];
  /** Each served-answer score's mean over the trailing runs and this one, oldest first. */
  readonly servedTrend?: readonly { readonly end: string; readonly scores: Readonly<Record<string, number>> }[];
  /** Why no pair was replayed this run (`replay: on-change` with nothing moved). */
  readonly replaySkipped?: string;
  /** The webhook post of `drift.notify`, when configured: sent, or why not. */
  readonly notified?: { readonly sent: boolean; readonly warning?: string };
}
