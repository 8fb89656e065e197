import { describe, expect, it } from 'vitest';
import path from 'node:path';
import { allocate, BottomK, priorityOf } from '../src/drift/bottom-k.js';
import { isoWeekSeed, parseSince, sampleLogs } from '../src/drift/sample-logs.js';
import { getPath, inputMessages, outputText, PRESETS } from '../src/sources/log-fields.js';
import { DatasetError } from '../src/errors.js';
import { makeProject } from './support/project.js';

describe('bottom-k hash sampling', () => {
  const sample = (seed: string, keys: string[], k: number) => {
    const b = new BottomK<string>(k);
    for (const key of keys) b.offer({ priority: priorityOf(seed, key), key, item: key });
    return b.sorted().map((e) => e.item);
  };

  it('keeps the k lowest priorities, each distinct input once, reproducibly', () => {
    const keys = Array.from({ length: 100 }, (_, i) => `input ${i % 40}`); // 40 distinct, repeated
    const a = sample('2026-W47', keys, 10);
    expect(a).toHaveLength(10);
    expect(new Set(a).size).toBe(10);
    expect(sample('2026-W47', [...keys].reverse(), 10)).toEqual(a); // order of the log does not matter
    expect(sample('2026-W48', keys, 10)).not.toEqual(a);
    const all = keys.map((k) => [priorityOf('2026-W47', k), k] as const).sort((x, y) => x[0] - y[0]);
    expect(a).toEqual([...new Set(all.map(([, k]) => k))].slice(0, 10));
  });

  it('gives every distinct input the same chance, however often it repeats (simulation)', () => {
    // 20 distinct inputs; input 0 appears 200 times, the others once. k = 5 → each chosen w.p. 1/4.
    const keys = [...Array(200).fill('input 0'), ...Array.from({ length: 19 }, (_, i) => `input ${i + 1}`)];
    const counts = new Map<string, number>();
    const seeds = 4000;
    for (let s = 0; s < seeds; s++)
      for (const k of sample(`seed ${s}`, keys, 5)) counts.set(k, (counts.get(k) ?? 0) + 1);
    // Binomial(4000, ¼): mean 1000, sd ≈ 27; ±5 sd
    for (let i = 0; i < 20; i++) expect(Math.abs((counts.get(`input ${i}`) ?? 0) - 1000)).toBeLessThan(140);
  });

  it('allocates proportionally with a per-stratum minimum (hand-worked largest remainders)', () => {
    // 100 to share, minimum 5 each → 85 left; exact shares 76.5, 7.65, 0.85 → floors 76, 7, 0 (98 in all);
    // the two largest remainders (.85 and .65) get one more each.
    const sizes = new Map([
      ['a', 900],
      ['b', 90],
      ['c', 10],
    ]);
    const plan = allocate(
      sizes,
      new Map([
        ['a', 500],
        ['b', 90],
        ['c', 10],
      ]),
      100,
      5,
    );
    expect(Object.fromEntries(plan)).toEqual({ a: 81, b: 13, c: 6 });
    expect(
      Object.fromEntries(
        allocate(
          sizes,
          new Map([
            ['a', 500],
            ['b', 90],
            ['c', 3],
          ]),
          100,
          5,
        ),
      ),
    ).toMatchObject({ c: 3 });
  });
});

describe('seeds and windows', () => {
  it('derives the seed from the ISO week, including at year boundaries', () => {
    expect(isoWeekSeed(new Date('2026-11-22T12:00:00Z'))).toBe('2026-W47');
    expect(isoWeekSeed(new Date('2021-01-03T12:00:00Z'))).toBe('2020-W53');
    expect(isoWeekSeed(new Date('2024-12-30T12:00:00Z'))).toBe('2025-W01');
  });
  it('parses --since durations', () => {
    const now = new Date('2026-11-22T00:00:00Z');
    expect(parseSince('7d', now).toISOString()).toBe('2026-11-15T00:00:00.000Z');
    expect(parseSince('12h', now).toISOString()).toBe('2026-11-21T12:00:00.000Z');
    expect(() => parseSince('a week', now)).toThrow(DatasetError);
  });
});

describe('log fields', () => {
  it('reads dotted paths, chat inputs and provider-shaped outputs', () => {
    const line = {
      request: {
        messages: [
          { role: 'system', content: 'Be brief.' },
          { role: 'user', content: [{ type: 'text', text: 'Hi' }] },
        ],
      },
      response: { choices: [{ message: { content: 'Hello!' } }] },
    };
    expect(inputMessages(getPath(line, PRESETS['openai-chat']!.input))).toEqual([
      { role: 'system', content: 'Be brief.' },
      { role: 'user', content: 'Hi' },
    ]);
    expect(outputText(getPath(line, 'response'))).toBe('Hello!');
    expect(outputText({ content: [{ type: 'text', text: 'From Claude' }] })).toBe('From Claude');
    expect(inputMessages('')).toBeUndefined();
  });
});

