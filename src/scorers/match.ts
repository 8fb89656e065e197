/**
 * Whole-output and pattern checks (binary). Values may use `{{var}}` from the case; in a regex the
 * substituted value is matched literally.
 * - `equals`: the output equals `value` (trimmed unless `trim: false`; `ignore_case` optional).
 * - `starts-with`: the output, leading whitespace removed, starts with `value`.
 * - `regex`: the output matches `pattern` anywhere (RE2 syntax, which JavaScript patterns without
 *   lookaround or backreferences already are; `flags` such as "i", "s", "m"), on a linear-time
 *   engine, so no output can make a check run for ever.
 */
import { z } from 'zod';
import { RE2JS } from 're2js';
import { ConfigError } from '../errors.js';
import { binaryScore } from './score.js';
import { fold, renderForCase } from './case-template.js';
import { defineScorer, scorerMeta } from './definition.js';
import type { Scorer, ScorerBuildContext } from './types.js';

const name = z.string().min(1).optional();

export const equalsSchema = z.strictObject({
  type: z.literal('equals'),
  name,
  value: z.string(),
  ignore_case: z.boolean().default(false),
  trim: z.boolean().default(true),
});
export const startsWithSchema = z.strictObject({
  type: z.literal('starts-with'),
  name,
  value: z.string().min(1),
  ignore_case: z.boolean().default(false),
});
export const regexSchema = z.strictObject({
  type: z.literal('regex'),
  name,
  pattern: z.string().min(1),
  flags: z
    .string()
    .regex(/^[dgimsuvy]*$/, 'expected regex flags such as "i" or "su"')
    .default(''),
});

export function createEquals(config: z.infer<typeof equalsSchema>, ctx: ScorerBuildContext): Scorer {
  const meta = scorerMeta(ctx, config, { kind: 'binary' });
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
  const meta = scorerMeta(ctx, config, { kind: 'binary' });
  return {
    ...meta,
    score({ case: c, output }) {
      const prefix = renderForCase(config.value, c);
      const pass = fold(output.trimStart(), config.ignore_case).startsWith(fold(prefix, config.ignore_case));
      return binaryScore(meta, pass, pass ? undefined : `does not start with ${JSON.stringify(prefix)}`);
    },
  };
}

/** JavaScript flags → RE2 flags; `g` and `d` change nothing for a yes/no match, `y` (sticky) has no RE2 form. */
function re2Flags(flags: string, where: string): number {
  let out = 0;
  for (const f of flags) {
    if (f === 'i') out |= RE2JS.CASE_INSENSITIVE;
    else if (f === 's') out |= RE2JS.DOTALL;
    else if (f === 'm') out |= RE2JS.MULTILINE;
    else if (f === 'y')
      throw new ConfigError(
        `${where}.flags: "y" (sticky) has no meaning for a match anywhere in the output; remove it`,
      );
  }
  return out;
}

/**
 * Compiles for RE2JS (a linear-time engine: no catastrophic backtracking on hostile output). A
 * pattern that needs backtracking (lookaround, backreferences) is refused when the config loads.
 */
function compile(pattern: string, flags: number, where: string): RE2JS {
  try {
    return RE2JS.compile(RE2JS.translateRegExp(pattern), flags);
  } catch (err) {
    const message = (err as Error).message.replace(/^error parsing regexp: /, '');
    const backtracking = /Perl syntax|escape sequence: `\\\d/.test(message);
    throw new ConfigError(
      `${where}.pattern: ${JSON.stringify(pattern)} ${backtracking ? 'needs a backtracking feature (lookaround or a backreference) that could stall a run on hostile output; driftgate runs patterns on a linear-time engine (RE2 syntax)' : 'is not a valid regular expression'} (${message})`,
    );
  }
}

export function createRegex(config: z.infer<typeof regexSchema>, ctx: ScorerBuildContext): Scorer {
  const flags = re2Flags(config.flags, ctx.where);
  const literalVars = (pattern: string, c: Parameters<Scorer['score']>[0]['case']) =>
    pattern.replace(/\{\{\s*([A-Za-z_][\w.-]*)\s*\}\}/g, (m) => RE2JS.quote(renderForCase(m, c)));
  const fixed = config.pattern.includes('{{') ? undefined : compile(config.pattern, flags, ctx.where);
  if (!fixed) compile(config.pattern.replace(/\{\{[^}]*\}\}/g, 'x'), flags, ctx.where);
  const meta = scorerMeta(ctx, config, { kind: 'binary' });
  return {
    ...meta,
    score({ case: c, output }) {
      const re = fixed ?? compile(literalVars(config.pattern, c), flags, ctx.where);
      const match = re.exec(output);
      return binaryScore(
        meta,
        match !== null,
        match ? undefined : `does not match /${config.pattern}/${config.flags}`,
        match ? { match: match[0] } : undefined,
      );
    },
  };
}

export const equalsScorer = defineScorer({
  type: 'equals',
  schema: equalsSchema,
  doc: { kind: 'binary', checks: 'the output equals `value`', options: '`ignore_case`, `trim` (default true)' },
  create: createEquals,
});

export const startsWithScorer = defineScorer({
  type: 'starts-with',
  schema: startsWithSchema,
  doc: { kind: 'binary', checks: 'leading text (whitespace ignored)', options: '`ignore_case`' },
  create: createStartsWith,
});

export const regexScorer = defineScorer({
  type: 'regex',
  schema: regexSchema,
  doc: { kind: 'binary', checks: '`pattern` matches (`{{var}}` inserted literally)', options: '`flags`' },
  create: createRegex,
});
