/**
 * What a scorer entry in driftgate.yaml may look like: the union of every scorer's own schema,
 * told apart by `type`. Validating a config reads no rubric or module and loads no ajv: those
 * happen when the registry builds a suite's scorers.
 */
import { z } from 'zod';
import {
  containsAllSchema,
  containsAnySchema,
  containsSchema,
  icontainsSchema,
  notContainsSchema,
} from './contains.js';
import { equalsSchema, regexSchema, startsWithSchema } from './match.js';
import { containsJsonSchema, isJsonSchema, jsonSchemaSchema } from './json.js';
import { lengthSchema } from './length.js';
import { refusalSchema } from './refusal.js';
import { maxCostSchema, maxLatencySchema } from './thresholds.js';
import { customSchema } from './custom.js';
import { judgeSchema } from './judge/judge.js';
import { similaritySchema } from './similarity/similarity.js';
import { noToolCallSchema, toolArgsValidSchema, toolCallSchema, toolCallsF1Schema } from './tool-calls.js';

export const scorerConfigSchema = z.discriminatedUnion('type', [
  equalsSchema,
  containsSchema,
  icontainsSchema,
  containsAnySchema,
  containsAllSchema,
  notContainsSchema,
  regexSchema,
  startsWithSchema,
  isJsonSchema,
  containsJsonSchema,
  jsonSchemaSchema,
  lengthSchema,
  refusalSchema,
  maxLatencySchema,
  maxCostSchema,
  customSchema,
  judgeSchema,
  similaritySchema,
  toolCallSchema,
  toolCallsF1Schema,
  noToolCallSchema,
  toolArgsValidSchema,
]);

export type ScorerConfig = z.infer<typeof scorerConfigSchema>;
