/**
 * The `levenshtein` scorer against distances worked out by hand: the textbook pairs (kitten →
 * sitting is 3: k→s, e→i, +g; flaw → lawn is 2: −f, +n; gumbo → gambol is 2: u→a, +l), empty
 * texts, and user-perceived characters (a flag emoji or a decomposed "é" is one character).
 */
import { describe, expect, it } from 'vitest';
import { editDistance } from '../src/scorers/levenshtein.js';
import path from 'node:path';
import { convertPromptfoo } from '../src/import/promptfoo.js';
import { makeProject } from './support/project.js';
import { scoreWith } from './support/scoring.js';

const chars = (s: string) =>
  [...new Intl.Segmenter(undefined, { granularity: 'grapheme' }).segment(s)].map((x) => x.segment);

describe('edit distance', () => {
  it.each([
    ['kitten', 'sitting', 3],
    ['flaw', 'lawn', 2],
    ['gumbo', 'gambol', 2],
    ['', 'abc', 3],
    ['abc', '', 3],
    ['', '', 0],
    ['same', 'same', 0],
    ['abc', 'cba', 2],
  ])('%j → %j is %i', (a, b, d) => {
    expect(editDistance(chars(a), chars(b))).toBe(d);
    expect(editDistance(chars(b), chars(a))).toBe(d);
  });

  it('counts a flag emoji and a combining accent as one character each', () => {
    expect(editDistance(chars('🇩🇪 ok'), chars('🇫🇷 ok'))).toBe(1);
    expect(editDistance(chars('cafe\u0301'), chars('cafe'))).toBe(1);
  });
});

describe('the levenshtein scorer', () => {
  it("scores 1 − distance ÷ the longer length, against the case's expected text by default", async () => {
    const s = await scoreWith({ type: 'levenshtein' }, 'kitten', { expected: 'sitting' });
    expect(s.value).toBeCloseTo(1 - 3 / 7, 12);
    expect(s.pass).toBeUndefined();
    expect(s.details).toEqual({ distance: 3 });
  });

  it('passes at or below max_distance and says how far it was otherwise', async () => {
    const near = await scoreWith({ type: 'levenshtein', value: 'lawn', max_distance: 2 }, 'flaw');
    expect(near.pass).toBe(true);
    const far = await scoreWith({ type: 'levenshtein', value: 'lawn', max_distance: 1 }, 'flaw');
    expect(far.pass).toBe(false);
    expect(far.reason).toBe('2 edits from the reference, more than 1');
  });

  it('renders {{var}} in the reference, trims, and can ignore case and composition', async () => {
    const s = await scoreWith({ type: 'levenshtein', value: '{{city}}', ignore_case: true }, '  CAFE\u0301 ', {
      city: 'Café',
    });
    expect(s.value).toBe(1);
  });

  it('two empty texts are identical; a case without a reference cannot be scored (an error score, not a zero)', async () => {
    expect((await scoreWith({ type: 'levenshtein', value: '' }, '   ')).value).toBe(1);
    // A ScoringError: the scorer guard turns it into an error score for that output.
    await expect(scoreWith({ type: 'levenshtein' }, 'anything')).rejects.toThrow(/case "c1" has no expected text/);
  });
});

describe("promptfoo's levenshtein assertion", () => {
  it('imports as the levenshtein scorer with its threshold (default 5) as max_distance', async () => {
    const dir = await makeProject({
      'promptfooconfig.yaml': [
        'prompts: ["Spell {{word}}"]',
        'providers: [openai:gpt-4o-mini]',
        'tests:',
        '  - vars: { word: kitten }',
        '    assert: [{ type: levenshtein, value: kitten, threshold: 2 }]',
        '  - vars: { word: sitting }',
        '    assert: [{ type: levenshtein, value: sitting }]',
      ].join('\n'),
    });
    const converted = convertPromptfoo(path.join(dir, 'promptfooconfig.yaml'));
    expect(converted.unmapped).toEqual([]);
    const config = converted.files['driftgate.yaml'] ?? '';
    expect(config).toMatch(/type: levenshtein[\s\S]*max_distance: 2/);
    expect(config).toMatch(/type: levenshtein[\s\S]*max_distance: 5/);
  });
});
