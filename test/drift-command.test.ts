import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { cpSync, mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { FakeLlmServer, type ChatCall } from './support/fake-llm-server.js';
import { allFiles, makeProject } from './support/project.js';
import { runDrift } from '../src/drift/run-drift.js';
import { readHistory } from '../src/drift/history.js';

let server: FakeLlmServer;
let style: (call: ChatCall, answer: string) => string = (_, a) => a;
beforeAll(async () => {
  server = await FakeLlmServer.start({
    respond: (call) => {
      const q = call.messages.at(-1)?.content ?? '';
      const topic = /about (\w+)/.exec(q)?.[1] ?? 'that';
      return style(call, `You can manage ${topic} from the settings page; open it and follow the steps for ${topic}.`);
    },
  });
});
afterAll(() => server.close());
beforeEach(() => {
  server.resetCounters();
  style = (_, a) => a;
  server.configure({ reportedModel: undefined });
});

const CANARY_EMAIL = 'canary.person@example.com';
const CANARY_KEY = 'sk-proj-CANARYcanary0123456789abcdefXYZ';
const topics = [
  'billing',
  'passwords',
  'sharing',
  'storage',
  'invoices',
  'devices',
  'backups',
  'folders',
  'teams',
  'exports',
];

async function project(): Promise<string> {
  const logs = Array.from({ length: 240 }, (_, i) =>
    JSON.stringify({
      input: `Question ${i} about ${topics[i % 10]}${i % 40 === 0 ? `, reach me at ${CANARY_EMAIL}, my key is ${CANARY_KEY}` : ''}`,
      feature: i % 2 ? 'chat' : 'search',
      timestamp: '2026-11-20T10:00:00Z',
    }),
  ).join('\n');
  return makeProject({
    'driftgate.yaml': `version: 1
models:
  pinned:   { provider: openai, model: gpt-4o-2024-08-06, baseURL: ${server.openaiBaseURL} }
  current:  { provider: openai, model: gpt-4o, baseURL: ${server.openaiBaseURL} }
  embedder: { provider: local }
runner: { retry_base_ms: 5, concurrency: 16 }
drift:
  logs: logs/*.jsonl
  sample: { size: 120, stratify: feature, seed: week-1 }
  scorers: [{ type: refusal }]
`,
    'logs/week.jsonl': logs,
  });
}

const env = { OPENAI_API_KEY: 'sk-test-drift-000000000000' };

describe('driftgate drift', () => {
  it('--batch: pinned and current answers through the batch API, one batch per target, none online, same verdict', async () => {
    const dir = await project();
    server.batches.configure({ pollsUntilDone: 1, failRate: 0, expire: false });
    const createdBefore = server.batches.created.openai;
    const r = await runDrift({ configPath: path.join(dir, 'driftgate.yaml'), env, batch: true });
    expect(r.exitCode).toBe(0);
    expect(r.decision.drifted).toBe(false);
    expect(server.batches.created.openai - createdBefore).toBe(2); // pinned and current; no judge in this config
    expect(server.requestCount).toBe(0);
    const meta = JSON.parse(readFileSync(path.join(r.runDir, 'run.json'), 'utf8')) as {
      batches: { target: string; answered: number }[];
    };
    expect(meta.batches.map((b) => [b.target, b.answered]).sort()).toEqual([
      ['current', 120],
      ['pinned', 240],
    ]);
  });

  it('A/A (current answers like pinned): no drift, exit 0, a history row appended', async () => {
    const dir = await project();
    const r = await runDrift({ configPath: path.join(dir, 'driftgate.yaml'), env });
    expect(r.exitCode).toBe(0);
    expect(r.decision.drifted).toBe(false);
    expect(r.sample.size).toBe(120);
    expect(server.requestCount).toBe(120 * 2 + 120); // two pinned samples and one current per input
    const agreement = r.decision.signals.find((s) => s.name === 'semantic agreement')!;
    expect(agreement.effect).toBeCloseTo(0, 12);
    const rows = await readHistory(r.historyFile);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ suite: 'drift', seed: 'week-1', drifted: false });
    // Next week, same behaviour: the history comparison runs and finds nothing.
    const again = await runDrift({ configPath: path.join(dir, 'driftgate.yaml'), env, seed: 'week-2' });
    expect(again.decision.drifted).toBe(false);
    expect(again.decision.signals.some((s) => s.name.startsWith('history: '))).toBe(true);
    expect(await readHistory(r.historyFile)).toHaveLength(2);
  });

  it('a changed answer style of the current model is drift (exit 1), led by semantic agreement', async () => {
    style = (call, a) =>
      call.model === 'gpt-4o'
        ? `As an AI assistant I would like to note that policies vary widely across companies and regions. ${a.split(';')[0]}.`
        : a;
    const dir = await project();
    const r = await runDrift({ configPath: path.join(dir, 'driftgate.yaml'), env });
    expect(r.exitCode).toBe(1);
    const agreement = r.decision.signals.find((s) => s.name === 'semantic agreement')!;
    expect(agreement.drifted).toBe(true);
    expect(agreement.effect).toBeGreaterThan(0.2);
    expect(r.divergent).toHaveLength(5);
  });

  it('redacts before anything leaves the machine: no request and no file holds the canary email or key', async () => {
    const dir = await project();
    const r = await runDrift({ configPath: path.join(dir, 'driftgate.yaml'), env, seed: 'all-canaries' });
    expect(r.redactions.EMAIL ?? 0).toBeGreaterThan(0);
    for (const req of server.requests) {
      const body = JSON.stringify(req.body);
      expect(body).not.toContain(CANARY_EMAIL);
      expect(body).not.toContain(CANARY_KEY);
    }
    const sent = server.requests.map((q) => JSON.stringify(q.body)).find((b) => b.includes('[EMAIL]'));
    expect(sent).toContain('[SECRET]');
    for (const { file, text } of await allFiles(path.join(dir, '.driftgate'))) {
      expect(text, file).not.toContain(CANARY_EMAIL);
      expect(text, file).not.toContain(CANARY_KEY);
    }
  });

  it('reports a change of the provider-reported model id since last week, even when nothing else moved', async () => {
    const dir = await project();
    await runDrift({ configPath: path.join(dir, 'driftgate.yaml'), env });
    server.configure({ reportedModel: (m) => (m === 'gpt-4o' ? 'gpt-4o-2024-11-20' : m) });
    const r = await runDrift({ configPath: path.join(dir, 'driftgate.yaml'), env, useCache: false });
    const identity = r.decision.signals.find((s) => s.name === 'model identity')!;
    expect(identity.drifted).toBe(true);
    expect(identity.details).toMatchObject({
      changedSincePrevious: true,
      current: ['fingerprint fp_test0001', 'gpt-4o-2024-11-20'],
    });
  });
});

