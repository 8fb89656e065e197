/**
 * Money in plain terms: the gate's cost change as dollars a month (forecast.monthly_calls), and the
 * drift job's cost per stratum — checked against hand computations.
 */
import { describe, expect, it } from 'vitest';
import { compareRun } from '../src/gate/compare.js';
import { formatGateReport } from '../src/cli/format-gate.js';
import { formatForecast } from '../src/report/format-metric.js';
import { renderMarkdown } from '../src/report/markdown.js';
import { renderHtml } from '../src/report/html.js';
import { driftCost, formatDriftForecast, formatStratumCost, monthlyFromWindow } from '../src/drift/cost-by-stratum.js';
import { baselineOf, cases, recordsOf } from './support/gate-fixtures.js';

const gate = { alpha: 0.05, minEffect: 0.03, minRelativeEffect: 0.1, monthlyCalls: 200_000 };

describe('the cost forecast of the gate', () => {
  it('Δ$/month = (mean cost now − mean cost before) × monthly calls, with the interval carried through', () => {
    // Baseline: 0.0010 and 0.0012 alternating (mean 0.0011). Now: 0.0014 and 0.0016 (mean 0.0015).
    const before = cases(
      60,
      () => false,
      (i) => ({ cost: i % 2 ? 0.0012 : 0.001 }),
    );
    const after = cases(
      60,
      () => false,
      (i) => ({ cost: i % 2 ? 0.0016 : 0.0014 }),
    );
    const report = compareRun([{ suite: 's', baseline: baselineOf(before), records: recordsOf(after), gate }]);
    const cost = report.suites[0]!.metrics.find((m) => m.metric === 'cost')!;
    // By hand: (0.0015 − 0.0011) × 200,000 = $80.00 a month; relative change 0.0015 / 0.0011 − 1 = +36.4%.
    expect(cost.delta).toBeCloseTo(0.0015 / 0.0011 - 1, 10);
    expect(cost.forecast?.deltaUsd).toBeCloseTo(80, 8);
    const [lo, hi] = cost.forecast!.intervalUsd;
    expect(lo).toBeCloseTo(0.0011 * (cost.deltaInterval as [number, number])[0] * 200_000, 8);
    expect(hi).toBeCloseTo(0.0011 * (cost.deltaInterval as [number, number])[1] * 200_000, 8);
    expect(lo).toBeLessThanOrEqual(80);
    expect(hi).toBeGreaterThanOrEqual(80);
    const line = formatForecast(cost)!;
    expect(line).toMatch(
      /^cost per answer \+36% \[\+\d+%, \+\d+%\] → \+\$80\.00 \/ month at 200,000 calls \[\+\$\d+\.\d\d, \+\$\d+\.\d\d\]$/,
    );
    expect(formatGateReport(report)).toContain(line);
    const model = {
      meta: {
        schemaVersion: 1,
        runId: 'r',
        status: 'complete',
        command: 'eval',
        configFile: 'driftgate.yaml',
        configHash: 'h',
        gitSha: null,
        suites: ['s'],
        models: {},
        startedAt: '2026-11-23T00:00:00Z',
        resumedAt: [],
      },
      records: [],
      gate: { schemaVersion: 1, runId: 'r', report, withoutBaseline: [], distributions: [], baselineOutputs: {} },
    } as never;
    expect(renderMarkdown(model)).toContain(`💰 ${line}`);
    expect(renderHtml(model)).toContain(`<p class="forecast">${line.replace(/>/g, '&gt;')}</p>`);
  });

  it('no forecast without forecast.monthly_calls', () => {
    const report = compareRun([
      {
        suite: 's',
        baseline: baselineOf(cases(10, () => false)),
        records: recordsOf(cases(10, () => false)),
        gate: { ...gate, monthlyCalls: undefined },
      },
    ]);
    expect(report.suites[0]!.metrics.find((m) => m.metric === 'cost')?.forecast).toBeUndefined();
  });
});

describe('the cost of drift', () => {
  it('per stratum and overall, and a month at the window volume', () => {
    const pairs = [
      { stratum: 'billing', pinnedUsd: 0.001, currentUsd: 0.002 },
      { stratum: 'billing', pinnedUsd: 0.003, currentUsd: 0.004 },
      { stratum: 'search', pinnedUsd: 0.002, currentUsd: 0.002 },
    ];
    // 70 log lines in a 7-day window: 300 a month.
    const monthly = monthlyFromWindow(70, 7);
    expect(monthly).toBe(300);
    const c = driftCost(pairs, monthly)!;
    expect(c.strata.map((s) => [s.stratum, s.n, s.pinnedUsd, s.currentUsd])).toEqual([
      ['billing', 2, 0.002, 0.003],
      ['search', 1, 0.002, 0.002],
    ]);
    // Overall: pinned 0.006/3 = 0.002, current 0.008/3; × 300 a month = +$0.20.
    expect(c.overall.currentUsd).toBeCloseTo(0.008 / 3, 12);
    expect(c.monthlyDeltaUsd).toBeCloseTo(0.2, 10);
    expect(formatStratumCost(c.strata[0]!)).toBe('billing: $0.0020 → $0.0030 (+50%) per answer, 2 answers');
    expect(formatDriftForecast(c)).toBe('cost per answer $0.0020 → $0.0027 (+33%) → +$0.2 / month at 300 calls');
  });
});
