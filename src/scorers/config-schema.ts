/**
 * What a scorer entry in driftgate.yaml may look like. Scorers themselves arrive with their own
 * issue; until a type is implemented, naming it is a config error rather than a silent no-op.
 */
import { z } from 'zod';

export const knownScorerTypes: readonly string[] = [];

export const scorerConfigSchema = z
  .looseObject({ type: z.string().min(1) })
  .refine((s) => knownScorerTypes.includes(s.type), {
    message: 'unknown scorer type',
    path: ['type'],
  });

export type ScorerConfig = z.infer<typeof scorerConfigSchema>;
