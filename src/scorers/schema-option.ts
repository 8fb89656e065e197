/** A scorer's `schema:` option — inline, or a path to a .json file — compiled when the suite is built (bad schema: exit 2). */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { ConfigError } from '../errors.js';
import { describeDepth, tooDeep } from '../util/depth.js';
import { loadValidators, type Validate } from '../conversation/tool-arguments.js';
import type { ScorerBuildContext } from './types.js';

export async function compileSchemaOption(
  schema: Record<string, unknown> | string,
  ctx: ScorerBuildContext,
): Promise<{ validate: Validate; schema: Record<string, unknown> }> {
  let resolved = schema;
  if (typeof resolved === 'string') {
    try {
      resolved = JSON.parse(readFileSync(path.resolve(ctx.rootDir, resolved), 'utf8')) as Record<string, unknown>;
    } catch (err) {
      throw new ConfigError(
        `${ctx.where}.schema: cannot read JSON Schema file ${schema as string} (${(err as Error).message})`,
      );
    }
  }
  const deep = tooDeep(resolved);
  if (deep) throw new ConfigError(`${ctx.where}.schema: ${describeDepth(deep)}`);
  const validatorOf = await loadValidators();
  try {
    return { validate: validatorOf(resolved), schema: resolved };
  } catch (err) {
    throw new ConfigError(`${ctx.where}.schema: not a valid JSON Schema (${(err as Error).message})`);
  }
}
