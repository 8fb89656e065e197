import { describe, expect, it } from 'vitest';
import path from 'node:path';
import { scoreWith } from './support/scoring.js';
import { makeProject } from './support/project.js';
import { detectRefusal } from '../src/scorers/refusal.js';
import { measure } from '../src/scorers/length.js';
import { ConfigError } from '../src/errors.js';

const pass = async (
  config: Record<string, unknown>,
  output: string,
  fields: Record<string, unknown> = {},
  record = {},
) => (await scoreWith(config, output, fields, record)).pass;

describe('string checks', () => {
  it('equals trims and optionally ignores case', async () => {
    expect(await pass({ type: 'equals', value: 'Paris' }, '  Paris\n')).toBe(true);
    expect(await pass({ type: 'equals', value: 'Paris' }, 'paris')).toBe(false);
    expect(await pass({ type: 'equals', value: 'Paris', ignore_case: true }, 'PARIS')).toBe(true);
    expect(await pass({ type: 'equals', value: '' }, '')).toBe(true);
  });

  it('contains uses {{var}} from the case and reports what is missing', async () => {
    const s = await scoreWith({ type: 'contains', value: '{{keyword}}' }, 'Open the Trash folder', {
      keyword: 'Trash',
    });
    expect(s).toMatchObject({ name: 'contains', kind: 'binary', value: 1, pass: true });
    const miss = await scoreWith({ type: 'contains', value: '{{keyword}}' }, 'Open the bin', { keyword: 'Trash' });
    expect(miss).toMatchObject({ value: 0, pass: false, reason: 'does not contain "Trash"' });
  });

  it('icontains folds case and Unicode composition alike', async () => {
    // "é" precomposed (U+00E9) in the value, decomposed (e + U+0301) in the output
    expect(await pass({ type: 'icontains', value: 'CAFÉ' }, 'un cafe\u0301 noir')).toBe(true);
    expect(await pass({ type: 'icontains', value: 'ÜNÏ' }, 'ünïcode')).toBe(true);
    expect(await pass({ type: 'contains', value: '日本' }, '東京は日本の首都です')).toBe(true);
    expect(await pass({ type: 'contains', value: 'x' }, '')).toBe(false);
  });

  it('contains-any, contains-all and not-contains', async () => {
    expect(await pass({ type: 'contains-any', values: ['refund', 'money back'] }, 'You get your money back.')).toBe(
      true,
    );
    const all = await scoreWith(
      { type: 'contains-all', values: ['Settings', 'Billing', 'Invoices'] },
      'Settings > Billing',
    );
    expect(all).toMatchObject({ pass: false, reason: 'missing ["Invoices"]', details: { found: 2, of: 3 } });
    expect(await pass({ type: 'not-contains', values: ['Dropbox', 'Google Drive'] }, 'Use Nimbus Drive.')).toBe(true);
    expect(await pass({ type: 'not-contains', value: 'dropbox', ignore_case: true }, 'Unlike Dropbox, we...')).toBe(
      false,
    );
  });

  it('starts-with ignores leading whitespace', async () => {
    expect(await pass({ type: 'starts-with', value: 'Yes' }, '\n  Yes, you can.')).toBe(true);
    expect(await pass({ type: 'starts-with', value: 'Yes' }, 'No.')).toBe(false);
  });

  it('regex matches with flags and treats {{var}} values literally', async () => {
    expect(await pass({ type: 'regex', pattern: '\\b\\d+ (GB|TB)\\b' }, 'Pro includes 2 TB per user')).toBe(true);
    expect(await pass({ type: 'regex', pattern: '^yes', flags: 'i' }, 'YES!')).toBe(true);
    // "1.5" from the case must not match "125" (the dot is literal)
    expect(await pass({ type: 'regex', pattern: 'version {{v}}' }, 'version 125', { v: '1.5' })).toBe(false);
    expect(await pass({ type: 'regex', pattern: 'version {{v}}' }, 'version 1.5', { v: '1.5' })).toBe(true);
  });

  it('an invalid regex is a config error naming the scorer', async () => {
    await expect(scoreWith({ type: 'regex', pattern: '(unclosed' }, 'x')).rejects.toThrow(ConfigError);
    await expect(scoreWith({ type: 'regex', pattern: '(unclosed' }, 'x')).rejects.toThrow(
      /test\.scorers\[0\]\.pattern: "\(unclosed" is not a valid regular expression/,
    );
  });

  it('a missing case variable is an error for that score, not a crash', async () => {
    await expect(scoreWith({ type: 'contains', value: '{{nope}}' }, 'x')).rejects.toThrow(
      'case "c1" has no variable "nope"',
    );
  });
});

