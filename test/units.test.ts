import { describe, expect, it } from 'vitest';
import { PriceTable, costUsd } from '../src/providers/pricing.js';
import { retryAfterMs } from '../src/providers/classify-error.js';
import { backoffDelay, DEFAULT_RETRY_POLICY } from '../src/runner/calls/retry.js';
import { Cooldown } from '../src/runner/calls/cooldown.js';
import { Budget, estimateInputTokens, OutputTokenEstimator } from '../src/runner/calls/budget.js';
import { cacheKey } from '../src/runner/cache/cache.js';
import { scrubSecrets, registerSecret } from '../src/util/secrets.js';
import { canonicalJson } from '../src/util/hash.js';
import { allowedErrorCount } from '../src/runner/calls/allowance.js';

describe('pricing', () => {
  const table = new PriceTable({ 'my-llama': { input: 0.1, output: 0.2 } });
  it('prices dated snapshots as their family, without confusing gpt-4o with gpt-4o-mini', () => {
    expect(table.lookup('gpt-4o-2024-08-06')).toEqual({ input: 2.5, output: 10, cached_input: 1.25 });
    expect(table.lookup('gpt-4o-mini-2024-07-18')).toEqual({ input: 0.15, output: 0.6, cached_input: 0.075 });
    expect(table.lookup('claude-haiku-4-5-20251001')).toEqual({
      input: 1,
      output: 5,
      cached_input: 0.1,
      cache_write: 1.25,
    });
    expect(table.lookup('my-llama')).toEqual({ input: 0.1, output: 0.2 });
    expect(table.lookup('unknown-model')).toBeUndefined();
  });
  it('computes dollars from tokens: 1M in + 1M out of gpt-4o = $12.50', () => {
    expect(costUsd(table.lookup('gpt-4o'), { inputTokens: 1_000_000, outputTokens: 1_000_000 })).toBe(12.5);
    expect(costUsd(undefined, { inputTokens: 10, outputTokens: 10 })).toBeNull();
  });
});

describe('retry timing', () => {
  it('reads retry-after-ms, retry-after seconds and HTTP dates', () => {
    expect(retryAfterMs(new Headers({ 'retry-after-ms': '1500', 'retry-after': '9' }))).toBe(1500);
    expect(retryAfterMs(new Headers({ 'retry-after': '2' }))).toBe(2000);
    const now = Date.parse('2026-11-22T10:00:00Z');
    expect(retryAfterMs(new Headers({ 'retry-after': 'Sun, 22 Nov 2026 10:00:03 GMT' }), now)).toBe(3000);
    expect(retryAfterMs(new Headers({}))).toBeUndefined();
  });
  it('backs off exponentially within [d/2, d], capped', () => {
    const p = { ...DEFAULT_RETRY_POLICY, baseDelayMs: 100, maxDelayMs: 1000 };
    expect(backoffDelay(1, p, () => 0)).toBe(50);
    expect(backoffDelay(1, p, () => 1)).toBe(100);
    expect(backoffDelay(3, p, () => 1)).toBe(400);
    expect(backoffDelay(10, p, () => 1)).toBe(1000);
  });
  it('a cooldown holds every waiter until it has passed', async () => {
    const c = new Cooldown();
    c.extend(120);
    const started = Date.now();
    await Promise.all([c.wait(), c.wait()]);
    expect(Date.now() - started).toBeGreaterThanOrEqual(110);
  });
});

