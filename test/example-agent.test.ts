/**
 * The second shipped example (examples/order-agent) runs offline from its committed cache, as
 * README.md shows: every call replayed (tool calls included), the gate compared with the committed
 * baselines, no key and no server.
 */
import { describe, expect, it } from 'vitest';
import { cpSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { makeProject } from './support/project.js';
import { runCli } from './support/cli.js';
import type { CallRecord } from '../src/records/call-record.js';

const example = fileURLToPath(new URL('../examples/order-agent', import.meta.url));

describe('examples/order-agent', () => {
  it('replays 80 calls from the cache with their tool calls, and the gate passes against the committed baselines', async () => {
    const dir = await makeProject({});
    cpSync(example, dir, { recursive: true });
    const r = await runCli(['eval', '--config', 'driftgate.yaml', '--offline'], {}, dir);
    expect(r.stderr).toContain('80/80 calls · 80 cached · 0 errors');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/order-tools +current +tool-call +26 +96\.2%/);
    expect(r.stdout).toMatch(/order-tools +candidate +tool-call +26 +57\.7%/);
    expect(r.stdout).toContain('gate passed');
    const runs = path.join(dir, '.driftgate/runs');
    const [run] = readdirSync(runs);
    const records = readFileSync(path.join(runs, run as string, 'cases.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as CallRecord);
    const parallel = records.find((x) => x.caseId === 'status-two' && x.target === 'current');
    expect(parallel?.toolCalls?.map((c) => c.arguments)).toEqual([{ order_id: 'A-7001' }, { order_id: 'A-7002' }]);
    const photo = records.find((x) => x.caseId === 'refund-photo' && x.target === 'current');
    expect(photo?.toolCalls?.[0]).toMatchObject({
      name: 'refund_order',
      arguments: { order_id: 'A-8123', reason: 'damaged' },
    });
  });

  it('a changed tool scorer re-scores the baseline with the tool calls it stored (same outputs: unchanged, not "improved")', async () => {
    const dir = await makeProject({});
    cpSync(example, dir, { recursive: true });
    const config = path.join(dir, 'driftgate.yaml');
    writeFileSync(
      config,
      readFileSync(config, 'utf8').replace('{ type: tool-call, match: subset }', '{ type: tool-call, match: exact }'),
    );
    const r = await runCli(['eval', '--config', 'driftgate.yaml', '--offline'], {}, dir);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("baseline re-scored with today's scorer");
    // current's tool-call rate is the same on both sides (the baseline's stored calls were re-scored), so no row improved.
    expect(r.stdout).toMatch(/tool-call +96\.2% +96\.2% +\+0\.0 pts/);
    expect(r.stdout).not.toContain('improved ·');
  });
});
