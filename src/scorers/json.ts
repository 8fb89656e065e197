/**
 * JSON checks (binary). Models often wrap JSON in a Markdown code fence; a fence around the whole
 * output is accepted and removed before parsing.
 * - `is-json`: the output parses as JSON.
 * - `contains-json`: some part of the output is a JSON object or array (the first that parses
 *   counts), e.g. an answer with a sentence before its JSON.
 * - `json-schema`: it parses and validates against `schema` (JSON Schema draft 2020-12, via ajv;
 *   `schema` may be inline or a path to a .json file).
 * With `of: tool_arguments`, `is-json` and `json-schema` check the arguments of every tool call
 * the model made instead of its text (no call at all fails).
 */
import { z } from 'zod';
import { compileSchemaOption } from './schema-option.js';
import type { RecordedToolCall } from '../conversation/types.js';
import { binaryScore } from './score.js';
import { defineScorer, scorerMeta } from './definition.js';
import type { Scorer, ScorerBuildContext } from './types.js';

const name = z.string().min(1).optional();

// No default: a default would change the id (the config hash) of every existing is-json scorer.
const of = z
  .enum(['output', 'tool_arguments'])
  .optional()
  .describe('What is checked: the output text (default) or the arguments of each tool call');

export const isJsonSchema = z.strictObject({ type: z.literal('is-json'), name, of });
export const containsJsonSchema = z.strictObject({ type: z.literal('contains-json'), name });
export const jsonSchemaSchema = z.strictObject({
  type: z.literal('json-schema'),
  name,
  schema: z
    .union([z.record(z.string(), z.unknown()), z.string().min(1)])
    .describe('A JSON Schema, inline or as a path to a .json file'),
  of,
});

/** The JSON values a scorer with `of: tool_arguments` checks: each call's arguments, or why there are none. */
function toolArguments(record: {
  toolCalls?: readonly RecordedToolCall[];
}): { ok: true; values: { name: string; value: unknown }[] } | { ok: false; error: string } {
  const calls = record.toolCalls ?? [];
  if (calls.length === 0) return { ok: false, error: 'no tool call to check' };
  const bad = calls.find((c) => c.rawArguments !== undefined);
  if (bad)
    return {
      ok: false,
      error: `${bad.name}: arguments are not valid JSON (${JSON.stringify((bad.rawArguments as string).slice(0, 80))})`,
    };
  return { ok: true, values: calls.map((c) => ({ name: c.name, value: c.arguments })) };
}

const FENCE = /^\s*```[A-Za-z0-9_-]*\s*\n([\s\S]*?)\n?```\s*$/;

export type ParsedJson = { ok: true; value: unknown } | { ok: false; error: string };

export function parseJsonOutput(output: string): ParsedJson {
  const text = FENCE.exec(output)?.[1] ?? output;
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch (err) {
    return { ok: false, error: (err as Error).message };
  }
}

export function createIsJson(config: z.infer<typeof isJsonSchema>, ctx: ScorerBuildContext): Scorer {
  const meta = scorerMeta(ctx, config, { kind: 'binary' });
  return {
    ...meta,
    score({ output, record }) {
      if (config.of === 'tool_arguments') {
        const args = toolArguments(record);
        return binaryScore(meta, args.ok, args.ok ? undefined : args.error);
      }
      const parsed = parseJsonOutput(output);
      return binaryScore(meta, parsed.ok, parsed.ok ? undefined : `not valid JSON (${parsed.error})`);
    },
  };
}

/** The end index (exclusive) of the bracketed span starting at `start`, skipping strings; -1 when unbalanced. */
function spanEnd(text: string, start: number): number {
  const stack: string[] = [];
  let inString = false;
  for (let i = start; i < text.length; i++) {
    const ch = text[i] as string;
    if (inString) {
      if (ch === '\\') i++;
      else if (ch === '"') inString = false;
      continue;
    }
    if (ch === '"') inString = true;
    else if (ch === '{' || ch === '[') stack.push(ch === '{' ? '}' : ']');
    else if (ch === '}' || ch === ']') {
      if (stack.pop() !== ch) return -1;
      if (stack.length === 0) return i + 1;
    }
  }
  return -1;
}

/** The first JSON object or array inside `text`, if any (at most 100 starting points are tried). */
export function findJson(text: string): { found: true; value: unknown } | { found: false } {
  let tries = 0;
  for (let i = 0; i < text.length && tries < 100; i++) {
    if (text[i] !== '{' && text[i] !== '[') continue;
    tries++;
    const end = spanEnd(text, i);
    if (end < 0) continue;
    try {
      return { found: true, value: JSON.parse(text.slice(i, end)) };
    } catch {
      // not JSON here; try the next bracket
    }
  }
  return { found: false };
}

export function createContainsJson(config: z.infer<typeof containsJsonSchema>, ctx: ScorerBuildContext): Scorer {
  const meta = scorerMeta(ctx, config, { kind: 'binary' });
  return {
    ...meta,
    score({ output }) {
      const found = findJson(output).found;
      return binaryScore(meta, found, found ? undefined : 'no JSON object or array in the output');
    },
  };
}

export async function createJsonSchema(
  config: z.infer<typeof jsonSchemaSchema>,
  ctx: ScorerBuildContext,
): Promise<Scorer> {
  // ajv is loaded only when a json-schema scorer is configured.
  const { validate, schema } = await compileSchemaOption(config.schema, ctx);
  const meta = scorerMeta(ctx, config, { kind: 'binary', idOf: { ...config, schema } });
  return {
    ...meta,
    score({ output, record }) {
      if (config.of === 'tool_arguments') {
        const args = toolArguments(record);
        if (!args.ok) return binaryScore(meta, false, args.error);
        for (const { name: tool, value } of args.values) {
          const errors = validate(value);
          if (errors) return binaryScore(meta, false, `${tool}: ${errors.slice(0, 3).join('; ')}`, { errors });
        }
        return binaryScore(meta, true);
      }
      const parsed = parseJsonOutput(output);
      if (!parsed.ok) return binaryScore(meta, false, `not valid JSON (${parsed.error})`);
      const errors = validate(parsed.value);
      return errors ? binaryScore(meta, false, errors.slice(0, 3).join('; '), { errors }) : binaryScore(meta, true);
    },
  };
}

export const isJsonScorer = defineScorer({
  type: 'is-json',
  schema: isJsonSchema,
  doc: {
    kind: 'binary',
    checks: 'parses as JSON (a surrounding Markdown fence is allowed)',
    options: "`of: tool_arguments` checks every tool call's arguments instead",
  },
  create: createIsJson,
});

export const containsJsonScorer = defineScorer({
  type: 'contains-json',
  schema: containsJsonSchema,
  doc: { kind: 'binary', checks: 'a JSON object or array appears somewhere in the output' },
  create: createContainsJson,
});

export const jsonSchemaScorer = defineScorer({
  type: 'json-schema',
  schema: jsonSchemaSchema,
  doc: {
    kind: 'binary',
    checks: 'valid against `schema` (inline or a file; ajv, draft 2020-12)',
    options: '`of: tool_arguments`',
  },
  create: createJsonSchema,
});
