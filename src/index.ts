/** driftgate as a library: run evals programmatically; statistics under `driftgate/stats`. */
export { runEval, type EvalOptions, type EvalResult } from './runner/eval-run.js';
export { loadConfig, parseConfigText, type LoadedConfig } from './config/load.js';
export type { DriftgateConfig, SuiteConfig, ModelConfig } from './config/schema.js';
export type { CallRecord, Score } from './records/call-record.js';
export type { RunMeta } from './runner/store/run-dir.js';
export type { SuiteSummary, TargetSummary, MetricSummary, RunTotals } from './runner/summary/summary.js';
export { DriftgateError, ConfigError, DatasetError, UsageError, RunStateError, ExitCode } from './errors.js';
