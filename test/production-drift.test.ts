/**
 * The production section from `driftgate drift` itself, on generated production logs
 * (test/support/production-logs.ts): reported from every line and kept in the history and the
 * reports; `replay: on-change`; served answers scored; `--backfill`; `drift.notify`; repeated
 * questions; the judge's agreement with users.
 */
import { describe, expect, it } from 'vitest';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { productionLogs, type Plants, START, DAY } from './support/production-logs.js';
import { makeProject } from './support/project.js';
import { readHistory } from '../src/drift/history.js';
import { driftIn, driftModels, echoLast, withLlm, writeLog } from './support/drift-project.js';
import { writeReports } from '../src/report/write-reports.js';
import { loadReportModel } from '../src/report/report-model.js';

describe('driftgate drift', () => {
  it(
    'reports the production section from every line, keeps it in the history, and explains the next week against it',
    { timeout: 120_000 },
    async () => {
      await withLlm(echoLast, async (llm) => {
        const dir = await makeProject({
          'driftgate.yaml': `${driftModels(llm)}drift:
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
          writeLog(dir, lines);
          return { now: new Date(since.getTime() + 7 * DAY), lines: lines.length };
        };
        const { mkdirSync } = await import('node:fs');
        mkdirSync(path.join(dir, 'logs'));
        const first = write(11);
        const r1 = await driftIn(dir, {
          now: first.now,
        });
        expect(r1.production?.week.lines).toBe(first.lines);
        expect(r1.production?.cost?.monthlyUsd).toBeGreaterThan(0);
        expect(r1.production?.week.groups?.rows.map((g) => g.value).sort()).toEqual(['enterprise', 'free', 'pro']);
        const [row] = await readHistory(path.join(dir, '.driftgate', 'history.jsonl'));
        expect(row?.production?.lines).toBe(first.lines);

        const at = new Date(START.getTime() + (12 * 7 + 3) * DAY);
        const second = write(12, { promptChange: { feature: 'essay-feedback', at, factor: 3 } });
        const r2 = await driftIn(dir, {
          now: second.now,
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
      });
    },
  );

  it(
    'replay: on-change makes 0 model calls in a week where nothing moved, and replays the week the alias moved',
    { timeout: 120_000 },
    async () => {
      await withLlm(echoLast, async (llm) => {
        const dir = await makeProject({
          'driftgate.yaml': `${driftModels(llm)}drift:
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
          writeLog(dir, lines);
          const before = llm.requestCount;
          const r = await driftIn(dir, {
            now: new Date(since.getTime() + 7 * DAY),
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
      });
    },
  );

  it(
    'drift --backfill 12w builds the history from thirteen weeks of logs, so the first report already explains this week',
    { timeout: 120_000 },
    async () => {
      await withLlm(echoLast, async (llm) => {
        const dir = await makeProject({
          'driftgate.yaml': `${driftModels(llm)}drift:
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
        const r = await driftIn(dir, {
          asOf,
          backfill: '12w',
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
          driftIn(dir, {
            asOf,
            backfill: '12w',
          }),
        ).rejects.toThrow(/already holds production figures for 13 runs/);
      });
    },
  );

  it(
    'the served answers are scored with no replay: a 15% drop in one feature’s quality is flagged, the others stay quiet',
    { timeout: 180_000 },
    async () => {
      await withLlm(
        () => 'Noted. Sources: the help centre.',
        async (llm) => {
          const dir = await makeProject({
            'driftgate.yaml': `${driftModels(llm)}drift:
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
            writeLog(dir, lines);
            return driftIn(dir, {
              now: new Date(since.getTime() + 7 * DAY),
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
          // The report draws what users were served, week by week.
          const files = await writeReports(await loadReportModel(r.runDir), ['html'], r.runDir);
          const html = readFileSync(files.html ?? '', 'utf8');
          expect(html).toContain('Served-answer quality (mean score of what users saw)');
          expect(r.servedTrend?.map((t) => Object.keys(t.scores).length)).toEqual([5, 5, 5, 5, 5]);
        },
      );
    },
  );
});
