import { describe, expect, it } from 'vitest';
import { compareRun, type GateSettings } from '../src/gate/compare.js';
import { decideVerdict } from '../src/gate/verdict.js';
import { baselineOf, cases, recordsOf } from './support/gate-fixtures.js';

const gate: GateSettings = { alpha: 0.05, minEffect: 0.03, minRelativeEffect: 0.1 };
const compare = (
  base: ReturnType<typeof baselineOf>,
  records: ReturnType<typeof recordsOf>,
  settings: GateSettings = gate,
) => compareRun([{ suite: 's', baseline: base, records, gate: settings }]);
const metric = (report: ReturnType<typeof compareRun>, name: string) =>
  report.suites[0]!.metrics.find((m) => m.metric === name)!;

describe('verdict rule', () => {
  const v = (effect: number, lo: number, p: number) =>
    decideVerdict({ effect, interval: [lo, effect + (effect - lo)], pAdjusted: p, alpha: 0.05, minEffect: 0.03 });
  it('regressed needs significance and an estimate worse than min_effect', () => {
    expect(v(-0.05, -0.08, 0.01)).toBe('regressed');
    expect(v(-0.02, -0.04, 0.01)).toBe('inconclusive'); // significant but smaller than min_effect, and not provably within it
    expect(v(-0.05, -0.12, 0.2)).toBe('inconclusive'); // large but not significant
  });
  it('unchanged when the worse bound is inside min_effect; improved when clearly better', () => {
    expect(v(-0.005, -0.02, 0.4)).toBe('unchanged');
    expect(v(0.06, 0.02, 0.99)).toBe('improved');
    expect(v(0.01, 0.002, 0.99)).toBe('unchanged'); // better, but by less than min_effect
  });
});

