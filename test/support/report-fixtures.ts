/** Report models with known content: a regression with hostile outputs, for reporter and browser tests. */
import { compareRun } from '../../src/gate/compare.js';
import { baselineOutputs, scoreDistributions } from '../../src/gate/distributions.js';
import type { ReportModel } from '../../src/report/report-model.js';
import { RESULTS_SCHEMA_VERSION } from '../../src/runner/store/results-file.js';
import { RUN_SCHEMA_VERSION } from '../../src/runner/store/run-dir.js';
import { baselineOf, cases, recordsOf } from './gate-fixtures.js';

export const SCRIPT_PAYLOAD = '<script>window.__pwned = "script"</script>';
export const IMG_PAYLOAD = '<img src=x onerror="window.__pwned = \'img\'">';

/** 60 cases; cases 0–19 pass in the baseline and fail now (a regression); outputs carry markup. */
export function regressionModel(options: { outputChars?: number; failing?: number; cases?: number } = {}): ReportModel {
  const failing = options.failing ?? 20;
  const n = options.cases ?? 60;
  const long = (i: number) => (options.outputChars ? `${'x'.repeat(options.outputChars)} ${i}` : '');
  const base = cases(
    n,
    () => false,
    (i) => ({ judge: 0.9, output: `Baseline answer ${i} ${long(i)}` }),
  );
  const now = cases(
    n,
    (i) => i < failing,
    (i) => ({
      judge: i < failing ? 0.3 : 0.9,
      output: i === 0 ? `${SCRIPT_PAYLOAD} and ${IMG_PAYLOAD} \`\`\` fence` : `Answer now ${i} ${long(i)}`,
    }),
  );
  const baseline = baselineOf(base);
  const records = recordsOf(now);
  const report = compareRun([
    { suite: 's', baseline, records, gate: { alpha: 0.05, minEffect: 0.03, minRelativeEffect: 0.1 } },
  ]);
  return {
    meta: {
      schemaVersion: RUN_SCHEMA_VERSION,
      runId: '20261122T100000Z-abcdef',
      status: 'complete',
      command: 'eval',
      configFile: 'driftgate.yaml',
      configHash: 'h',
      gitSha: '0123456789abcdef0123456789abcdef01234567',
      suites: ['s'],
      models: { current: { provider: 'openai', model: 'gpt-4o-mini', params: {} } },
      startedAt: '2026-11-22T10:00:00.000Z',
      resumedAt: [],
      finishedAt: '2026-11-22T10:01:00.000Z',
      totals: { calls: 60, errors: 0, cached: 0, inputTokens: 600, outputTokens: 1200, spentUsd: 0.06, costUsd: 0.06 },
    },
    records,
    gate: {
      schemaVersion: RESULTS_SCHEMA_VERSION,
      runId: '20261122T100000Z-abcdef',
      report,
      withoutBaseline: [],
      distributions: scoreDistributions('s', baseline, records),
      baselineOutputs: { s: baselineOutputs(baseline) },
    },
  };
}
