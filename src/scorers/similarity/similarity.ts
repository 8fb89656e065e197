/**
 * `similarity` (continuous): cosine similarity of the output's embedding with
 * - `reference` (a template, usually "{{expected}}"), or
 * - `against: <target>`: that target's output for the same case and repeat (drift: pinned vs current).
 * Negative cosines count as 0, so the score lies in [0, 1]; passes at `pass` when given.
 *
 * With the built-in `provider: local` embedder the score is lexical overlap, not meaning
 * (see local-embedder.ts); use an embeddings model for semantic similarity.
 */
import { z } from 'zod';
import { ConfigError } from '../../errors.js';
import { continuousScore, errorScore } from '../score.js';
import { renderForCase } from '../case-template.js';
import { defineScorer, scorerMeta } from '../definition.js';
import type { Scorer, ScorerBuildContext, ScoringInput } from '../types.js';
import { cosine } from './vector.js';

export const similaritySchema = z
  .strictObject({
    type: z.literal('similarity'),
    name: z.string().min(1).optional(),
    reference: z.string().optional().describe('Template of the reference text, e.g. "{{expected}}"'),
    against: z.string().min(1).optional().describe('Compare with this target’s output instead of a reference'),
    embedder: z.string().min(1).default('embedder').describe('The model (under models) that embeds'),
    pass: z.number().min(0).max(1).optional(),
  })
  .refine((c) => (c.reference === undefined) !== (c.against === undefined), {
    message: 'give exactly one of "reference" or "against"',
  });

export function createSimilarity(config: z.infer<typeof similaritySchema>, ctx: ScorerBuildContext): Scorer {
  const embedder = ctx.models[config.embedder];
  if (!embedder)
    throw new ConfigError(
      `${ctx.where}.embedder: no model named "${config.embedder}" under models (add e.g. embedder: { provider: local })`,
    );
  if (embedder.provider === 'anthropic')
    throw new ConfigError(`${ctx.where}.embedder: Anthropic has no embeddings API; use provider local or openai`);
  const meta = scorerMeta(ctx, config, {
    kind: 'continuous',
    phase: 'after',
    idOf: {
      config,
      embedder: { provider: embedder.provider, model: embedder.model ?? null, params: embedder.params ?? null },
    },
  });
  const referenceOf = (input: ScoringInput): string | undefined =>
    config.reference !== undefined ? renderForCase(config.reference, input.case) : input.other?.output;
  return {
    ...meta,
    async prefetch(inputs, services) {
      const texts: string[] = [];
      for (const input of inputs) {
        texts.push(input.output);
        try {
          const ref = referenceOf(input);
          if (ref !== undefined) texts.push(ref);
        } catch {
          // a missing variable is reported when that input is scored
        }
      }
      await services.prefetchEmbeddings(config.embedder, texts);
    },
    async score(input, services) {
      const reference = referenceOf(input);
      if (reference === undefined)
        return errorScore(meta, `no output of target "${config.against}" for this case to compare with`);
      const [a, b] = await services.embed(config.embedder, [input.output, reference]);
      const value = Math.max(0, cosine(a as Float32Array, b as Float32Array));
      const pass = config.pass === undefined ? undefined : value >= config.pass;
      return continuousScore(
        meta,
        value,
        pass,
        pass === false ? `similarity ${value.toFixed(3)} < ${config.pass}` : undefined,
        {
          similarity: Number(value.toFixed(6)),
          embedder: embedder.provider === 'local' ? 'local (lexical)' : embedder.model,
        },
      );
    },
  };
}

export const similarityScorer = defineScorer({
  type: 'similarity',
  schema: similaritySchema,
  doc: {
    kind: 'continuous',
    checks: "cosine similarity to `reference` or to target `against`'s output",
    options: '`embedder` (default `embedder`), `pass`',
  },
  create: createSimilarity,
});
