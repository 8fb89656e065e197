/**
 * The production section. The cost decomposition against values derived by hand from the LMDI
 * formula; then weeks of generated production logs (test/support/production-logs.ts) with planted
 * events whose truth is known: a prompt change tripling one feature's output tokens is attributed
 * to that feature's output tokens with its day, and an alias moving to a new snapshot is named with
 * its hour; a week where nothing moved names nothing. And the section from `driftgate drift`
 * itself, kept in the history and the reports.
 */
import { describe, expect, it } from 'vitest';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { decomposeCost, logMean } from '../src/production/cost-change.js';
import { ProductionTally, type CostCell, type ProductionWeek } from '../src/production/production-tally.js';
import { productionSection } from '../src/production/production-section.js';
import { usageLineOf } from '../src/production/usage-line.js';
import { PriceTable } from '../src/providers/pricing.js';
import { fieldMapping } from '../src/sources/log-fields.js';
import { productionLogs, type Plants } from './support/production-logs.js';
import { FakeLlmServer } from './support/fake-llm-server.js';
import { makeProject } from './support/project.js';
import { runDrift } from '../src/drift/run-drift.js';
import { readHistory } from '../src/drift/history.js';
import { writeReports } from '../src/report/write-reports.js';
import { loadReportModel } from '../src/report/report-model.js';

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
const DAY = 86_400_000;
const START = new Date('2026-09-07T00:00:00Z'); // a Monday; twelve weeks before the planted one

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
    expect(flagged.every((t) => t.kind === 'feedback' && t.label.endsWith('gpt-4o-2024-11-20'))).toBe(true);
    expect(section.tests.filter((t) => t.label.endsWith('gpt-4o-2024-08-06')).some((t) => t.flagged)).toBe(false);
    expect(section.feedbackWorse).toBe(true);
    expect(section.trafficChanged).toBe(false);
    expect(section.sentences.join('\n')).toMatch(
      /users' thumbs in `[a-z-]+` on gpt-4o-2024-11-20 fell from 0\.[78]\d to 0\.[56]\d/,
    );
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

