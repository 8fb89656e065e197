/**
 * The one place scorer types are mapped to implementations, and where a suite's scorers are built
 * (before any call, so a bad regex, schema, rubric or module stops the run at no cost).
 */
import type { ModelConfig } from '../providers/model-schema.js';
import { ConfigError } from '../errors.js';
import { scorerNames } from './names.js';
import type { ScorerConfig } from './config-schema.js';
import { createContains } from './contains.js';
import { createEquals, createRegex, createStartsWith } from './match.js';
import { createContainsJson, createIsJson, createJsonSchema } from './json.js';
import { createLength } from './length.js';
import { createRefusal } from './refusal.js';
import { createMaxCost, createMaxLatency } from './thresholds.js';
import { createCustom } from './custom.js';
import { createJudge } from './judge/judge.js';
import { createSimilarity } from './similarity/similarity.js';
import { createNoToolCall, createToolArgsValid, createToolCall, createToolCallsF1 } from './tool-calls.js';
import type { Scorer, ScorerBuildContext } from './types.js';

function create(config: ScorerConfig, ctx: ScorerBuildContext): Scorer | Promise<Scorer> {
  switch (config.type) {
    case 'equals':
      return createEquals(config, ctx);
    case 'contains':
    case 'icontains':
    case 'contains-any':
    case 'contains-all':
    case 'not-contains':
      return createContains(config, ctx);
    case 'regex':
      return createRegex(config, ctx);
    case 'starts-with':
      return createStartsWith(config, ctx);
    case 'is-json':
      return createIsJson(config, ctx);
    case 'contains-json':
      return createContainsJson(config, ctx);
    case 'json-schema':
      return createJsonSchema(config, ctx);
    case 'length':
      return createLength(config, ctx);
    case 'refusal':
      return createRefusal(config, ctx);
    case 'max-latency':
      return createMaxLatency(config, ctx);
    case 'max-cost':
      return createMaxCost(config, ctx);
    case 'custom':
      return createCustom(config, ctx);
    case 'judge':
      return createJudge(config, ctx);
    case 'similarity':
      return createSimilarity(config, ctx);
    case 'tool-call':
      return createToolCall(config, ctx);
    case 'tool-calls-f1':
      return createToolCallsF1(config, ctx);
    case 'no-tool-call':
      return createNoToolCall(config, ctx);
    case 'tool-args-valid':
      return createToolArgsValid(config, ctx);
  }
}

export async function buildScorers(
  configs: readonly ScorerConfig[],
  options: {
    rootDir: string;
    models: Readonly<Record<string, ModelConfig>>;
    where: string;
    targets: readonly string[];
  },
): Promise<Scorer[]> {
  const names = scorerNames(configs);
  const duplicate = names.find((n, i) => names.indexOf(n) !== i);
  if (duplicate)
    throw new ConfigError(`${options.where}: two scorers are named "${duplicate}"; give one a different name`);
  const scorers: Scorer[] = [];
  for (const [i, config] of configs.entries()) {
    const where = `${options.where}[${i}]`;
    const scorer = await create(config, {
      rootDir: options.rootDir,
      models: options.models,
      where,
      name: names[i] as string,
    });
    if (scorer.against !== undefined && !options.targets.includes(scorer.against)) {
      throw new ConfigError(
        `${where}.against: "${scorer.against}" is not one of this suite's targets (${options.targets.join(', ')})`,
      );
    }
    scorers.push(scorer);
  }
  return scorers;
}
