import { describe, expect, it } from 'vitest';
import { readFile, writeFile, readdir } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { ResponseCache, cacheKey } from '../src/runner/cache/cache.js';
import { JournalWriter, readJournal } from '../src/runner/store/journal.js';
import { JOURNAL_SCHEMA_VERSION, type CallRecord } from '../src/records/call-record.js';
import { RunStateError } from '../src/errors.js';
import { makeProject } from './support/project.js';

const request = {
  provider: 'openai',
  model: 'gpt-4o',
  params: {},
  messages: [{ role: 'user' as const, content: 'hi' }],
  sample: 0,
};
const response = {
  text: 'hello',
  finishReason: 'stop',
  inputTokens: 3,
  outputTokens: 1,
  providerModel: 'gpt-4o-2024-08-06',
  systemFingerprint: 'fp_1',
};

describe('response cache', () => {
  it('stores one entry per key under a two-hex shard and reads it back', async () => {
    const dir = await makeProject({});
    const cache = new ResponseCache(path.join(dir, 'cache'));
    const key = cacheKey(request);
    expect(await cache.get(key)).toBeUndefined();
    await cache.put(request, response, 812);
    expect(cache.has(key)).toBe(true);
    expect(await readdir(path.join(dir, 'cache'))).toEqual([key.slice(0, 2)]);
    expect(await cache.get(key)).toMatchObject({ schemaVersion: 2, key, response, latencyMs: 812 });
  });

  it('treats a torn entry as a miss and lets the next write repair it', async () => {
    const dir = await makeProject({});
    const cache = new ResponseCache(path.join(dir, 'cache'));
    const entry = await cache.put(request, response, 5);
    const file = path.join(dir, 'cache', entry.key.slice(0, 2), `${entry.key}.json`);
    await writeFile(file, '{"schemaVersion": 1, "key": "'); // a writer killed mid-write
    expect(await cache.get(entry.key)).toBeUndefined();
    expect(existsSync(file)).toBe(false);
    await cache.put(request, response, 5);
    expect((await cache.get(entry.key))?.response.text).toBe('hello');
  });

  it('a second writer of the same key yields to the first', async () => {
    const dir = await makeProject({});
    const cache = new ResponseCache(path.join(dir, 'cache'));
    await cache.put(request, response, 1);
    await cache.put(request, { ...response, text: 'other' }, 2);
    expect((await cache.get(cacheKey(request)))?.latencyMs).toBe(1);
  });
});

function record(i: number): CallRecord {
  return {
    schemaVersion: JOURNAL_SCHEMA_VERSION,
    itemId: `s/c${i}/t/0`,
    suite: 's',
    caseId: `c${i}`,
    target: 't',
    repeat: 0,
    key: 'k',
    inputHash: 'h',
    status: 'ok',
    output: `out ${i}`,
    finishReason: 'stop',
    inputTokens: 1,
    outputTokens: 1,
    costUsd: 0,
    latencyMs: 1,
    model: 'm',
    providerModel: null,
    systemFingerprint: null,
    cached: false,
    attempts: 1,
    scores: [],
    finishedAt: '2026-11-22T00:00:00Z',
  };
}

describe('journal', () => {
  it('lands every line of concurrent appends, in append order', async () => {
    const dir = await makeProject({});
    const file = path.join(dir, 'cases.jsonl');
    const journal = await JournalWriter.open(file);
    await Promise.all(Array.from({ length: 500 }, (_, i) => journal.append(record(i))));
    await journal.close();
    const lines = await readJournal(file);
    expect(lines.map((r) => r.caseId)).toEqual(Array.from({ length: 500 }, (_, i) => `c${i}`));
  });

  it('ignores a torn last line but refuses a damaged line in the middle', async () => {
    const dir = await makeProject({});
    const file = path.join(dir, 'cases.jsonl');
    const good = `${JSON.stringify(record(1))}\n${JSON.stringify(record(2))}\n`;
    await writeFile(file, `${good}{"schemaVersion":1,"itemId":"s/c3`);
    expect((await readJournal(file)).map((r) => r.caseId)).toEqual(['c1', 'c2']);
    await writeFile(file, `${JSON.stringify(record(1))}\n{broken\n${JSON.stringify(record(2))}\n`);
    await expect(readJournal(file)).rejects.toThrow(RunStateError);
    await expect(readJournal(file)).rejects.toThrow(/cases\.jsonl:2: journal line is not valid JSON/);
  });

  it('refuses a journal from a newer driftgate', async () => {
    const dir = await makeProject({});
    const file = path.join(dir, 'cases.jsonl');
    await writeFile(file, `${JSON.stringify({ ...record(1), schemaVersion: 2 })}\n`);
    await expect(readJournal(file)).rejects.toThrow(/schemaVersion 2 is not supported/);
    expect(await readFile(file, 'utf8')).toContain('"schemaVersion":2'); // nothing overwritten
  });
});
