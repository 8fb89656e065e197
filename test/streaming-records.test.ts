/**
 * Issue 12: eval keeps no records in memory. The pieces that make that so — the journal read a
 * line at a time, cases held as compact JSON, per-case means without lists, facts in plan slots —
 * must give exactly what the whole-file, whole-object versions gave.
 */
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { forEachJournalRecord, readJournal } from '../src/runner/store/journal.js';
import { caseIndex, caseMeans, clusterMeans } from '../src/stats/mean-interval.js';
import { loadConfig } from '../src/config/load.js';
import { prepareSuites, planCalls } from '../src/runner/plan/plan.js';
import { loadDataset } from '../src/datasets/load.js';
import { loadPrompt, renderCaseMessages } from '../src/datasets/prompt.js';
import { readRunFacts, readRunRecords } from '../src/runner/store/run-records.js';
import { JOURNAL_SCHEMA_VERSION, type CallRecord } from '../src/records/call-record.js';

const record = (caseId: string, repeat: number, output: string, value = 1): CallRecord => ({
  schemaVersion: JOURNAL_SCHEMA_VERSION,
  itemId: `s/${caseId}/current/${repeat}`,
  suite: 's',
  caseId,
  target: 'current',
  repeat,
  key: 'k',
  inputHash: 'h',
  status: 'ok',
  output,
  finishReason: 'stop',
  inputTokens: 3,
  outputTokens: 4,
  costUsd: 0.001,
  latencyMs: 10,
  model: 'm',
  providerModel: 'm-1',
  systemFingerprint: null,
  cached: false,
  attempts: 1,
  scores: [{ name: 'contains', kind: 'binary', scorerId: 'abc', value, pass: value === 1, reason: 'a long reason' }],
  finishedAt: '2026-11-23T00:00:00.000Z',
});

async function streamed(file: string): Promise<{ records: CallRecord[]; offsets: number[] }> {
  const records: CallRecord[] = [];
  const offsets: number[] = [];
  await forEachJournalRecord(file, (r, offset) => {
    records.push(r);
    offsets.push(offset);
  });
  return { records, offsets };
}

describe('the journal read a line at a time', () => {
  it('gives the records readJournal gives, with each line’s byte offset, across read chunks', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'dg-stream-'));
    const file = path.join(dir, 'cases.jsonl');
    // Multi-byte answers and lines longer than a 64 KiB read chunk.
    const lines = Array.from({ length: 40 }, (_, i) =>
      JSON.stringify(record(`c${i}`, 0, `ünïcødé ${'x'.repeat(i % 7 === 0 ? 70_000 : i)} €`)),
    );
    await writeFile(file, `${lines.join('\n')}\n`);
    const { records, offsets } = await streamed(file);
    expect(records).toEqual(await readJournal(file));
    let at = 0;
    const expected = lines.map((l) => {
      const start = at;
      at += Buffer.byteLength(l) + 1;
      return start;
    });
    expect(offsets).toEqual(expected);
  });

  it('skips a torn last line, and refuses a bad line that is not the last, naming file and line', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'dg-stream-'));
    const torn = path.join(dir, 'torn.jsonl');
    await writeFile(torn, `${JSON.stringify(record('a', 0, 'x'))}\n{"schemaVersion":1,"item`);
    expect((await streamed(torn)).records.map((r) => r.caseId)).toEqual(['a']);
    const bad = path.join(dir, 'bad.jsonl');
    await writeFile(bad, `${JSON.stringify(record('a', 0, 'x'))}\nnot json\n${JSON.stringify(record('b', 0, 'y'))}\n`);
    await expect(streamed(bad)).rejects.toThrow(/bad\.jsonl:2: journal line is not valid JSON/);
    // A complete line that ends with its newline is not torn, even when it is the last one.
    const badLast = path.join(dir, 'bad-last.jsonl');
    await writeFile(badLast, `${JSON.stringify(record('a', 0, 'x'))}\nnot json\n`);
    await expect(streamed(badLast)).rejects.toThrow(/bad-last\.jsonl:2/);
    expect((await streamed(path.join(dir, 'missing.jsonl'))).records).toEqual([]);
  });
});

describe('per-case means without a list per case', () => {
  it('equals clusterMeans over the values grouped by case, to the last bit', () => {
    const items = [
      { c: 'a', v: 0.1 },
      { c: 'b', v: 0.7 },
      { c: 'a', v: 0.2 },
      { c: 'c', v: undefined },
      { c: 'b', v: 0.3 },
      { c: 'a', v: 0.3 },
    ];
    const { means, repeated } = caseMeans(
      items,
      (x) => x.c,
      (x) => x.v,
    );
    expect(means).toEqual(
      clusterMeans([
        [0.1, 0.2, 0.3],
        [0.7, 0.3],
      ]),
    );
    expect(means[0]).toBe((0.1 + 0.2 + 0.3) / 3);
    expect(repeated).toBe(true);
    expect(
      caseMeans(
        [
          { c: 'a', v: 1 },
          { c: 'b', v: 0 },
        ],
        (x) => x.c,
        (x) => x.v,
      ),
    ).toEqual({ means: [1, 0], repeated: false });
  });

  it('gives the same means with a shared case index: first-seen order of the items, not of the index; unindexed cases too', () => {
    const index = caseIndex(['a', 'b', 'c'], (x) => x);
    // 'a' is first in the index but first seen after 'b' here; 'z' is not in the index.
    const items = [
      { c: 'b', v: 0.25 },
      { c: 'a', v: 0.5 },
      { c: 'z', v: 1 },
      { c: 'b', v: 0.75 },
    ];
    const plain = caseMeans(
      items,
      (x) => x.c,
      (x) => x.v,
    );
    expect(plain).toEqual({ means: [0.5, 0.5, 1], repeated: true });
    expect(
      caseMeans(
        items,
        (x) => x.c,
        (x) => x.v,
        index,
      ),
    ).toEqual(plain);
    expect(
      caseMeans(
        items.values(),
        (x) => x.c,
        (x) => x.v,
        index,
      ),
    ).toEqual(plain);
  });
});