describe('comparing a run with its baseline', () => {
  it('identical results: nothing regresses, continuous scores unchanged', () => {
    const spec = cases(
      200,
      (i) => i % 10 === 0,
      (i) => ({ judge: (i % 5) / 4 }),
    );
    const report = compare(baselineOf(spec), recordsOf(spec));
    expect(report.failed).toBe(false);
    expect(metric(report, 'check')).toMatchObject({
      status: 'compared',
      n: 200,
      delta: 0,
      mcnemar: { b: 0, c: 0 },
      pWorse: 1,
    });
    expect(metric(report, 'judge').verdict).toBe('unchanged');
    expect(report.headline).toMatch(/^No regressions:/);
  });

  it('flags a real drop: 16 of 200 cases newly failing, 1 newly passing', () => {
    const base = cases(200, (i) => i >= 190);
    const now = cases(200, (i) => (i >= 190 && i !== 199) || i < 16);
    const report = compare(baselineOf(base), recordsOf(now));
    const check = metric(report, 'check');
    expect(check.mcnemar).toMatchObject({ b: 16, c: 1 });
    expect(check.delta).toBeCloseTo(-15 / 200, 12);
    expect(check.pWorse).toBeLessThan(0.001);
    expect(check.verdict).toBe('regressed');
    expect(report.failed).toBe(true);
    expect(report.headline).toMatch(
      /^2 regressions in s: pass_rate −7\.5 pts \[−\d+\.\d pts, −\d+\.\d pts\]; check −7\.5 pts/,
    );
    const flips = report.suites[0]!.flips;
    expect(flips.filter((f) => f.direction === 'regressed')).toHaveLength(16);
    expect(flips.at(-1)).toMatchObject({ caseId: 'c0199', direction: 'improved', checks: ['check'] });
    expect(flips[0]).toMatchObject({ baselineOutput: 'baseline answer c0000', currentOutput: 'current answer c0000' });
  });

  it('lists new, removed and edited cases and leaves them out of the comparison', () => {
    const base = cases(50, () => false);
    const now = [
      ...cases(48, () => false).map((c, i) => (i === 3 ? { ...c, inputHash: 'edited', pass: false } : c)),
      { id: 'fresh', pass: true },
    ];
    const report = compare(baselineOf(base), recordsOf(now));
    expect(report.suites[0]!.cases).toEqual({
      compared: 47,
      new: ['fresh'],
      removed: ['c0048', 'c0049'],
      changed: ['c0003'],
    });
    expect(metric(report, 'check').n).toBe(47);
    expect(metric(report, 'check').mcnemar).toMatchObject({ b: 0, c: 0 });
  });

  it('does not compare scores from a changed scorer (another rubric, another judge)', () => {
    const spec = cases(
      40,
      () => false,
      () => ({ judge: 1 }),
    );
    const report = compare(baselineOf(spec, { judge: 'judge-v1' }), recordsOf(spec, { judge: 'judge-v2' }));
    expect(metric(report, 'judge').status).toBe('scorer-changed');
    expect(metric(report, 'pass_rate').status).toBe('scorer-changed');
    expect(metric(report, 'check').status).toBe('compared');
  });

  it('gates cost like quality: +20% per call is a regression when cost is gated', () => {
    const base = cases(
      100,
      () => false,
      (i) => ({ cost: 0.001 * (1 + (i % 7) / 10) }),
    );
    const now = base.map((c) => ({ ...c, cost: (c.cost ?? 0) * 1.2 }));
    const report = compare(baselineOf(base), recordsOf(now), { ...gate, metrics: ['pass_rate', 'check', 'cost'] });
    const cost = metric(report, 'cost');
    expect(cost.delta).toBeCloseTo(0.2, 10);
    expect(cost.verdict).toBe('regressed');
    expect(report.headline).toContain('cost +20% [+20%, +20%]');
    expect(metric(compare(baselineOf(base), recordsOf(now)), 'cost').gated).toBe(false);
  });

  it('a small sample cannot show "unchanged" for a rate: inconclusive, with the MDE and cases needed', () => {
    const spec = cases(30, (i) => i < 3);
    const report = compare(baselineOf(spec), recordsOf(spec));
    const check = metric(report, 'check');
    expect(check.verdict).toBe('inconclusive');
    expect(check.underpowered).toBe(true);
    expect(check.mde).toBeGreaterThan(0.03);
    expect(check.casesNeeded).toBeGreaterThan(30);
  });

  it('Holm-adjusts across every gated metric of the run', () => {
    const base = cases(
      300,
      () => false,
      (i) => ({ judge: 0.75 + (i % 2) * 0.25 }),
    );
    const now = base.map((c, i) => ({ ...c, pass: i >= 12, judge: (c.judge ?? 0) - (i % 3 === 0 ? 0.25 : 0) }));
    const report = compareRun([
      { suite: 's', baseline: baselineOf(base), records: recordsOf(now), gate },
      { suite: 's', baseline: baselineOf(base), records: recordsOf(base), gate },
    ]);
    const gated = report.suites.flatMap((s) => s.metrics.filter((m) => m.gated && m.status === 'compared'));
    expect(gated).toHaveLength(6);
    for (const m of gated) expect(m.pAdjusted!).toBeGreaterThanOrEqual(m.pWorse!);
    const smallest = Math.min(...gated.map((m) => m.pWorse!));
    expect(Math.min(...gated.map((m) => m.pAdjusted!))).toBeCloseTo(Math.min(1, 6 * smallest), 12);
    expect(report.correction).toBe('holm');
  });

  it('uses Benjamini–Hochberg only when every suite asks for it', () => {
    const spec = cases(100, (i) => i < 10);
    const bh = { ...gate, correction: 'bh' as const };
    expect(
      compareRun([{ suite: 's', baseline: baselineOf(spec), records: recordsOf(spec), gate: bh }]).correction,
    ).toBe('bh');
    expect(
      compareRun([
        { suite: 's', baseline: baselineOf(spec), records: recordsOf(spec), gate: bh },
        { suite: 't', baseline: baselineOf(spec), records: recordsOf(spec), gate },
      ]).correction,
    ).toBe('holm');
  });
});
