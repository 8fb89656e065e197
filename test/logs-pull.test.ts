/**
 * `driftgate logs pull`: a source's window written to a redacted snapshot with a manifest, and
 * `drift --snapshot` on it giving the verdict — and the very sample — that `drift` on the source
 * gives. Read from the Langfuse stand-in through the official client; replayed through the local
 * model stand-in.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { FakeLangfuse, type FakeObservation } from './support/fake-langfuse.js';
import { FakeLlmServer } from './support/fake-llm-server.js';
import { makeProject } from './support/project.js';
import { runCli } from './support/cli.js';
import { runDrift } from '../src/drift/run-drift.js';
import { pullLogs } from '../src/drift/pull-logs.js';
import { DatasetError } from '../src/errors.js';
import { FakeGitHubServer } from './support/fake-github-server.js';
import { runAction, schedulePayload } from './support/action-runner.js';

let langfuse: FakeLangfuse;
let llm: FakeLlmServer;
beforeAll(async () => {
  langfuse = await new FakeLangfuse().start();
  // The current model answers at length where the pinned one is brief: a drift either run must see.
  llm = await FakeLlmServer.start({
    respond: (call) =>
      call.model === 'gpt-4o'
        ? `Thank you for asking. Here is a much longer answer, with detail, caveats and a summary: ${String(call.messages.at(-1)?.content ?? '').length} characters read, all considered carefully.`
        : `Noted.`,
  });
});
afterAll(async () => {
  await langfuse.close();
  await llm.close();
});

const NOW = new Date('2026-12-01T00:00:00Z');

function generation(i: number, extra: Partial<FakeObservation> = {}): FakeObservation {
  return {
    id: `obs-${i}`,
    traceId: `trace-${i}`,
    type: 'GENERATION',
    name: 'answer',
    traceName: i % 3 === 0 ? 'faq' : 'chat',
    startTime: new Date(Date.UTC(2026, 10, 26) + i * 60_000).toISOString(),
    model: 'gpt-4o-2024-08-06',
    // Every fourth user writes their email address: redacted in the snapshot, replayed as [EMAIL].
    input: [
      { role: 'system', content: 'Answer briefly.' },
      { role: 'user', content: i % 4 === 0 ? `Mail me at user${i}@example.com about order ${i}` : `Question ${i}` },
    ],
    output: `Answer ${i}`,
    userId: i % 4 === 0 ? `user${i}@example.com` : `user-${i}`,
    usageDetails: { input: 20, output: 5 },
    ...extra,
  };
}

const env = () => ({
  OPENAI_API_KEY: 'sk-test-pull-000000000000',
  LANGFUSE_PUBLIC_KEY: langfuse.keys.publicKey,
  LANGFUSE_SECRET_KEY: langfuse.keys.secretKey,
});

const project = () =>
  makeProject({
    'driftgate.yaml': `version: 1
models:
  pinned:   { provider: openai, model: gpt-4o-2024-08-06, baseURL: ${llm.openaiBaseURL} }
  current:  { provider: openai, model: gpt-4o, baseURL: ${llm.openaiBaseURL} }
  embedder: { provider: local }
runner: { retry_base_ms: 5, concurrency: 16 }
drift:
  logs: { source: langfuse, base_url: ${langfuse.url}, page_size: 50 }
  sample: { size: 60, stratify: feature, seed: week-48, since: 7d }
`,
  });

describe('logs pull', () => {
  it(
    'drift on the snapshot gives the verdict and the sample that drift on the source gives; the snapshot holds no email',
    { timeout: 120_000 },
    async () => {
      // 300 generations, 40 of them before the window, one without messages.
      langfuse.observations = [
        ...Array.from({ length: 40 }, (_, i) => generation(1000 + i, { startTime: '2026-11-01T00:00:00.000Z' })),
        ...Array.from({ length: 259 }, (_, i) => generation(i)),
        generation(259, { input: { foo: 1 } }),
      ];
      const direct = await project();
      const fromSource = await runDrift({ configPath: path.join(direct, 'driftgate.yaml'), now: NOW, env: env() });

      const pulled = await project();
      const { file, manifest } = await pullLogs({
        configPath: path.join(pulled, 'driftgate.yaml'),
        now: NOW,
        env: env(),
      });
      expect(file).toBe(path.join(pulled, '.driftgate', 'logs', 'langfuse.jsonl'));
      // The server filters the window: 260 read, one of them a bad line kept as one.
      expect(manifest.counts).toEqual({ read: 260, written: 259, bad: 1, outsideWindow: 0 });
      expect(manifest.bad).toEqual([{ line: 260, id: 'obs-259', reason: 'input: no input messages' }]);
      expect(manifest.since).toBe('2026-11-24T00:00:00.000Z');
      // 65 inputs and 65 user ids carried an address.
      expect(manifest.redaction.findings).toEqual({ EMAIL: 130 });
      const text = await readFile(file, 'utf8');
      expect(text).not.toMatch(/@example\.com/);
      expect(text).toContain('Mail me at [EMAIL] about order 4');

      const fromSnapshot = await runDrift({
        configPath: path.join(pulled, 'driftgate.yaml'),
        now: new Date('2026-12-03T00:00:00Z'),
        snapshot: file,
        env: { OPENAI_API_KEY: 'sk-test-pull-000000000000' },
      });
      expect(fromSource.decision.drifted).toBe(true);
      expect(fromSnapshot.exitCode).toBe(fromSource.exitCode);
      expect(fromSnapshot.decision.drifted).toBe(fromSource.decision.drifted);
      expect(fromSnapshot.decision.worse).toEqual(fromSource.decision.worse);
      expect(fromSnapshot.sample.strata).toEqual(fromSource.sample.strata);
      expect(fromSnapshot.sample.badLines).toBe(fromSource.sample.badLines);
      const caseIds = async (runDir: string) =>
        (await readFile(path.join(runDir, 'cases.jsonl'), 'utf8'))
          .split('\n')
          .filter(Boolean)
          .map((l) => (JSON.parse(l) as { caseId?: string }).caseId)
          .filter(Boolean)
          .sort();
      expect(await caseIds(fromSnapshot.runDir)).toEqual(await caseIds(fromSource.runDir));
    },
  );

  it('a snapshot edited after the pull, or without its manifest, is refused (exit 2)', async () => {
    langfuse.observations = Array.from({ length: 20 }, (_, i) => generation(i));
    const dir = await project();
    const { file, manifestFile } = await pullLogs({
      configPath: path.join(dir, 'driftgate.yaml'),
      now: NOW,
      env: env(),
    });
    const text = await readFile(file, 'utf8');
    await writeFile(file, text.replace('Question 1"', 'Question one"'));
    const edited = await runDrift({ configPath: path.join(dir, 'driftgate.yaml'), snapshot: file, env: env() }).catch(
      (e: unknown) => e,
    );
    expect(edited).toBeInstanceOf(DatasetError);
    expect((edited as DatasetError).message).toBe(
      'langfuse.jsonl: changed since it was pulled (its sha256 differs from the manifest); pull it again',
    );
    await writeFile(manifestFile, '{"kind":"something else"}');
    const r = await runCli(['drift', '--snapshot', file], env(), dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('langfuse.manifest.json: not a driftgate log snapshot manifest');
  });

  it('the CLI writes the snapshot and says how to run it; files in an export format are refused with the reason', async () => {
    langfuse.observations = Array.from({ length: 30 }, (_, i) => generation(i));
    const dir = await project();
    const r = await runCli(['logs', 'pull', '--since', '30d', '--out', 'week.jsonl'], env(), dir);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('pulled 30 of 30 records from langfuse since 2026-');
    expect(r.stdout).toContain('redacted  16 EMAIL');
    expect(r.stdout).toContain(`run it: driftgate drift --snapshot ${path.join(dir, 'week.jsonl')}`);
    const manifest = JSON.parse(await readFile(path.join(dir, 'week.manifest.json'), 'utf8')) as { file: unknown };
    expect(manifest.file).toMatchObject({ name: 'week.jsonl' });

    const files = await makeProject({
      'driftgate.yaml': `version: 1
models:
  pinned: { provider: openai, model: a }
  current: { provider: openai, model: b }
  embedder: { provider: local }
drift: { logs: logs/*.jsonl, format: openai-chat }
`,
      'logs/a.jsonl': '{}\n',
    });
    const refused = await runCli(['logs', 'pull'], {}, files);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('files in format openai-chat are read by driftgate drift as they are');
  });

  it(
    "the Action's drift mode pulls the configured source to a snapshot, runs drift on it and leaves it for the workflow to keep",
    { timeout: 120_000 },
    async () => {
      const gh = await FakeGitHubServer.start();
      try {
        langfuse.observations = Array.from({ length: 120 }, (_, i) =>
          generation(i, { startTime: new Date(Date.now() - (i + 1) * 60_000).toISOString() }),
        );
        const dir = await project();
        const run = await runAction({
          cwd: dir,
          inputs: { mode: 'drift', 'github-token': 'ghs_t', cache: 'false' },
          eventName: 'schedule',
          payload: schedulePayload(),
          env: { ...env(), GITHUB_API_URL: gh.url },
        });
        expect(run.stdout).toContain(
          'driftgate: pulled 120 of 120 records from langfuse to .driftgate/logs/langfuse.jsonl',
        );
        expect(run.outputs.verdict).toBe('drift');
        const manifest = JSON.parse(
          await readFile(path.join(dir, '.driftgate', 'logs', 'langfuse.manifest.json'), 'utf8'),
        ) as { counts: { written: number } };
        expect(manifest.counts.written).toBe(120);
        // The key is only ever handed to the runner to mask.
        const mentions = run.stdout.split('\n').filter((l) => l.includes(langfuse.keys.secretKey));
        expect(mentions).toEqual([`::add-mask::${langfuse.keys.secretKey}`]);
      } finally {
        await gh.close();
      }
    },
  );
});
