/**
 * `length` (binary): the output's length lies within [min, max] in `unit`:
 * - `chars`: user-perceived characters (grapheme clusters: "é" and "🚀" count 1);
 * - `words`: word-like segments (Intl.Segmenter, so CJK text is segmented too);
 * - `tokens`: the provider-reported output tokens of the call, else characters ÷ 4.
 */
import { z } from 'zod';
import { binaryScore } from './score.js';
import { defineScorer, scorerMeta } from './definition.js';
import type { Scorer, ScorerBuildContext } from './types.js';

export const lengthSchema = z
  .strictObject({
    type: z.literal('length'),
    name: z.string().min(1).optional(),
    unit: z.enum(['chars', 'words', 'tokens']).default('chars'),
    min: z.int().min(0).optional(),
    max: z.int().min(0).optional(),
  })
  .refine((c) => c.min !== undefined || c.max !== undefined, { message: 'give "min", "max" or both' })
  .refine((c) => c.min === undefined || c.max === undefined || c.min <= c.max, {
    message: '"min" is larger than "max"',
  });

const graphemes = new Intl.Segmenter(undefined, { granularity: 'grapheme' });
const words = new Intl.Segmenter(undefined, { granularity: 'word' });

export function measure(text: string, unit: 'chars' | 'words' | 'tokens', outputTokens: number | null): number {
  switch (unit) {
    case 'chars':
      return [...graphemes.segment(text)].length;
    case 'words':
      return [...words.segment(text)].filter((s) => s.isWordLike).length;
    case 'tokens':
      return outputTokens ?? Math.ceil(text.length / 4);
  }
}

export function createLength(config: z.infer<typeof lengthSchema>, ctx: ScorerBuildContext): Scorer {
  const meta = scorerMeta(ctx, config, { kind: 'binary' });
  return {
    ...meta,
    score({ output, record }) {
      const n = measure(output, config.unit, record.outputTokens);
      const tooShort = config.min !== undefined && n < config.min;
      const tooLong = config.max !== undefined && n > config.max;
      const reason = tooShort
        ? `${n} ${config.unit}, fewer than ${config.min}`
        : tooLong
          ? `${n} ${config.unit}, more than ${config.max}`
          : undefined;
      return binaryScore(meta, !tooShort && !tooLong, reason, { length: n, unit: config.unit });
    },
  };
}

export const lengthScorer = defineScorer({
  type: 'length',
  schema: lengthSchema,
  doc: { kind: 'binary', checks: 'within `min`/`max` `unit`s: `chars` (graphemes), `words`, `tokens`' },
  create: createLength,
});
