/**
 * The production section. The cost decomposition against values derived by hand from the LMDI
 * formula; then weeks of generated production logs (test/support/production-logs.ts) with planted
 * events whose truth is known: a prompt change tripling one feature's output tokens is attributed
 * to that feature's output tokens with its day, an alias moving to a new snapshot is named with
 * its hour, users' thumbs falling on the new model id and a new topic are flagged for what they
 * are; a week where nothing moved names nothing. `driftgate drift` itself: production-drift.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { decomposeCost, logMean } from '../src/production/cost-change.js';
import { ProductionTally, type CostCell, type ProductionWeek } from '../src/production/production-tally.js';
import { productionSection } from '../src/production/production-section.js';
import { usageLineOf } from '../src/production/usage-line.js';
import { PriceTable } from '../src/providers/pricing.js';
import { fieldMapping } from '../src/sources/log-fields.js';
import { productionLogs, type Plants, START, DAY } from './support/production-logs.js';

const cell = (
  feature: string,
  calls: number,
  inTok: number,
  outTok: number,
  inUsd: number,
  outUsd: number,
): CostCell => ({
  feature,
  model: 'gpt-4o',
  calls,
  inputTokens: inTok,
  outputTokens: outTok,
  cachedInputTokens: 0,
  inputUsd: inUsd,
  outputUsd: outUsd,
});

describe('cost change decomposition (LMDI-I)', () => {
  it('output tokens tripling in one feature: its whole change is that feature’s output tokens', () => {
    // faq: 100 calls, 2,000 output tokens at $10/M = $0.02 → 6,000 = $0.06; input unchanged.
    const before = [cell('faq', 100, 5_000, 2_000, 0.0125, 0.02), cell('search', 50, 1_000, 500, 0.0025, 0.005)];
    const after = [cell('faq', 100, 5_000, 6_000, 0.0125, 0.06), cell('search', 50, 1_000, 500, 0.0025, 0.005)];
    const c = decomposeCost({ cells: before, days: 1 }, { cells: after, days: 1 });
    const faq = c.features.find((f) => f.feature === 'faq');
    expect(c.after - c.before).toBeCloseTo(0.04, 12);
    expect(faq?.outputTokens).toBeCloseTo(0.04, 12);
    expect(faq?.volume).toBeCloseTo(0, 12);
    expect(faq?.price).toBeCloseTo(0, 12);
    expect(c.features.find((f) => f.feature === 'search')?.outputTokens).toBe(0);
  });

  it('calls doubling and output per call tripling: L(6C, C)·ln 2 to volume, L(6C, C)·ln 3 to tokens, nothing left over', () => {
    const c = decomposeCost(
      { cells: [cell('faq', 100, 0, 2_000, 0, 0.02)], days: 1 },
      // Twice the calls over two days is the same volume a day: four days' worth in two days doubles it.
      { cells: [cell('faq', 400, 0, 24_000, 0, 0.24)], days: 2 },
    );
    const faq = c.features[0];
    // C0 = 0.02 a day; C1 = 0.12 a day = 6 C0; L = 0.10 / ln 6.
    const L = 0.1 / Math.log(6);
    expect(logMean(0.12, 0.02)).toBeCloseTo(L, 15);
    expect(faq?.volume).toBeCloseTo(L * Math.log(2), 12);
    expect(faq?.outputTokens).toBeCloseTo(L * Math.log(3), 12);
    expect((faq?.volume ?? 0) + (faq?.outputTokens ?? 0) + (faq?.mix ?? 0) + (faq?.price ?? 0)).toBeCloseTo(0.1, 12);
  });

  it('a new feature is all volume; a feature moving to another model is mix', () => {
    const mini = { ...cell('faq', 100, 0, 2_000, 0, 0.0012), model: 'gpt-4o-mini' };
    const c = decomposeCost(
      { cells: [cell('faq', 100, 0, 2_000, 0, 0.02)], days: 1 },
      { cells: [mini, cell('new', 10, 0, 100, 0, 0.001)], days: 1 },
    );
    expect(c.features.find((f) => f.feature === 'new')?.volume).toBeCloseTo(0.001, 12);
    const faq = c.features.find((f) => f.feature === 'faq');
    expect(faq?.mix).toBeCloseTo(0.0012 - 0.02, 12);
    expect(faq?.volume).toBe(0);
  });
});

const mapping = fieldMapping('normalized');
const prices = new PriceTable();

function week(index: number, plants?: Plants): ProductionWeek {
  const since = new Date(START.getTime() + index * 7 * DAY);
  const tally = new ProductionTally(prices, { since, end: new Date(since.getTime() + 7 * DAY) });
  for (const record of productionLogs({
    start: since,
    days: 7,
    callsPerHour: 60,
    seed: index + 1,
    ...(plants ? { plants } : {}),
  }))
    tally.add(usageLineOf(record, mapping));
  return tally.result();
}

describe('the production section on generated logs with planted events', () => {
  const trailing = [8, 9, 10, 11].map((i) => week(i));
  const options = { paths: { usage: 'usage', servedModel: 'servedModel' } };

  it('a prompt change tripling faq’s output tokens on Thursday: ≥ 90% of the change is faq’s output tokens, dated that day', () => {
    const at = new Date(START.getTime() + (12 * 7 + 3) * DAY + 9 * 3_600_000); // week 12, Thursday 09:00
    const section = productionSection(week(12, { promptChange: { feature: 'faq', at, factor: 3 } }), trailing, options);
    const change = section.cost?.change;
    expect(change).toBeDefined();
    const delta = (change?.after ?? 0) - (change?.before ?? 0);
    const faq = change?.features.find((f) => f.feature === 'faq');
    expect(delta).toBeGreaterThan(0);
    expect((faq?.outputTokens ?? 0) / delta).toBeGreaterThanOrEqual(0.9);
    expect(change?.since).toBe(at.toISOString().slice(0, 10));
    expect(change?.sentence).toMatch(/of it from `faq`, whose output tokens per call rose \d\.\d× from 2026-12-03/);
    expect(section.changedAliases).toEqual([]);
  });

  it('the alias moving to a new snapshot at 14:00 on Wednesday is named with that hour, and as a change', () => {
    const at = new Date(START.getTime() + (12 * 7 + 2) * DAY + 14 * 3_600_000);
    const section = productionSection(
      week(12, { aliasMove: { at, to: 'gpt-4o-2024-11-20', fingerprint: 'fp_f0e1d2c3b4' } }),
      trailing,
      options,
    );
    const [timeline] = section.served;
    expect(section.changedAliases).toEqual(['gpt-4o']);
    expect(timeline?.models.map((m) => m.model)).toEqual(['gpt-4o-2024-08-06', 'gpt-4o-2024-11-20']);
    expect(timeline?.sentence).toMatch(
      /^`gpt-4o` answered as gpt-4o-2024-08-06 until 2026-12-02 13:\d\d UTC, as gpt-4o-2024-11-20 since 2026-12-02 14:\d\d UTC; gpt-4o-2024-11-20 took \d+% of the window's calls$/,
    );
  });

  it('a week where nothing moved: no alias changed, no weekly test flagged, and the cost change is small', () => {
    const section = productionSection(week(12), trailing, options);
    expect(section.changedAliases).toEqual([]);
    expect(section.tests.length).toBeGreaterThan(4);
    expect(section.tests.filter((t) => t.flagged)).toEqual([]);
    const change = section.cost?.change;
    expect(Math.abs((change?.after ?? 0) / (change?.before ?? 1) - 1)).toBeLessThan(0.05);
  });

  it('users’ thumbs falling on the new model id are flagged on that model’s rows, not the old one’s', () => {
    const at = new Date(START.getTime() + (12 * 7 + 2) * DAY + 14 * 3_600_000);
    const section = productionSection(
      week(12, { aliasMove: { at, to: 'gpt-4o-2024-11-20', fingerprint: 'fp_f0e1d2c3b4' }, thumbsUpAfterMove: 0.6 }),
      trailing,
      options,
    );
    const flagged = section.tests.filter((t) => t.flagged);
    expect(flagged.length).toBeGreaterThan(0);
    // Per model id, only the new one's rows (the per-prompt rows mix both models, every call being on prompt 1).
    const byModel = flagged.filter((t) => !t.label.includes('· prompt '));
    expect(byModel.length).toBeGreaterThan(0);
    expect(byModel.every((t) => t.kind === 'feedback' && t.label.endsWith('gpt-4o-2024-11-20'))).toBe(true);
    expect(section.tests.filter((t) => t.label.endsWith('gpt-4o-2024-08-06')).some((t) => t.flagged)).toBe(false);
    expect(section.feedbackWorse).toBe(true);
    expect(section.trafficChanged).toBe(false);
    expect(section.sentences.join('\n')).toMatch(
      /users' thumbs in `[a-z-]+` on gpt-4o-2024-11-20 fell from 0\.[78]\d to 0\.[56]\d/,
    );
  });

  it('users’ thumbs falling with a new prompt version are flagged on that version’s row; the served model by day shows the move', () => {
    const at = new Date(START.getTime() + (12 * 7 + 1) * DAY);
    const moveAt = new Date(START.getTime() + (12 * 7 + 2) * DAY + 14 * 3_600_000);
    const w = week(12, {
      promptChangeFeedback: { feature: 'faq', at, thumbsUp: 0.55 },
      aliasMove: { at: moveAt, to: 'gpt-4o-2024-11-20', fingerprint: 'fp_f0e1d2c3b4' },
    });
    const section = productionSection(w, trailing, options);
    const flagged = section.tests.filter((t) => t.flagged && t.kind === 'feedback').map((t) => t.label);
    expect(flagged).toContain('thumbs · faq · prompt 2');
    expect(flagged).not.toContain('thumbs · faq · prompt 1');
    const models = (day: string) =>
      (w.servedByDay ?? [])
        .filter((d) => d.day === day)
        .map((d) => d.model)
        .sort();
    expect(models('2026-12-01')).toEqual(['gpt-4o-2024-08-06']);
    expect(models('2026-12-02')).toEqual(['gpt-4o-2024-08-06', 'gpt-4o-2024-11-20']);
    expect(models('2026-12-03')).toEqual(['gpt-4o-2024-11-20']);
  });

  it('a new topic at 20% of `search` is traffic changed (longer inputs), not a feedback or model change', () => {
    const at = new Date(START.getTime() + 12 * 7 * DAY);
    const section = productionSection(week(12, { newTopic: { feature: 'search', at, share: 0.2 } }), trailing, options);
    expect(section.trafficChanged).toBe(true);
    expect(section.tests.filter((t) => t.kind === 'input-length' && t.flagged).map((t) => t.label)).toEqual([
      'input length · search',
    ]);
    expect(section.tests.find((t) => t.kind === 'traffic-share')?.flagged).toBe(false);
    expect(section.feedbackWorse).toBe(false);
    expect(section.changedAliases).toEqual([]);
    expect(section.sentences.join('\n')).toMatch(/traffic changed: inputs to `search` got longer/);
    // The words themselves: every word of the new topic is in about a fifth of search's inputs, none before.
    const words = section.tests.find((t) => t.kind === 'input-words' && t.label === 'input words · search');
    expect(words?.flagged).toBe(true);
    expect(words?.sentence).toMatch(
      /^traffic changed: inputs to `search` mention “(charged|twice|subscription|renewal|month|would|refund|duplicate|payment|reference)” in (1\d|2\d)% of sampled inputs \(under 1% before; p < 0\.001\)$/,
    );
    expect(section.tests.filter((t) => t.kind === 'input-words' && t.flagged).map((t) => t.label)).toEqual([
      'input words · search',
    ]);
  });

  it('a log without usage or a served model says what it could not compute instead of zeros', () => {
    const tally = new ProductionTally(prices);
    tally.add(usageLineOf({ input: 'hi', feature: 'faq', timestamp: '2026-11-30T10:00:00Z' }, fieldMapping('generic')));
    const section = productionSection(tally.result(), [], { paths: { usage: 'no field', servedModel: 'model' } });
    expect(section.cost).toBeUndefined();
    expect(section.notComputed).toEqual([
      'cost: no line carries token usage or a logged cost (read at no field); name them in drift.fields',
      'served model: no line names the model that answered (read at model)',
    ]);
  });
});
