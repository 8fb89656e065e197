/**
 * Substring checks (binary). Values may use `{{var}}` from the case; comparison is on NFC-normalised
 * text, case-insensitive for `icontains` and wherever `ignore_case: true`.
 * - `contains` / `icontains`: the output contains `value`.
 * - `contains-any`: at least one of `values`. `contains-all`: every one (the missing are listed).
 * - `not-contains`: none of `value` / `values` (e.g. a competitor's name, a leaked system prompt).
 */
import { z } from 'zod';
import { binaryScore } from './score.js';
import { fold, renderForCase } from './case-template.js';
import { defineScorer, scorerMeta } from './definition.js';
import type { Scorer, ScorerBuildContext, ScoringInput } from './types.js';

const name = z.string().min(1).optional();
const ignoreCase = z.boolean().default(false);

export const containsSchema = z.strictObject({
  type: z.literal('contains'),
  name,
  value: z.string().min(1),
  ignore_case: ignoreCase,
});
export const icontainsSchema = z.strictObject({ type: z.literal('icontains'), name, value: z.string().min(1) });
export const containsAnySchema = z.strictObject({
  type: z.literal('contains-any'),
  name,
  values: z.array(z.string().min(1)).min(1),
  ignore_case: ignoreCase,
});
export const containsAllSchema = z.strictObject({
  type: z.literal('contains-all'),
  name,
  values: z.array(z.string().min(1)).min(1),
  ignore_case: ignoreCase,
});
export const notContainsSchema = z
  .strictObject({
    type: z.literal('not-contains'),
    name,
    value: z.string().min(1).optional(),
    values: z.array(z.string().min(1)).min(1).optional(),
    ignore_case: ignoreCase,
  })
  .refine((c) => c.value !== undefined || c.values !== undefined, { message: 'give "value" or "values"' });

type ContainsConfig =
  | z.infer<typeof containsSchema>
  | z.infer<typeof icontainsSchema>
  | z.infer<typeof containsAnySchema>
  | z.infer<typeof containsAllSchema>
  | z.infer<typeof notContainsSchema>;

export function createContains(config: ContainsConfig, ctx: ScorerBuildContext): Scorer {
  const ignore = config.type === 'icontains' || ('ignore_case' in config && config.ignore_case);
  const templates = 'values' in config && config.values ? config.values : [];
  const all = [...templates, ...('value' in config && config.value ? [config.value] : [])];
  const meta = scorerMeta(ctx, config, { kind: 'binary' });
  return {
    ...meta,
    score({ case: c, output }: ScoringInput) {
      const haystack = fold(output, ignore);
      const needles = all.map((t) => renderForCase(t, c));
      const found = needles.filter((n) => haystack.includes(fold(n, ignore)));
      switch (config.type) {
        case 'contains':
        case 'icontains':
          return binaryScore(
            meta,
            found.length === 1,
            found.length === 1 ? undefined : `does not contain ${JSON.stringify(needles[0])}`,
          );
        case 'contains-any':
          return binaryScore(
            meta,
            found.length > 0,
            found.length > 0 ? `contains ${JSON.stringify(found[0])}` : `contains none of ${JSON.stringify(needles)}`,
          );
        case 'contains-all': {
          const missing = needles.filter((n) => !found.includes(n));
          return binaryScore(
            meta,
            missing.length === 0,
            missing.length ? `missing ${JSON.stringify(missing)}` : undefined,
            { found: found.length, of: needles.length },
          );
        }
        case 'not-contains':
          return binaryScore(
            meta,
            found.length === 0,
            found.length ? `contains ${JSON.stringify(found[0])}` : undefined,
          );
      }
    },
  };
}

export const containsScorer = defineScorer({
  type: 'contains',
  schema: containsSchema,
  doc: { kind: 'binary', checks: 'the output contains `value`', options: '`ignore_case`' },
  create: createContains,
});

export const icontainsScorer = defineScorer({
  type: 'icontains',
  schema: icontainsSchema,
  doc: { kind: 'binary', checks: 'the output contains `value`, ignoring case' },
  create: createContains,
});

export const containsAnyScorer = defineScorer({
  type: 'contains-any',
  schema: containsAnySchema,
  doc: { kind: 'binary', checks: 'one of `values`', options: '`ignore_case`' },
  create: createContains,
});

export const containsAllScorer = defineScorer({
  type: 'contains-all',
  schema: containsAllSchema,
  doc: { kind: 'binary', checks: 'all of `values`', options: '`ignore_case`' },
  create: createContains,
});

export const notContainsScorer = defineScorer({
  type: 'not-contains',
  schema: notContainsSchema,
  doc: { kind: 'binary', checks: 'none of `value` / `values`', options: '`ignore_case`' },
  create: createContains,
});
