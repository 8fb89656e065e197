/**
 * Every scorer driftgate has, in the order the docs list them. Adding a scorer is its file (schema,
 * doc row, create) and one line here; the config union (config-schema.ts), the dispatch
 * (registry.ts), driftgate.schema.json and the table in docs/scorers.md (`npm run schema`) follow.
 */
import {
  containsAllScorer,
  containsAnyScorer,
  containsScorer,
  icontainsScorer,
  notContainsScorer,
} from './contains.js';
import { equalsScorer, regexScorer, startsWithScorer } from './match.js';
import { containsJsonScorer, isJsonScorer, jsonSchemaScorer } from './json.js';
import { lengthScorer } from './length.js';
import { levenshteinScorer } from './levenshtein.js';
import { refusalScorer } from './refusal.js';
import { maxCostScorer, maxLatencyScorer } from './thresholds.js';
import { customScorer } from './custom.js';
import { judgeScorer } from './judge/judge.js';
import { similarityScorer } from './similarity/similarity.js';
import { noToolCallScorer, toolArgsValidScorer, toolCallScorer, toolCallsF1Scorer } from './tool-calls.js';

export const SCORERS = [
  equalsScorer,
  containsScorer,
  icontainsScorer,
  containsAnyScorer,
  containsAllScorer,
  notContainsScorer,
  regexScorer,
  startsWithScorer,
  isJsonScorer,
  containsJsonScorer,
  jsonSchemaScorer,
  lengthScorer,
  levenshteinScorer,
  refusalScorer,
  maxLatencyScorer,
  maxCostScorer,
  customScorer,
  judgeScorer,
  similarityScorer,
  toolCallScorer,
  toolCallsF1Scorer,
  noToolCallScorer,
  toolArgsValidScorer,
] as const;
