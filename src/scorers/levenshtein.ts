/**
 * `levenshtein` (continuous): how close the output is to a reference, by edit distance — the
 * fewest single-character insertions, deletions and substitutions that turn one into the other
 * (Levenshtein 1966), counted in user-perceived characters (grapheme clusters, NFC), so "é" and
 * "🚀" are one character each. The value is 1 − distance / the longer length (1 = identical,
 * 0 = nothing in common; two empty texts are identical). With `max_distance` it passes when the
 * distance is at most that, as promptfoo's `levenshtein` assertion does (whose default is 5).
 * The reference is `value` (`{{var}}` allowed), else the case's `expected` text.
 */
import { z } from 'zod';
import { continuousScore } from './score.js';
import { fold, renderForCase } from './case-template.js';
import { defineScorer, scorerMeta } from './definition.js';
import { ScoringError, type Scorer, type ScorerBuildContext } from './types.js';

export const levenshteinSchema = z.strictObject({
  type: z.literal('levenshtein'),
  name: z.string().min(1).optional(),
  value: z.string().optional().describe("The reference text ({{var}} allowed); default: the case's expected text"),
  max_distance: z.int().min(0).optional().describe('Passes when the edit distance is at most this'),
  ignore_case: z.boolean().default(false),
  trim: z.boolean().default(true),
});

const graphemes = new Intl.Segmenter(undefined, { granularity: 'grapheme' });

const characters = (text: string): string[] => Array.from(graphemes.segment(text), (s) => s.segment);

/** The edit distance of two character sequences: two rows of the Wagner–Fischer table. */
export function editDistance(a: readonly string[], b: readonly string[]): number {
  if (a.length < b.length) return editDistance(b, a);
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  let row = new Array<number>(b.length + 1);
  for (let i = 1; i <= a.length; i++) {
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const substitution = (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1);
      row[j] = Math.min((previous[j] ?? 0) + 1, (row[j - 1] ?? 0) + 1, substitution);
    }
    [previous, row] = [row, previous];
  }
  return previous[b.length] ?? 0;
}

export function createLevenshtein(config: z.infer<typeof levenshteinSchema>, ctx: ScorerBuildContext): Scorer {
  const meta = scorerMeta(ctx, config, { kind: 'continuous' });
  const prepare = (text: string) => characters(fold(config.trim ? text.trim() : text, config.ignore_case));
  return {
    ...meta,
    score({ case: c, output }) {
      const reference =
        config.value !== undefined
          ? renderForCase(config.value, c)
          : typeof c.expected === 'string'
            ? c.expected
            : undefined;
      if (reference === undefined)
        throw new ScoringError(
          `case "${c.id}" has no expected text to measure the distance to (give the scorer a value)`,
        );
      const [a, b] = [prepare(output), prepare(reference)];
      const distance = editDistance(a, b);
      const longer = Math.max(a.length, b.length);
      const pass = config.max_distance === undefined ? undefined : distance <= config.max_distance;
      return continuousScore(
        meta,
        longer === 0 ? 1 : 1 - distance / longer,
        pass,
        pass === false ? `${distance} edits from the reference, more than ${config.max_distance}` : undefined,
        { distance },
      );
    },
  };
}

export const levenshteinScorer = defineScorer({
  type: 'levenshtein',
  schema: levenshteinSchema,
  doc: {
    kind: 'continuous',
    checks: "1 − edit distance ÷ the longer length, to `value` or the case's `expected` (graphemes)",
    options: '`max_distance` (passes at or below it), `ignore_case`, `trim` (default true)',
  },
  create: createLevenshtein,
});