describe('driftgate drift', () => {
  it(
    'reports the production section from every line, keeps it in the history, and explains the next week against it',
    { timeout: 120_000 },
    async () => {
      const llm = await FakeLlmServer.start({
        respond: (call) => `Noted: ${String(call.messages.at(-1)?.content ?? '')}`,
      });
      try {
        const dir = await makeProject({
          'driftgate.yaml': `version: 1
models:
  pinned:   { provider: openai, model: gpt-4o-2024-08-06, baseURL: ${llm.openaiBaseURL} }
  current:  { provider: openai, model: gpt-4o, baseURL: ${llm.openaiBaseURL} }
  embedder: { provider: local }
runner: { retry_base_ms: 5, concurrency: 16 }
drift:
  logs: logs/week.jsonl
  format: normalized
  group_by: attributes.tier
  budget: { monthly_usd: 50 }
  sample: { size: 40, stratify: feature, seed: w, since: 7d }
`,
        });
        const write = (index: number, plants?: Plants) => {
          const since = new Date(START.getTime() + index * 7 * DAY);
          const lines = [
            ...productionLogs({
              start: since,
              days: 7,
              callsPerHour: 20,
              seed: index + 1,
              ...(plants ? { plants } : {}),
            }),
          ];
          writeFileSync(path.join(dir, 'logs', 'week.jsonl'), lines.map((l) => JSON.stringify(l)).join('\n'));
          return { now: new Date(since.getTime() + 7 * DAY), lines: lines.length };
        };
        const { mkdirSync } = await import('node:fs');
        mkdirSync(path.join(dir, 'logs'));
        const first = write(11);
        const r1 = await runDrift({
          configPath: path.join(dir, 'driftgate.yaml'),
          now: first.now,
          env: { OPENAI_API_KEY: 'sk-test-prod-0000000000' },
        });
        expect(r1.production?.week.lines).toBe(first.lines);
        expect(r1.production?.cost?.monthlyUsd).toBeGreaterThan(0);
        expect(r1.production?.week.groups?.rows.map((g) => g.value).sort()).toEqual(['enterprise', 'free', 'pro']);
        const [row] = await readHistory(path.join(dir, '.driftgate', 'history.jsonl'));
        expect(row?.production?.lines).toBe(first.lines);

        const at = new Date(START.getTime() + (12 * 7 + 3) * DAY);
        const second = write(12, { promptChange: { feature: 'essay-feedback', at, factor: 3 } });
        const r2 = await runDrift({
          configPath: path.join(dir, 'driftgate.yaml'),
          now: second.now,
          env: { OPENAI_API_KEY: 'sk-test-prod-0000000000' },
        });
        expect(r2.production?.cost?.change?.sentence).toMatch(
          /of it from `essay-feedback`, whose output tokens per call rose/,
        );
        expect(r2.production?.cost?.budget).toMatchObject({ monthlyUsd: 50, alertAt: 0.8 });
        const drift = JSON.parse(readFileSync(path.join(r2.runDir, 'drift.json'), 'utf8')) as { production?: unknown };
        expect(drift.production).toBeDefined();
        // The reports: the findings in the issue body, the weeks as trend charts in the HTML.
        const files = await writeReports(await loadReportModel(r2.runDir), ['md', 'html'], r2.runDir);
        const md = readFileSync(files.md ?? '', 'utf8');
        expect(md).toContain('#### Production (');
        expect(md).toMatch(/of it from `essay-feedback`/);
        const html = readFileSync(files.html ?? '', 'utf8');
        expect(html).toContain('<h2>Production (');
        expect(html.match(/<svg class="chart lines"/g)).toHaveLength(3);
        expect(html).toContain('Cost a month per feature');
        expect(html).toContain('Served model ids (share of calls)');
      } finally {
        await llm.close();
      }
    },
  );

  it(
    'replay: on-change makes 0 model calls in a week where nothing moved, and replays the week the alias moved',
    { timeout: 120_000 },
    async () => {
      const llm = await FakeLlmServer.start({
        respond: (call) => `Noted: ${String(call.messages.at(-1)?.content ?? '')}`,
      });
      try {
        const dir = await makeProject({
          'driftgate.yaml': `version: 1
models:
  pinned:   { provider: openai, model: gpt-4o-2024-08-06, baseURL: ${llm.openaiBaseURL} }
  current:  { provider: openai, model: gpt-4o, baseURL: ${llm.openaiBaseURL} }
  embedder: { provider: local }
runner: { retry_base_ms: 5, concurrency: 16 }
drift:
  logs: logs/week.jsonl
  format: normalized
  replay: on-change
  sample: { size: 30, stratify: feature, seed: w, since: 7d }
`,
          'logs/.keep': '',
        });
        const run = async (index: number, plants?: Plants) => {
          const since = new Date(START.getTime() + index * 7 * DAY);
          const lines = [
            ...productionLogs({
              start: since,
              days: 7,
              callsPerHour: 10,
              seed: index + 1,
              ...(plants ? { plants } : {}),
            }),
          ];
          writeFileSync(path.join(dir, 'logs', 'week.jsonl'), lines.map((l) => JSON.stringify(l)).join('\n'));
          const before = llm.requestCount;
          const r = await runDrift({
            configPath: path.join(dir, 'driftgate.yaml'),
            now: new Date(since.getTime() + 7 * DAY),
            env: { OPENAI_API_KEY: 'sk-test-prod-0000000000' },
          });
          return { r, calls: llm.requestCount - before };
        };
        // The first run has no earlier week to compare with: it replays.
        expect((await run(10)).calls).toBeGreaterThan(0);
        const quiet = await run(11);
        expect(quiet.calls).toBe(0);
        expect(quiet.r.exitCode).toBe(0);
        expect(quiet.r.replaySkipped).toMatch(/^replay: on-change, and no served model id or fingerprint changed/);
        const moved = await run(12, {
          aliasMove: {
            at: new Date(START.getTime() + (12 * 7 + 2) * DAY),
            to: 'gpt-4o-2024-11-20',
            fingerprint: 'fp_new',
          },
        });
        expect(moved.calls).toBeGreaterThan(0);
        expect(moved.r.replaySkipped).toBeUndefined();
        expect(moved.r.production?.changedAliases).toEqual(['gpt-4o']);
      } finally {
        await llm.close();
      }
    },
  );

  it(
    'drift --backfill 12w builds the history from thirteen weeks of logs, so the first report already explains this week',
    { timeout: 120_000 },
    async () => {
      const llm = await FakeLlmServer.start({
        respond: (call) => `Noted: ${String(call.messages.at(-1)?.content ?? '')}`,
      });
      try {
        const dir = await makeProject({
          'driftgate.yaml': `version: 1
models:
  pinned:   { provider: openai, model: gpt-4o-2024-08-06, baseURL: ${llm.openaiBaseURL} }
  current:  { provider: openai, model: gpt-4o, baseURL: ${llm.openaiBaseURL} }
  embedder: { provider: local }
runner: { retry_base_ms: 5, concurrency: 16 }
drift:
  logs: logs/*.jsonl
  format: normalized
  window: 12
  sample: { size: 30, stratify: feature, seed: w, since: 7d }
`,
          'logs/.keep': '',
        });
        // Weeks 0–12 from 2026-09-07; in week 12 faq's prompt change triples its output from Thursday.
        const at = new Date(START.getTime() + (12 * 7 + 3) * DAY);
        for (let i = 0; i <= 12; i++) {
          const since = new Date(START.getTime() + i * 7 * DAY);
          const plants = i === 12 ? { promptChange: { feature: 'faq', at, factor: 3 } } : undefined;
          const lines = [
            ...productionLogs({ start: since, days: 7, callsPerHour: 8, seed: i + 1, ...(plants ? { plants } : {}) }),
          ];
          writeFileSync(
            path.join(dir, 'logs', `week-${String(i).padStart(2, '0')}.jsonl`),
            lines.map((l) => JSON.stringify(l)).join('\n'),
          );
        }
        const asOf = new Date(START.getTime() + 13 * 7 * DAY);
        const r = await runDrift({
          configPath: path.join(dir, 'driftgate.yaml'),
          asOf,
          backfill: '12w',
          env: { OPENAI_API_KEY: 'sk-test-prod-0000000000' },
        });
        const history = await readHistory(path.join(dir, '.driftgate', 'history.jsonl'));
        expect(history.filter((h) => h.backfilled)).toHaveLength(12);
        expect(history.at(-1)?.backfilled).toBeUndefined();
        expect(r.production?.cost?.change?.trailingWindows).toBe(12);
        expect(r.production?.cost?.change?.sentence).toMatch(
          /of it from `faq`, whose output tokens per call rose \d\.\d× from 2026-12-03/,
        );
        expect(r.sample.outsideWindow).toBeGreaterThan(0);
        // A second backfill would write the history twice: refused.
        await expect(
          runDrift({
            configPath: path.join(dir, 'driftgate.yaml'),
            asOf,
            backfill: '12w',
            env: { OPENAI_API_KEY: 'sk-test-prod-0000000000' },
          }),
        ).rejects.toThrow(/already holds production figures for 13 runs/);
      } finally {
        await llm.close();
      }
    },
  );

  it(
    'the served answers are scored with no replay: a 15% drop in one feature’s quality is flagged, the others stay quiet',
    { timeout: 180_000 },
    async () => {
      const llm = await FakeLlmServer.start({ respond: () => 'Noted. Sources: the help centre.' });
      try {
        const dir = await makeProject({
          'driftgate.yaml': `version: 1
models:
  pinned:   { provider: openai, model: gpt-4o-2024-08-06, baseURL: ${llm.openaiBaseURL} }
  current:  { provider: openai, model: gpt-4o, baseURL: ${llm.openaiBaseURL} }
  embedder: { provider: local }
runner: { retry_base_ms: 5, concurrency: 16 }
drift:
  logs: logs/week.jsonl
  format: normalized
  replay: on-change
  window: 8
  scorers: [{ type: contains, name: cites, value: "Sources:" }]
  sample: { size: 1200, stratify: feature, seed: w, since: 7d }
`,
          'logs/.keep': '',
        });
        const run = async (index: number, plants?: Plants) => {
          const since = new Date(START.getTime() + index * 7 * DAY);
          const lines = [
            ...productionLogs({
              start: since,
              days: 7,
              callsPerHour: 12,
              seed: index + 1,
              ...(plants ? { plants } : {}),
            }),
          ];
          writeFileSync(path.join(dir, 'logs', 'week.jsonl'), lines.map((l) => JSON.stringify(l)).join('\n'));
          return runDrift({
            configPath: path.join(dir, 'driftgate.yaml'),
            now: new Date(since.getTime() + 7 * DAY),
            env: { OPENAI_API_KEY: 'sk-test-prod-0000000000' },
          });
        };
        for (const i of [8, 9, 10, 11]) await run(i);
        const calls = llm.requestCount;
        // In week 12, essay-feedback's answers cite their sources 75% of the time instead of 90%, from Monday.
        const r = await run(12, {
          qualityDrop: { feature: 'essay-feedback', at: new Date(START.getTime() + 12 * 7 * DAY), cited: 0.75 },
        });
        expect(llm.requestCount).toBe(calls);
        const served = r.decision.signals.filter((x) => x.name.startsWith('history: served cites'));
        expect(served.map((x) => x.name).sort()).toEqual([
          'history: served cites',
          'history: served cites · billing',
          'history: served cites · essay-feedback',
          'history: served cites · faq',
          'history: served cites · search',
        ]);
        const fired = served.filter((x) => x.drifted).map((x) => x.name);
        expect(fired).toContain('history: served cites · essay-feedback');
        expect(fired.filter((n) => /· (faq|search|billing)$/.test(n))).toEqual([]);
      } finally {
        await llm.close();
      }
    },
  );

  it(
    'drift.notify posts a Slack-compatible message; a failing webhook is a warning and the verdict stands',
    { timeout: 120_000 },
    async () => {
      const { createServer } = await import('node:http');
      const bodies: unknown[] = [];
      let status = 200;
      const receiver = createServer((req, res) => {
        let text = '';
        req.on('data', (d: Buffer) => (text += d.toString()));
        req.on('end', () => {
          bodies.push(JSON.parse(text));
          res.writeHead(status).end(status === 200 ? 'ok' : 'no');
        });
      });
      await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
      const port = (receiver.address() as { port: number }).port;
      const hook = `http://127.0.0.1:${port}/services/T000/B000/secretpart0123456789`;
      const llm = await FakeLlmServer.start({
        respond: (call) => `Noted: ${String(call.messages.at(-1)?.content ?? '')}`,
      });
      try {
        const dir = await makeProject({
          'driftgate.yaml': `version: 1
models:
  pinned:   { provider: openai, model: gpt-4o-2024-08-06, baseURL: ${llm.openaiBaseURL} }
  current:  { provider: openai, model: gpt-4o, baseURL: ${llm.openaiBaseURL} }
  embedder: { provider: local }
runner: { retry_base_ms: 5, concurrency: 16 }
drift:
  logs: logs/week.jsonl
  format: normalized
  notify: { webhook: TEAM_WEBHOOK, on: always }
  sample: { size: 20, stratify: feature, seed: w, since: 7d }
`,
          'logs/.keep': '',
        });
        const since = new Date(START.getTime() + 11 * 7 * DAY);
        const lines = [...productionLogs({ start: since, days: 7, callsPerHour: 4, seed: 3 })];
        writeFileSync(path.join(dir, 'logs', 'week.jsonl'), lines.map((l) => JSON.stringify(l)).join('\n'));
        const env = {
          OPENAI_API_KEY: 'sk-test-prod-0000000000',
          TEAM_WEBHOOK: hook,
          GITHUB_SERVER_URL: 'https://github.com',
          GITHUB_REPOSITORY: 'acme/support-bot',
          GITHUB_RUN_ID: '42',
        };
        const config = path.join(dir, 'driftgate.yaml');
        const now = new Date(since.getTime() + 7 * DAY);
        const ok = await runDrift({ configPath: config, now, env });
        expect(ok.notified).toEqual({ sent: true });
        const [message] = bodies as { text: string; blocks: { text: { text: string } }[] }[];
        expect(message?.text).toMatch(/^(✅|⚠️) driftgate: (no drift|drift detected) · /);
        expect(message?.blocks[0]?.text.text).toContain(
          '<https://github.com/acme/support-bot/actions/runs/42|The run and its report>',
        );
        expect(message?.blocks[0]?.text.text).toContain('*Production*');
        status = 500;
        const failed = await runDrift({ configPath: config, now, env });
        expect(failed.exitCode).toBe(ok.exitCode);
        expect(failed.decision.drifted).toBe(ok.decision.drifted);
        expect(failed.notified?.sent).toBe(false);
        expect(failed.notified?.warning).toBe(
          'drift.notify: the webhook in TEAM_WEBHOOK did not take the message (HTTP 500); the verdict stands',
        );
        // Retried once after the 500, and the address never reaches drift.json.
        expect(bodies).toHaveLength(3);
        expect(readFileSync(path.join(failed.runDir, 'drift.json'), 'utf8')).not.toContain('secretpart0123456789');
      } finally {
        await llm.close();
        receiver.close();
      }
    },
  );

  it(
    'repeated questions per feature: the share that repeats an earlier input exactly, and what a cache would save',
    { timeout: 120_000 },
    async () => {
      const llm = await FakeLlmServer.start({ respond: () => 'Noted.' });
      try {
        const dir = await makeProject({
          'driftgate.yaml': `version: 1
models:
  pinned:   { provider: openai, model: gpt-4o-2024-08-06, baseURL: ${llm.openaiBaseURL} }
  current:  { provider: openai, model: gpt-4o, baseURL: ${llm.openaiBaseURL} }
  embedder: { provider: local }
runner: { retry_base_ms: 5, concurrency: 16 }
drift:
  logs: logs/week.jsonl
  format: normalized
  sample: { size: 2000, stratify: feature, seed: w, since: 7d }
`,
          'logs/.keep': '',
        });
        const since = new Date(START.getTime() + 11 * 7 * DAY);
        // Few distinct questions: many calls repeat one exactly.
        const lines = [...productionLogs({ start: since, days: 7, callsPerHour: 30, seed: 5 })].map((l) => ({
          ...l,
          input: {
            messages: l.input.messages.map((m) =>
              m.role === 'user'
                ? { ...m, content: String(m.content).replace(/\d+$/, (n) => String(Number(n) % 300)) }
                : m,
            ),
          },
        }));
        writeFileSync(path.join(dir, 'logs', 'week.jsonl'), lines.map((l) => JSON.stringify(l)).join('\n'));
        const r = await runDrift({
          configPath: path.join(dir, 'driftgate.yaml'),
          now: new Date(since.getTime() + 7 * DAY),
          env: { OPENAI_API_KEY: 'sk-test-prod-0000000000' },
        });
        const faq = lines.filter((l) => l.feature === 'faq');
        const distinct = new Set(faq.map((l) => JSON.stringify(l.input.messages))).size;
        const row = r.production?.repeated?.find((x) => x.feature === 'faq');
        expect(row?.lines).toBe(faq.length);
        expect(row?.distinct).toBe(distinct);
        expect(row?.share).toBeCloseTo(1 - distinct / faq.length, 12);
        expect(row?.monthlyUsd).toBeGreaterThan(0);
        expect(r.production?.sentences.join('\n')).toMatch(
          /repeated questions: \d+% of `faq` calls repeat an earlier input exactly; a response cache would save about \$/,
        );
      } finally {
        await llm.close();
      }
    },
  );

  it(
    "the judge's agreement with users on the sampled answers: Cohen's κ as derived by hand",
    { timeout: 60_000 },
    async () => {
      const llm = await FakeLlmServer.start({ respond: () => 'Noted.' });
      try {
        // 40 calls: cited & thumbs up 20, not cited & down 10, cited & down 5, not cited & up 5.
        // p_o = 30/40 = 0.75; both raters pass 25/40, so p_e = 0.625² + 0.375² = 0.53125;
        // κ = (0.75 − 0.53125) / (1 − 0.53125) = 0.466666….
        const kinds = [
          ...Array(20).fill([true, 1]),
          ...Array(10).fill([false, 0]),
          ...Array(5).fill([true, 0]),
          ...Array(5).fill([false, 1]),
        ] as [boolean, number][];
        const lines = kinds.map(([cited, up], i) => ({
          schemaVersion: 1,
          source: 'test',
          time: new Date(Date.UTC(2026, 10, 27, 10, i)).toISOString(),
          feature: 'faq',
          input: { messages: [{ role: 'user', content: `question ${i}` }] },
          output: { text: cited ? 'Answer. Sources: the help centre.' : 'Answer.' },
          servedModel: 'gpt-4o-2024-08-06',
          feedback: [{ name: 'thumbs', value: up, source: 'user' }],
        }));
        const dir = await makeProject({
          'driftgate.yaml': `version: 1
models:
  pinned:   { provider: openai, model: gpt-4o-2024-08-06, baseURL: ${llm.openaiBaseURL} }
  current:  { provider: openai, model: gpt-4o, baseURL: ${llm.openaiBaseURL} }
  embedder: { provider: local }
runner: { retry_base_ms: 5, concurrency: 16 }
drift:
  logs: logs/week.jsonl
  format: normalized
  scorers: [{ type: contains, name: cites, value: "Sources:" }]
  sample: { size: 100, seed: w, since: 7d }
`,
          'logs/week.jsonl': lines.map((l) => JSON.stringify(l)).join('\n'),
        });
        const r = await runDrift({
          configPath: path.join(dir, 'driftgate.yaml'),
          now: new Date('2026-12-01T00:00:00Z'),
          env: { OPENAI_API_KEY: 'sk-test-prod-0000000000' },
        });
        expect(r.userAgreement).toHaveLength(1);
        const [a] = r.userAgreement ?? [];
        expect(a).toMatchObject({ scorer: 'cites', feedback: 'thumbs', n: 40, agreement: 0.75 });
        expect(a?.kappa).toBeCloseTo(0.21875 / 0.46875, 12);
      } finally {
        await llm.close();
      }
    },
  );
});