describe('budget', () => {
  it('refuses the call that would exceed the cap, counting calls in flight, and then everything after', () => {
    const b = new Budget(1);
    expect(b.tryReserve(0.4)).toBe(true);
    expect(b.tryReserve(0.4)).toBe(true);
    expect(b.tryReserve(0.4)).toBe(false);
    expect(b.tryReserve(0.01)).toBe(false); // once refused, nothing new is scheduled
    b.settle(0.4, 0.3);
    b.settle(0.4, null); // a failed call is not billed
    expect(b.spentUsd).toBeCloseTo(0.3, 12);
  });
  it('estimates tokens from characters, and output from max_tokens until answers are seen', () => {
    expect(estimateInputTokens([{ role: 'user', content: 'x'.repeat(40) }])).toBe(14);
    const e = new OutputTokenEstimator();
    expect(e.estimate('t', { max_tokens: 64 })).toBe(64);
    expect(e.estimate('t', {})).toBe(256);
    for (const n of [10, 20, 30, 40, 50]) e.observe('t', n);
    expect(e.estimate('t', { max_tokens: 64 })).toBe(30);
  });
  it('counts images, tool calls and tool definitions in the input, and reasoning in the first output estimates', () => {
    // 8 characters of text, a call f({"a":"bc"}) of 1 + 10 characters, one image (1,000), two messages.
    const withImage = estimateInputTokens([
      {
        role: 'user',
        content: [
          { type: 'text', text: 'x'.repeat(8) },
          { type: 'image', url: 'https://example.com/a.png' },
        ],
      },
      { role: 'assistant', content: '', toolCalls: [{ id: 'c', name: 'f', arguments: '{"a":"bc"}' }] },
    ]);
    expect(withImage).toBe(Math.ceil((8 + 1 + 10) / 4) + 2 * 4 + 1_000);
    const tools = [{ name: 'f', parameters: { type: 'object' } }];
    expect(estimateInputTokens([{ role: 'user', content: 'hi' }], { tools })).toBe(
      Math.ceil((2 + JSON.stringify(tools).length) / 4) + 4,
    );
    const e = new OutputTokenEstimator();
    expect(e.estimate('t', { reasoning_effort: 'high' })).toBe(256 + 16_384);
    expect(e.estimate('t', { thinking: { type: 'enabled', budget_tokens: 2_000 } })).toBe(256 + 2_000);
    expect(e.estimate('t', { reasoning_effort: 'high', max_completion_tokens: 5_000 })).toBe(5_000);
  });
  it('parses --max-errors as a count or a percentage of calls', () => {
    expect(allowedErrorCount(3, 100)).toBe(3);
    expect(allowedErrorCount('5%', 300)).toBe(15);
  });
});

describe('cache keys', () => {
  const base = {
    provider: 'openai',
    model: 'gpt-4o',
    params: { temperature: 0, seed: 1 },
    messages: [{ role: 'user' as const, content: 'hi' }],
    sample: 0,
  };
  it('do not depend on key order, and change with anything that changes the answer', () => {
    expect(cacheKey(base)).toBe(cacheKey({ ...base, params: { seed: 1, temperature: 0 } }));
    expect(cacheKey(base)).not.toBe(cacheKey({ ...base, sample: 1 }));
    expect(cacheKey(base)).not.toBe(cacheKey({ ...base, model: 'gpt-4o-2024-08-06' }));
    expect(cacheKey(base)).not.toBe(cacheKey({ ...base, messages: [{ role: 'user', content: 'hi ' }] }));
    expect(canonicalJson({ b: 1, a: { d: 2, c: undefined } })).toBe('{"a":{"d":2},"b":1}');
  });
  it('cover tools, tool choice and response format, and are unchanged for a request without them', () => {
    const tools = [{ name: 'search_orders', parameters: { type: 'object' } }];
    expect(cacheKey({ ...base, tools: undefined })).toBe(cacheKey(base));
    expect(cacheKey({ ...base, tools })).not.toBe(cacheKey(base));
    expect(cacheKey({ ...base, tools, toolChoice: 'required' })).not.toBe(cacheKey({ ...base, tools }));
    expect(cacheKey({ ...base, responseFormat: { type: 'json_object' } })).not.toBe(cacheKey(base));
  });
});

describe('secret scrubbing', () => {
  it('removes registered keys and common key shapes', () => {
    registerSecret('plain-looking-secret-value');
    expect(scrubSecrets('got plain-looking-secret-value!')).toBe('got [redacted]!');
    expect(scrubSecrets('key sk-proj-abcdefghijklmnop1234 used')).toBe('key [redacted] used');
    expect(scrubSecrets('Authorization: Bearer abcdefghijklmnopqrstu')).toBe('Authorization: [redacted]');
  });
});