async function project(cases: string, extra = ''): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'dg-stored-'));
  await writeFile(path.join(dir, 'd.jsonl'), cases);
  await writeFile(path.join(dir, 'p.md'), 'Q: {{question}}');
  await writeFile(
    path.join(dir, 'driftgate.yaml'),
    `version: 1
models:
  current: { provider: openai, model: gpt-4o-mini }
suites:
  - name: s
    dataset: d.jsonl
    prompt: p.md
    repeats: 2
    scorers: [{ type: contains, value: x }]
${extra}`,
  );
  return path.join(dir, 'driftgate.yaml');
}

describe('cases held as compact JSON', () => {
  it('read back equal to the loaded cases (own messages, options, labels and all), with the same requests and cache keys', async () => {
    const lines = [
      { id: 'plain', question: 'reset my password?' },
      {
        question: 'no id: its id is its hash',
        tags: 'billing, urgent',
        metadata: { tier: 'gold' },
        expected: { answer: 42 },
        human_score: 4,
        human_pass: 'yes',
      },
      { id: 7, vars: { question: 'vars form, tools as a var name', tools: 'not an option' } },
      { id: 'convo', question: 'q', messages: [{ role: 'user', content: 'earlier turn' }] },
    ];
    const configPath = await project(`${lines.map((l) => JSON.stringify(l)).join('\n')}\n`);
    const loaded = await loadConfig(configPath);
    const [prepared] = await prepareSuites(loaded, loaded.config.suites);
    const original = await loadDataset(path.join(path.dirname(configPath), 'd.jsonl'), 'd.jsonl');
    expect(prepared!.cases.map((c) => c.case)).toEqual(original);
    expect(prepared!.cases[1]!.case.labels).toEqual({ humanScore: 4, humanPass: true });
    expect(prepared!.cases[0]!.messages).toEqual([{ role: 'user', content: 'Q: reset my password?' }]);
    // Read again once another case was read: equal values, not one object held.
    const first = prepared!.cases[2]!.case;
    expect(prepared!.cases[1]!.case.id).not.toBe(first.id);
    expect(prepared!.cases[2]!.case).toEqual(first);
    expect(prepared!.cases[2]!.case).not.toBe(first);
    // Messages and options rendered on demand are those of the case held whole.
    const prompt = await loadPrompt(loaded.config.suites[0]!.prompt, path.dirname(configPath), 'prompt');
    for (const [k, c] of original.entries())
      expect(prepared!.cases[k]!.messages).toEqual(renderCaseMessages(prompt, c));
    expect(prepared!.cases[3]!.messages.map((m) => m.content)).toContain('earlier turn');
    const keys = planCalls([prepared!], loaded.config.models).map((i) => i.key);
    expect(new Set(keys).size).toBe(8);
    expect(planCalls([prepared!], loaded.config.models).map((i) => i.key)).toEqual(keys);
  });
});

describe('a run read back from its journal', () => {
  it('takes the latest line of each planned item, in plan order, leaving out items outside the plan', async () => {
    const configPath = await project(
      `${['a', 'b', 'c'].map((id) => JSON.stringify({ id, question: id })).join('\n')}\n`,
    );
    const loaded = await loadConfig(configPath);
    const prepared = await prepareSuites(loaded, loaded.config.suites);
    const journal = path.join(path.dirname(configPath), 'cases.jsonl');
    const lines = [
      record('c', 1, 'c1'),
      record('a', 0, 'a0 first', 0),
      record('gone', 0, 'not in the dataset'),
      record('b', 0, 'b0'),
      record('a', 2, 'adaptive round repeat'),
      record('a', 0, 'a0 superseding'),
      record('c', 0, 'c0'),
    ];
    await writeFile(journal, lines.map((l) => `${JSON.stringify(l)}\n`).join(''));
    const whole = await readRunRecords(journal, prepared);
    expect(whole.map((r) => `${r.caseId}/${r.repeat}:${r.output}`)).toEqual([
      'a/0:a0 superseding',
      'a/2:adaptive round repeat',
      'b/0:b0',
      'c/0:c0',
      'c/1:c1',
    ]);
    const { facts } = await readRunFacts(journal, prepared);
    // Planned repeats in plan order, then the adaptive rounds' extra repeats.
    expect(facts.map((f) => `${f.caseId}/${f.repeat}`)).toEqual(['a/0', 'b/0', 'c/0', 'c/1', 'a/2']);
    expect(facts[0]!.scores).toEqual([{ name: 'contains', kind: 'binary', scorerId: 'abc', value: 1, pass: true }]);
    expect(facts[1]!.scores).toBe(facts[2]!.scores);
    expect(facts[0]).not.toHaveProperty('output');
  });
});
