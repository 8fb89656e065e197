/**
 * What a scorer entry in driftgate.yaml may look like: the union of every scorer's own schema
 * (catalogue.ts), told apart by `type`. Validating a config reads no rubric or module and loads no
 * ajv: those happen when the registry builds a suite's scorers.
 */
import { z } from 'zod';
import { SCORERS } from './catalogue.js';

type SchemasOf<T extends readonly { readonly schema: unknown }[]> = { -readonly [K in keyof T]: T[K]['schema'] };

function schemasOf<T extends readonly { readonly schema: unknown }[]>(definitions: T): SchemasOf<T> {
  // A mapped tuple type has no runtime counterpart: map keeps the order, so the element types hold.
  return definitions.map((d) => d.schema) as SchemasOf<T>;
}

export const scorerConfigSchema = z.discriminatedUnion('type', schemasOf(SCORERS));

export type ScorerConfig = z.infer<typeof scorerConfigSchema>;
