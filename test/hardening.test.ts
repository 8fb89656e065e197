/**
 * Hostile input cannot stall a run (issue 13, item 1): regex checks run on a linear-time engine,
 * custom scorers have a time limit, and a judge's reply is size-capped.
 */
import { describe, expect, it } from 'vitest';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { ConfigError } from '../src/errors.js';
import { askVerdict, emptyCost, MAX_VERDICT_CHARS } from '../src/scorers/judge/verdict.js';
import type { ScoringServices } from '../src/scorers/types.js';
import { z } from 'zod';
import { makeProject } from './support/project.js';
import { noServices, scoreWith } from './support/scoring.js';

describe('regex checks on hostile output', () => {
  it('(a+)+$ against 10,000 "a"s and a "!" finishes (a backtracking engine would not)', async () => {
    const score = await scoreWith({ type: 'regex', pattern: '(a+)+$' }, `${'a'.repeat(10_000)}!`);
    expect(score.pass).toBe(false);
    expect(await scoreWith({ type: 'regex', pattern: '(a+)+$' }, 'aaaa')).toMatchObject({ pass: true });
  }, 20_000);

  it('a pattern that needs backtracking (lookaround, backreference) is refused when the config loads', async () => {
    await expect(scoreWith({ type: 'regex', pattern: 'price(?= USD)' }, 'x')).rejects.toThrow(ConfigError);
    await expect(scoreWith({ type: 'regex', pattern: 'price(?= USD)' }, 'x')).rejects.toThrow(
      /test\.scorers\[0\]\.pattern: "price\(\?= USD\)" needs a backtracking feature/,
    );
    await expect(scoreWith({ type: 'regex', pattern: '(\\w)\\1' }, 'x')).rejects.toThrow(
      /needs a backtracking feature/,
    );
  });

  it('keeps the flags and named groups people write', async () => {
    expect(
      (await scoreWith({ type: 'regex', pattern: '^total: (?<n>\\d+)$', flags: 'mi' }, 'Summary\nTOTAL: 12\nend')).pass,
    ).toBe(true);
    expect((await scoreWith({ type: 'regex', pattern: 'a.b', flags: 's' }, 'a\nb')).pass).toBe(true);
    expect((await scoreWith({ type: 'regex', pattern: 'a.b' }, 'a\nb')).pass).toBe(false);
  });
});

describe('custom scorers with a time limit', () => {
  it('a scorer whose promise never settles becomes an error score after timeout_ms; the next one still runs', async () => {
    const dir = await makeProject({});
    await writeFile(path.join(dir, 'hang.mjs'), 'export default () => new Promise(() => {});\n');
    const started = Date.now();
    const score = await scoreWith(
      { type: 'custom', module: 'hang.mjs', timeout_ms: 200 },
      'x',
      {},
      {},
      { rootDir: dir },
    );
    expect(score.error).toBe('custom scorer did not settle within timeout_ms (200 ms)');
    expect(Date.now() - started).toBeLessThan(10_000);
  });
});

describe('judge replies are size-capped', () => {
  it('a reply longer than a verdict can be is an error without parsing it', async () => {
    const discarded: string[] = [];
    const reply = `{"score": 5, "reasoning": "${'x'.repeat(MAX_VERDICT_CHARS)}"}`;
    const services: ScoringServices = {
      ...noServices,
      discard: (key) => discarded.push(key),
      chat: async () => ({
        status: 'ok',
        key: 'k',
        cached: false,
        attempts: 1,
        latencyMs: 1,
        costUsd: 0,
        response: {
          text: reply,
          finishReason: 'stop',
          inputTokens: 1,
          outputTokens: 1,
          providerModel: 'm',
          systemFingerprint: null,
        },
      }),
    };
    const r = await askVerdict(services, {
      judge: { target: 'judge', model: { provider: 'openai', model: 'm' } },
      messages: [{ role: 'user', content: 'q' }],
      structured: { name: 'v', description: 'd', schema: {} },
      validator: z.object({ score: z.number() }),
      sample: 0,
      cost: emptyCost(),
    });
    expect(r).toEqual({
      ok: false,
      error: `the judge gave no valid verdict in 2 tries; last: reply of ${reply.length.toLocaleString('en-US')} characters, over the 20,000 a verdict may take`,
    });
    expect(discarded).toEqual(['k', 'k']);
  });
});