describe('JSON checks', () => {
  it('is-json accepts JSON, also inside a Markdown fence, and rejects prose and empty output', async () => {
    expect(await pass({ type: 'is-json' }, '{"intent": "refund"}')).toBe(true);
    expect(await pass({ type: 'is-json' }, '```json\n{"intent": "refund"}\n```')).toBe(true);
    expect(await pass({ type: 'is-json' }, 'Sure! {"intent": "refund"}')).toBe(false);
    expect(await pass({ type: 'is-json' }, '')).toBe(false);
  });

  it('json-schema validates with ajv and says why it failed', async () => {
    const schema = { type: 'object', required: ['intent'], properties: { intent: { enum: ['refund', 'billing'] } } };
    expect(await pass({ type: 'json-schema', schema }, '{"intent": "refund"}')).toBe(true);
    const bad = await scoreWith({ type: 'json-schema', schema }, '{"intent": "weather"}');
    expect(bad.pass).toBe(false);
    expect(bad.reason).toBe('/intent must be equal to one of the allowed values');
    expect((await scoreWith({ type: 'json-schema', schema }, '{}')).reason).toBe(
      "(root) must have required property 'intent'",
    );
  });

  it('json-schema reads a schema file, and rejects an invalid schema at build time', async () => {
    const dir = await makeProject({ 'schemas/intent.json': JSON.stringify({ type: 'object', required: ['intent'] }) });
    expect(
      (
        await scoreWith(
          { type: 'json-schema', schema: 'schemas/intent.json' },
          '{"intent":1}',
          {},
          {},
          { rootDir: dir },
        )
      ).pass,
    ).toBe(true);
    await expect(scoreWith({ type: 'json-schema', schema: { type: 'nonsense' } }, '{}')).rejects.toThrow(
      /not a valid JSON Schema/,
    );
    await expect(
      scoreWith({ type: 'json-schema', schema: 'missing.json' }, '{}', {}, {}, { rootDir: dir }),
    ).rejects.toThrow(/cannot read JSON Schema file missing\.json/);
  });
});

describe('length', () => {
  it('counts graphemes, words (including CJK) and tokens', () => {
    expect(measure('👩‍👩‍👧 é', 'chars', null)).toBe(3); // family emoji is one grapheme; e + U+0301 another
    expect(measure('Hello, world! How are you?', 'words', null)).toBe(5);
    expect(measure('', 'words', null)).toBe(0);
    expect(measure('abcdefgh', 'tokens', 42)).toBe(42);
    expect(measure('abcdefgh', 'tokens', null)).toBe(2);
  });
  it('passes within bounds and says which bound failed', async () => {
    expect(await pass({ type: 'length', unit: 'words', max: 5 }, 'one two three')).toBe(true);
    const long = await scoreWith({ type: 'length', unit: 'words', min: 1, max: 2 }, 'one two three');
    expect(long).toMatchObject({ pass: false, reason: '3 words, more than 2' });
    expect((await scoreWith({ type: 'length', min: 1 }, '')).reason).toBe('0 chars, fewer than 1');
  });
});

