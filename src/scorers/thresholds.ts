/**
 * Per-call limits (binary), read from the call record:
 * - `max-latency`: latency ≤ `ms` (a cache replay reports the latency recorded with the answer);
 * - `max-cost`: the answer's cost ≤ `usd` (an unpriced model gives an error score, not a pass).
 */
import { z } from 'zod';
import { binaryScore, errorScore } from './score.js';
import { defineScorer, scorerMeta } from './definition.js';
import type { Scorer, ScorerBuildContext } from './types.js';

export const maxLatencySchema = z.strictObject({
  type: z.literal('max-latency'),
  name: z.string().min(1).optional(),
  ms: z.number().positive(),
});
export const maxCostSchema = z.strictObject({
  type: z.literal('max-cost'),
  name: z.string().min(1).optional(),
  usd: z.number().positive(),
});

export function createMaxLatency(config: z.infer<typeof maxLatencySchema>, ctx: ScorerBuildContext): Scorer {
  const meta = scorerMeta(ctx, config, { kind: 'binary' });
  return {
    ...meta,
    score({ record }) {
      if (record.latencyMs === null) return errorScore(meta, 'the call has no latency');
      const pass = record.latencyMs <= config.ms;
      return binaryScore(meta, pass, pass ? undefined : `${record.latencyMs} ms > ${config.ms} ms`, {
        latencyMs: record.latencyMs,
      });
    },
  };
}

export function createMaxCost(config: z.infer<typeof maxCostSchema>, ctx: ScorerBuildContext): Scorer {
  const meta = scorerMeta(ctx, config, { kind: 'binary' });
  return {
    ...meta,
    score({ record }) {
      if (record.costUsd === null) return errorScore(meta, `no price for model ${record.model}: add it under pricing:`);
      const pass = record.costUsd <= config.usd;
      return binaryScore(meta, pass, pass ? undefined : `$${record.costUsd.toPrecision(3)} > $${config.usd}`, {
        costUsd: record.costUsd,
      });
    },
  };
}

export const maxLatencyScorer = defineScorer({
  type: 'max-latency',
  schema: maxLatencySchema,
  doc: { kind: 'binary', checks: "the call's latency ≤ `ms`" },
  create: createMaxLatency,
});

export const maxCostScorer = defineScorer({
  type: 'max-cost',
  schema: maxCostSchema,
  doc: { kind: 'binary', checks: "the call's cost ≤ `usd`" },
  create: createMaxCost,
});
