/**
 * What users see and feel, and where people hear of it, from `driftgate drift` on generated logs:
 * `drift.notify`'s webhook post, repeated questions and what a cache would save, and the judge's
 * agreement with users' thumbs (Cohen's κ).
 */
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { productionLogs, START, DAY } from './support/production-logs.js';
import { FakeLlmServer } from './support/fake-llm-server.js';
import { makeProject } from './support/project.js';
import { runDrift } from '../src/drift/run-drift.js';
import { driftIn, driftModels, echoLast, withLlm, writeLog } from './support/drift-project.js';

describe('driftgate drift: users and alerts', () => {
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
        respond: echoLast,
      });
      try {
        const dir = await makeProject({
          'driftgate.yaml': `${driftModels(llm)}drift:
  logs: logs/week.jsonl
  format: normalized
  notify: { webhook: TEAM_WEBHOOK, on: always }
  sample: { size: 20, stratify: feature, seed: w, since: 7d }
`,
          'logs/.keep': '',
        });
        const since = new Date(START.getTime() + 11 * 7 * DAY);
        const lines = [...productionLogs({ start: since, days: 7, callsPerHour: 4, seed: 3 })];
        writeLog(dir, lines);
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
      await withLlm(
        () => 'Noted.',
        async (llm) => {
          const dir = await makeProject({
            'driftgate.yaml': `${driftModels(llm)}drift:
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
          writeLog(dir, lines);
          const r = await driftIn(dir, {
            now: new Date(since.getTime() + 7 * DAY),
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
        },
      );
    },
  );

  it(
    "the judge's agreement with users on the sampled answers: Cohen's κ as derived by hand",
    { timeout: 60_000 },
    async () => {
      await withLlm(
        () => 'Noted.',
        async (llm) => {
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
            'driftgate.yaml': `${driftModels(llm)}drift:
  logs: logs/week.jsonl
  format: normalized
  scorers: [{ type: contains, name: cites, value: "Sources:" }]
  sample: { size: 100, seed: w, since: 7d }
`,
            'logs/week.jsonl': lines.map((l) => JSON.stringify(l)).join('\n'),
          });
          const r = await driftIn(dir, {
            now: new Date('2026-12-01T00:00:00Z'),
          });
          expect(r.userAgreement).toHaveLength(1);
          const [a] = r.userAgreement ?? [];
          expect(a).toMatchObject({ scorer: 'cites', feedback: 'thumbs', n: 40, agreement: 0.75 });
          expect(a?.kappa).toBeCloseTo(0.21875 / 0.46875, 12);
        },
      );
    },
  );

  it(
    'near-duplicate questions: rephrasings of one question among the sampled distinct inputs, per stratum',
    { timeout: 60_000 },
    async () => {
      await withLlm(
        () => 'Noted.',
        async (llm) => {
          // 10 questions asked twice in different casing and punctuation (distinct inputs, the same words),
          // and 20 questions about unrelated things: 20 of the 40 have a near-duplicate.
          const topics = [
            'passwords',
            'invoices',
            'shipping',
            'refunds',
            'exports',
            'folders',
            'sharing',
            'security',
            'billing',
            'accounts',
            'printers',
            'calendars',
            'reminders',
            'contacts',
            'backups',
            'themes',
            'fonts',
            'languages',
            'timezones',
            'webhooks',
          ];
          const texts = [
            ...topics
              .slice(0, 10)
              .flatMap((t) => [
                `How do I manage my ${t} settings in the app?`,
                `how do i manage my ${t} SETTINGS in the app!!`,
              ]),
            ...topics.map(
              (t, i) =>
                `${t} ${['question', 'problem', 'request', 'issue'][i % 4]} number ${i} about ${topics[(i + 7) % 20]} and ${topics[(i + 13) % 20]}`,
            ),
          ];
          const lines = texts.map((content, i) => ({
            schemaVersion: 1,
            source: 'test',
            time: new Date(Date.UTC(2026, 10, 27, 10, i)).toISOString(),
            feature: 'faq',
            input: { messages: [{ role: 'user', content }] },
            output: { text: 'Answer.' },
          }));
          const dir = await makeProject({
            'driftgate.yaml': `${driftModels(llm)}drift:
  logs: logs/week.jsonl
  format: normalized
  sample: { size: 100, seed: w, since: 7d }
`,
            'logs/week.jsonl': lines.map((l) => JSON.stringify(l)).join('\n'),
          });
          const r = await driftIn(dir, {
            now: new Date('2026-12-01T00:00:00Z'),
          });
          expect(r.nearDuplicates).toEqual([{ stratum: '(all)', inputs: 40, nearDuplicates: 20, share: 0.5 }]);
        },
      );
    },
  );
});