describe('refusal', () => {
  it.each([
    "I'm sorry, but I can't help with that request.",
    'I cannot assist with creating malware.',
    'As an AI language model, I cannot browse the internet.',
    'I am unable to provide legal advice.',
    'Sorry, I can’t share that.',
  ])('detects %j', (text) => {
    expect(detectRefusal(text, 'stop')).not.toBeNull();
  });
  it.each([
    'Sure! Go to Settings > Billing.',
    "You can't undo a deletion after 30 days, but I can help you restore it before then.",
    '',
  ])('does not flag %j', (text) => {
    expect(detectRefusal(text, 'stop')).toBeNull();
  });
  it('passes answers by default and refusals with expect: refuse; a content_filter stop is a refusal', async () => {
    expect(await pass({ type: 'refusal' }, 'Go to Settings.')).toBe(true);
    expect(await pass({ type: 'refusal' }, "Sorry, I can't help with that.")).toBe(false);
    expect(await pass({ type: 'refusal', expect: 'refuse' }, 'I must decline.')).toBe(true);
    expect(await pass({ type: 'refusal' }, 'partial answer', {}, { finishReason: 'content_filter' })).toBe(false);
  });
});

describe('per-call limits', () => {
  it('max-latency and max-cost read the call record', async () => {
    expect(await pass({ type: 'max-latency', ms: 1000 }, 'x', {}, { latencyMs: 999 })).toBe(true);
    expect(await pass({ type: 'max-latency', ms: 1000 }, 'x', {}, { latencyMs: 1001 })).toBe(false);
    expect(await pass({ type: 'max-cost', usd: 0.01 }, 'x', {}, { costUsd: 0.02 })).toBe(false);
    const unpriced = await scoreWith({ type: 'max-cost', usd: 0.01 }, 'x', {}, { costUsd: null });
    expect(unpriced.value).toBeNull();
    expect(unpriced.error).toMatch(/no price for model/);
  });
});

describe('custom scorers', () => {
  it('loads a JS module and accepts booleans, numbers and objects', async () => {
    const dir = await makeProject({
      'scorers/polite.mjs': `export default ({ output }) => /please|thank/i.test(output);
export const ratio = ({ output, options }) => Math.min(1, output.length / options.target);
export const rich = () => ({ value: 0.25, pass: false, reason: 'too terse' });
export const broken = () => 7;`,
    });
    const at = (config: Record<string, unknown>, output: string) =>
      scoreWith({ type: 'custom', module: 'scorers/polite.mjs', ...config }, output, {}, {}, { rootDir: dir });
    expect(await at({ kind: 'binary' }, 'Thank you!')).toMatchObject({ value: 1, pass: true, kind: 'binary' });
    expect(await at({ export: 'ratio', options: { target: 10 } }, 'hello')).toMatchObject({
      value: 0.5,
      kind: 'continuous',
    });
    expect(await at({ export: 'rich' }, 'x')).toMatchObject({ value: 0.25, pass: false, reason: 'too terse' });
    expect((await at({ export: 'broken' }, 'x')).error).toBe('custom scorer returned 7, outside [0, 1]');
  });

  it('loads a TypeScript module through tsx', async () => {
    const dir = await makeProject({
      'scorers/len.ts': `export default ({ output }: { output: string }): number => (output.length > 3 ? 1 : 0);`,
    });
    expect(
      (await scoreWith({ type: 'custom', module: 'scorers/len.ts' }, 'long enough', {}, {}, { rootDir: dir })).value,
    ).toBe(1);
  });

  it('names a missing module or export as a config error', async () => {
    const dir = await makeProject({ 'm.mjs': 'export const a = 1;' });
    await expect(scoreWith({ type: 'custom', module: 'nope.mjs' }, 'x', {}, {}, { rootDir: dir })).rejects.toThrow(
      'test.scorers[0].module: nope.mjs not found',
    );
    await expect(
      scoreWith({ type: 'custom', module: 'm.mjs' }, 'x', {}, {}, { rootDir: path.resolve(dir) }),
    ).rejects.toThrow('has no function export "default"');
  });
});