describe('driftgate drift --resume', () => {
  it('finishes an interrupted run with the same sample, repeating no finished call', async () => {
    const dir = await project();
    const config = path.join(dir, 'driftgate.yaml');
    // A budget that runs out part way: the run stops scheduling, keeps what it did, appends no history.
    const first = await runDrift({ configPath: config, env, maxCostUsd: 0.05 });
    expect(first.exitCode).toBe(3);
    expect(first.incompleteReason).toMatch(
      /^budget of \$0\.05 reached: \d+ of 360 calls not made \(resume with: driftgate drift --resume /,
    );
    const madeFirst = server.requestCount;
    expect(madeFirst).toBeGreaterThan(0);
    expect(madeFirst).toBeLessThan(360);
    expect(await readHistory(first.historyFile)).toHaveLength(0);
    server.resetCounters();
    // Days later (another ISO week): the run's own seed is kept, not this week's.
    const resumed = await runDrift({
      configPath: config,
      env,
      useCache: false,
      resume: true,
      now: new Date('2026-12-30T00:00:00Z'),
    });
    expect(resumed.runId).toBe(first.runId);
    expect(resumed.exitCode).toBe(0);
    expect(resumed.sample.seed).toBe('week-1');
    expect(server.requestCount).toBe(360 - madeFirst);
    expect(await readHistory(first.historyFile)).toHaveLength(1);
  });

  it('refuses to resume when the config changed, or when there is nothing to resume', async () => {
    const dir = await project();
    const config = path.join(dir, 'driftgate.yaml');
    await expect(runDrift({ configPath: config, env, resume: true })).rejects.toThrow(
      /--resume: no incomplete drift run under /,
    );
    const first = await runDrift({ configPath: config, env, maxCostUsd: 0.05 });
    const { appendFileSync } = await import('node:fs');
    appendFileSync(config, '  alpha: 0.02\n');
    await expect(runDrift({ configPath: config, env, resume: first.runId })).rejects.toThrow(
      /changed since the run started/,
    );
  });
});

describe('the shipped real-data drift example', () => {
  it('flags the real gpt-3.5-turbo-0301 → 0613 upgrade offline from the committed cache', async () => {
    const root = fileURLToPath(new URL('..', import.meta.url));
    const dir = await makeProject({});
    cpSync(path.join(root, 'driftgate.yaml'), path.join(dir, 'driftgate.yaml'));
    mkdirSync(path.join(dir, 'datasets/real'), { recursive: true });
    cpSync(path.join(root, 'datasets/real/production-log.jsonl'), path.join(dir, 'datasets/real/production-log.jsonl'));
    cpSync(path.join(root, '.driftgate/cache'), path.join(dir, '.driftgate/cache'), { recursive: true });
    const r = await runDrift({ configPath: path.join(dir, 'driftgate.yaml'), env: {}, offline: true });
    expect(r.incompleteReason).toBeUndefined();
    expect(r.exitCode).toBe(1);
    expect(r.decision.signals.find((s) => s.name === 'output length (paired)')).toMatchObject({ drifted: true });
  });
});