describe('sampling a log file', () => {
  const lines = (n: number) =>
    Array.from({ length: n }, (_, i) =>
      JSON.stringify({
        input: `question ${i % 300}`,
        output: `answer ${i}`,
        feature: ['billing', 'search', 'chat'][i % 3],
        timestamp: new Date(Date.UTC(2026, 10, 1 + (i % 21))).toISOString(),
      }),
    );

  it('stratifies, keeps the time window, de-duplicates, and reports bad lines by number', async () => {
    const dir = await makeProject({
      'logs.jsonl': [...lines(900), '{broken', JSON.stringify({ output: 'no input' })].join('\n'),
    });
    const s = await sampleLogs([path.join(dir, 'logs.jsonl')], {
      mapping: PRESETS.generic!,
      size: 60,
      stratify: 'feature',
      since: new Date('2026-11-11T00:00:00Z'),
      seed: '2026-W47',
    });
    expect(s.lines).toBe(902);
    expect(s.badLines).toBe(2);
    expect(s.firstBad.map((b) => [b.line, b.reason.slice(0, 14)])).toEqual([
      [901, 'not valid JSON'],
      [902, 'no usable inpu'],
    ]);
    expect(s.outsideWindow).toBeGreaterThan(300);
    expect(s.items).toHaveLength(60);
    expect(new Set(s.items.map((i) => i.inputKey)).size).toBe(60);
    // Traffic in the window, counted here from the generator: feature = i mod 3, day = 1 + i mod 21.
    const inWindow = [0, 1, 2].map(
      (f) => Array.from({ length: 900 }, (_, i) => i).filter((i) => i % 3 === f && 1 + (i % 21) >= 11).length,
    );
    const total = inWindow.reduce((a, b) => a + b, 0);
    expect(s.strata.map((x) => x.lines)).toEqual([inWindow[0], inWindow[2], inWindow[1]]); // billing, chat, search
    const expected = [inWindow[0]!, inWindow[2]!, inWindow[1]!].map((n) => (60 * n) / total);
    s.strata.forEach((x, i) => expect(Math.abs(x.sampled - expected[i]!)).toBeLessThanOrEqual(1));
    for (const item of s.items)
      expect(Date.parse(item.time!)).toBeGreaterThanOrEqual(Date.parse('2026-11-11T00:00:00Z'));
  });

  it('reads a file larger than one read chunk: lines and multi-byte characters split across chunks, CRLF, no final newline', async () => {
    // 3,000 lines of ~1.2 kB ≈ 3.6 MB: several 1 MB chunks, so lines and 'é…' straddle chunk boundaries.
    const lines = Array.from({ length: 3000 }, (_, i) =>
      JSON.stringify({ input: `Question ${i}: ${'é'.repeat(300)}${'日本'.repeat(100)}`, feature: 'f' }),
    );
    lines[1500] = '{"input": broken';
    const dir = await makeProject({ 'logs/big.jsonl': lines.join('\r\n') });
    const s = await sampleLogs([path.join(dir, 'logs/big.jsonl')], {
      mapping: PRESETS.generic!,
      size: 3000,
      seed: 's',
    });
    expect(s.lines).toBe(3000);
    expect(s.badLines).toBe(1);
    expect(s.firstBad[0]?.line).toBe(1501);
    expect(s.items).toHaveLength(2999);
    // Every input arrived whole: no replacement characters, no stray carriage return.
    for (const item of s.items) expect(item.input[0]?.content).toMatch(/^Question \d+: é{300}(日本){100}$/);
    expect(
      s.items
        .find((x) => x.line === 3000)
        ?.input[0]?.content.toString()
        .startsWith('Question 2999: '),
    ).toBe(true);
  });

  it('stops with the first bad lines named when too many are unusable', async () => {
    const dir = await makeProject({ 'logs.jsonl': [...lines(10), ...Array(5).fill('not json')].join('\n') });
    await expect(
      sampleLogs([path.join(dir, 'logs.jsonl')], { mapping: PRESETS.generic!, size: 5, seed: 'x' }),
    ).rejects.toThrow(/5 of 15 log lines are unusable[^]*logs\.jsonl:11: not valid JSON/);
  });

  it('reads CSV exports, parsing JSON message lists in cells', async () => {
    const csv =
      'input,output,feature\n"[{""role"":""user"",""content"":""Hi there""}]",Hello,chat\nplain question,answer,search\n';
    const dir = await makeProject({ 'logs.csv': csv });
    const s = await sampleLogs([path.join(dir, 'logs.csv')], { mapping: PRESETS.generic!, size: 10, seed: 'x' });
    expect(s.items.map((i) => i.input[0]?.content).sort()).toEqual(['Hi there', 'plain question']);
  });
});
