/**
 * Stored chat completions as a log source, read through the official `openai` client pointed at a
 * local stand-in of the API (test/support/fake-openai-stored.ts).
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { FakeOpenaiStored, type StoredCompletion } from './support/fake-openai-stored.js';
import { readOrigin } from './support/fake-platform.js';
import { openaiStoredOrigin, openaiStoredSourceSchema } from '../src/sources/openai-stored.js';
import { sampleLogs } from '../src/drift/sample-logs.js';
import { fieldMapping } from '../src/sources/log-fields.js';
import type { SourceError } from '../src/errors.js';
import { makeProject } from './support/project.js';

let server: FakeOpenaiStored;
beforeAll(async () => {
  server = await new FakeOpenaiStored().start();
});
afterAll(() => server.close());
beforeEach(() => {
  server.requests.length = 0;
  server.faults = () => undefined;
});

const env = () => ({ OPENAI_API_KEY: server.apiKey, OPENAI_BASE_URL: `${server.url}/v1` });
const config = (extra: Record<string, unknown> = {}) =>
  openaiStoredSourceSchema.parse({ source: 'openai-stored', ...extra });
const DAY = 86_400;
const NOW = Date.UTC(2026, 11, 1) / 1000;

function stored(i: number, extra: Partial<StoredCompletion> = {}): StoredCompletion {
  return {
    id: `chatcmpl-${String(i).padStart(5, '0')}`,
    created: NOW - i * 600,
    model: 'gpt-4o-2024-08-06',
    metadata: { feature: i % 2 ? 'chat' : 'faq' },
    messages: [
      { role: 'system', content: 'Be brief.' },
      { role: 'user', content: `Question ${i % 90}` },
    ],
    message: { role: 'assistant', content: `Answer ${i}`, refusal: null },
    usage: { prompt_tokens: 30, completion_tokens: 4, total_tokens: 34 },
    ...extra,
  };
}

describe('openai-stored source', () => {
  it('reads a stored tool conversation exactly: messages, tool call and result, output, served model, usage, fingerprint', async () => {
    server.completions = [
      stored(0, {
        metadata: { feature: 'weather', user: 'u-1' },
        messages: [
          { role: 'developer', content: 'You are a weather assistant.' },
          { role: 'user', content: 'Weather in Oslo?' },
          {
            role: 'assistant',
            content: null,
            tool_calls: [
              { id: 'call_9', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Oslo"}' } },
            ],
          },
          { role: 'tool', tool_call_id: 'call_9', content: '{"temp":-3}' },
        ],
        message: { role: 'assistant', content: 'It is −3 °C in Oslo.', refusal: null },
        usage: {
          prompt_tokens: 88,
          completion_tokens: 11,
          total_tokens: 99,
          prompt_tokens_details: { cached_tokens: 64 },
          completion_tokens_details: { reasoning_tokens: 0 },
        },
        system_fingerprint: 'fp_abc123',
      }),
    ];
    const [line] = await readOrigin(openaiStoredOrigin(config(), { env: env() }));
    expect(line?.record).toEqual({
      schemaVersion: 1,
      source: 'openai-stored',
      traceId: 'chatcmpl-00000',
      time: '2026-12-01T00:00:00.000Z',
      feature: 'weather',
      user: 'u-1',
      input: {
        messages: [
          { role: 'system', content: 'You are a weather assistant.' },
          { role: 'user', content: 'Weather in Oslo?' },
          {
            role: 'assistant',
            content: null,
            tool_calls: [
              { id: 'call_9', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Oslo"}' } },
            ],
          },
          { role: 'tool', tool_call_id: 'call_9', content: '{"temp":-3}' },
        ],
      },
      output: { text: 'It is −3 °C in Oslo.' },
      servedModel: 'gpt-4o-2024-08-06',
      usage: { inputTokens: 88, outputTokens: 11, cachedInputTokens: 64, reasoningTokens: 0 },
      finishReason: 'stop',
      fingerprint: 'fp_abc123',
      attributes: { feature: 'weather', user: 'u-1' },
    });
  });

  it(
    'pages newest first through a 429 and a 500, stops at the window start, and samples what the JSONL export samples',
    { timeout: 60_000 },
    async () => {
      // 400 completions ten minutes apart: the last 7 days hold 1,008 slots, so all 400; a 2-day window 288.
      server.completions = Array.from({ length: 400 }, (_, i) => stored(i));
      server.faults = (page, attempt) =>
        attempt === 0 && (page === 2 || page === 3) ? (page === 2 ? '429' : '500') : undefined;
      const since = new Date((NOW - 2 * DAY) * 1000);
      const lines = await readOrigin(openaiStoredOrigin(config({ page_size: 50 }), { env: env(), since }));
      expect(lines).toHaveLength(289);
      expect(lines.filter((l) => l.error)).toEqual([]);
      const options = { mapping: fieldMapping('normalized'), size: 40, stratify: 'feature' as const, seed: 'w', since };
      const fromSource = await sampleLogs(
        [openaiStoredOrigin(config({ page_size: 50 }), { env: env(), since })],
        options,
      );
      const dir = await makeProject({});
      const exported = path.join(dir, 'export.jsonl');
      writeFileSync(exported, lines.map((l) => JSON.stringify(l.record)).join('\n'));
      const fromFile = await sampleLogs([exported], options);
      expect(fromSource.items.map((i) => i.inputKey)).toEqual(fromFile.items.map((i) => i.inputKey));
      expect(fromSource.lines).toBe(289);
    },
  );

  it(
    'a missing key names OPENAI_API_KEY; a page that keeps failing is exit 3; a page of garbage is exit 2',
    { timeout: 60_000 },
    async () => {
      expect(() => openaiStoredOrigin(config(), { env: {} })).toThrow(/OPENAI_API_KEY is not set/);
      server.completions = Array.from({ length: 10 }, (_, i) => stored(i));
      server.faults = () => '503';
      const error = (await readOrigin(openaiStoredOrigin(config(), { env: env(), maxRetries: 1 })).catch(
        (e: unknown) => e,
      )) as SourceError;
      expect(error.exitCode).toBe(3);
      expect(error.message).toMatch(/^openai-stored: page 1 kept failing after retries \(HTTP 503/);
      server.faults = () => 'garbage';
      const garbage = (await readOrigin(openaiStoredOrigin(config(), { env: env() })).catch(
        (e: unknown) => e,
      )) as SourceError;
      expect(garbage.exitCode).toBe(2);
      expect(garbage.message).toBe(
        'openai-stored: page 1 is not a stored completions page; the source answered something else',
      );
    },
  );
});
