/**
 * Whole-output and pattern checks (binary). Values may use `{{var}}` from the case; in a regex the
 * substituted value is matched literally.
 * - `equals`: the output equals `value` (trimmed unless `trim: false`; `ignore_case` optional).
 * - `starts-with`: the output, leading whitespace removed, starts with `value`.
 * - `regex`: the output matches `pattern` (JavaScript syntax, `flags` such as "i", "s", "u").
 */
import { z } from 'zod';
import { ConfigError } from '../errors.js';
import { binaryScore } from './score.js';
import { fold, renderForCase } from './case-template.js';
import { scorerId } from './scorer-id.js';
import type { Scorer, ScorerBuildContext } from './types.js';

const name = z.string().min(1).optional();

export const equalsSchema = z.strictObject({ type: z.literal('equals'), name, value: z.string(), ignore_case: z.boolean().default(false), trim: z.boolean().default(true) });
export const startsWithSchema = z.strictObject({ type: z.literal('starts-with'), name, value: z.string().min(1), ignore_case: z.boolean().default(false) });
export const regexSchema = z.strictObject({ type: z.literal('regex'), name, pattern: z.string().min(1), flags: z.string().regex(/^[dgimsuvy]*$/, 'expected regex flags such as "i" or "su"').default('') });

export function createEquals(config: z.infer<typeof equalsSchema>, ctx: ScorerBuildContext): Scorer {
  const meta = { name: ctx.name, type: config.type, kind: 'binary' as const, phase: 'inline' as const, id: scorerId(config) };
  return {
    ...meta,
    score({ case: c, output }) {
      const expected = renderForCase(config.value, c);
      const norm = (t: string) => fold(config.trim ? t.trim() : t, config.ignore_case);
      const pass = norm(output) === norm(expected);
      return binaryScore(meta, pass, pass ? undefined : `expected ${JSON.stringify(expected)}`);
    },
  };
}

export function createStartsWith(config: z.infer<typeof startsWithSchema>, ctx: ScorerBuildContext): Scorer {
  const meta = { name: ctx.name, type: config.type, kind: 'binary' as const, phase: 'inline' as const, id: scorerId(config) };
  return {
    ...meta,
    score({ case: c, output }) {
      const prefix = renderForCase(config.value, c);
      const pass = fold(output.trimStart(), config.ignore_case).startsWith(fold(prefix, config.ignore_case));
      return binaryScore(meta, pass, pass ? undefined : `does not start with ${JSON.stringify(prefix)}`);
    },
  };
}

const escapeRegex = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

export function createRegex(config: z.infer<typeof regexSchema>, ctx: ScorerBuildContext): Scorer {
  const flags = config.flags.replace('g', ''); // a global regex is stateful across test() calls
  const literalVars = (pattern: string, c: Parameters<Scorer['score']>[0]['case']) =>
    pattern.replace(/\{\{\s*([A-Za-z_][\w.-]*)\s*\}\}/g, (m) => escapeRegex(renderForCase(m, c)));
  try {
    new RegExp(config.pattern.replace(/\{\{[^}]*\}\}/g, 'x'), flags);
  } catch (err) {
    throw new ConfigError(`${ctx.where}.pattern: not a valid regular expression (${(err as Error).message})`);
  }
  const meta = { name: ctx.name, type: config.type, kind: 'binary' as const, phase: 'inline' as const, id: scorerId(config) };
  return {
    ...meta,
    score({ case: c, output }) {
      const re = new RegExp(literalVars(config.pattern, c), flags);
      const match = re.exec(output);
      return binaryScore(meta, match !== null, match ? undefined : `does not match /${config.pattern}/${flags}`, match ? { match: match[0] } : undefined);
    },
  };
}
