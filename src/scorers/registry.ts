/**
 * Where a suite's scorers are built from their definitions (catalogue.ts)
 * (before any call, so a bad regex, schema, rubric or module stops the run at no cost).
 */
import type { ModelConfig } from '../providers/model-schema.js';
import { ConfigError } from '../errors.js';
import { scorerNames } from './names.js';
import type { ScorerConfig } from './config-schema.js';
import { SCORERS } from './catalogue.js';
import type { ScorerDefinition } from './definition.js';
import type { Scorer, ScorerBuildContext } from './types.js';

/** Each definition accepts exactly the configs its schema parsed, which carry its `type`. */
type Create = (config: ScorerConfig, ctx: ScorerBuildContext) => Scorer | Promise<Scorer>;
const CREATE_BY_TYPE: ReadonlyMap<string, Create> = new Map(
  SCORERS.map((d: ScorerDefinition): [string, Create] => [d.type, d.create]),
);

function create(config: ScorerConfig, ctx: ScorerBuildContext): Scorer | Promise<Scorer> {
  const build = CREATE_BY_TYPE.get(config.type);
  // The schema union admits no other type: reaching this is a definition missing from the catalogue.
  if (!build) throw new Error(`no scorer definition for type "${config.type}"`);
  return build(config, ctx);
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
