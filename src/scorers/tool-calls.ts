/**
 * Scorers for apps that call tools. They read the calls the model made (`record.toolCalls`, with
 * arguments parsed; arguments that are not JSON fail with a reason, never a crash).
 * - `tool-call` (binary): every expected call was made, with matching arguments, in any order.
 *   Expected calls come from `tool` + `arguments`, or `calls: [...]`, or else the case's
 *   `expected` (`{tool_calls: [{tool, arguments}]}` or one `{tool, arguments}`). An optional
 *   `schema` (JSON Schema) must also validate the matched call's arguments.
 * - `tool-calls-f1` (continuous): set F1 of expected vs actual calls (1 when both are empty).
 * - `no-tool-call` (binary): the model answered without calling a tool.
 * - `tool-args-valid` (binary): every call names a tool the request offered and its arguments
 *   satisfy that tool's own `parameters` schema (promptfoo's `is-valid-openai-tools-call`);
 *   `require_call: true` also fails an answer that called nothing.
 */
import { z } from 'zod';
import type { Case } from '../datasets/case.js';
import type { RecordedToolCall } from '../conversation/types.js';
import { loadValidators, toolCallProblem } from '../conversation/tool-arguments.js';
import { compileSchemaOption } from './schema-option.js';
import { renderForCase } from './case-template.js';
import { binaryScore, continuousScore } from './score.js';
import { defineScorer, scorerMeta } from './definition.js';
import { matchCalls, missReason, type ArgumentMatch, type ExpectedCall } from './tool-match.js';
import { ScoringError, type Scorer, type ScorerBuildContext } from './types.js';

const name = z.string().min(1).optional();
const expectedCallSchema = z.strictObject({
  tool: z.string().min(1).describe('Tool name; may use {{var}}'),
  arguments: z
    .record(z.string(), z.unknown())
    .optional()
    .describe('Expected arguments; values may use {{var}} or {regex: "..."}'),
});
const matchField = z
  .enum(['subset', 'exact'])
  .default('subset')
  .describe('subset: the expected arguments are present and equal; exact: and no others');

export const toolCallSchema = z.strictObject({
  type: z.literal('tool-call'),
  name,
  tool: z.string().min(1).optional().describe("The tool that must be called (omit to read the case's `expected`)"),
  arguments: z.record(z.string(), z.unknown()).optional(),
  calls: z
    .array(expectedCallSchema)
    .min(1)
    .optional()
    .describe('Several calls that must all be made (parallel calls, any order)'),
  match: matchField,
  schema: z
    .union([z.record(z.string(), z.unknown()), z.string().min(1)])
    .optional()
    .describe("A JSON Schema the called tool's arguments must satisfy (inline or a .json path)"),
});
export const toolCallsF1Schema = z.strictObject({
  type: z.literal('tool-calls-f1'),
  name,
  calls: z.array(expectedCallSchema).min(1).optional().describe("Expected calls (omit to read the case's `expected`)"),
  match: matchField,
  arguments: z
    .boolean()
    .default(true)
    .describe('Count a call as right only when its arguments match too (false: by name)'),
});
export const noToolCallSchema = z.strictObject({ type: z.literal('no-tool-call'), name });
export const toolArgsValidSchema = z.strictObject({
  type: z.literal('tool-args-valid'),
  name,
  require_call: z
    .boolean()
    .default(false)
    .describe('Fail an answer that called no tool (default: nothing called, nothing invalid)'),
});

function renderValue(value: unknown, c: Case): unknown {
  if (typeof value === 'string') return renderForCase(value, c);
  if (Array.isArray(value)) return value.map((v) => renderValue(v, c));
  if (value !== null && typeof value === 'object')
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, renderValue(v, c)]));
  return value;
}

/** Expected calls from a case's `expected`: `{tool_calls: [...]}`, a list, or one call; `name` is accepted for `tool`. */
export function expectedFromCase(c: Case): ExpectedCall[] {
  const e = c.expected as unknown;
  const list = Array.isArray(e)
    ? e
    : e && typeof e === 'object' && Array.isArray((e as { tool_calls?: unknown }).tool_calls)
      ? (e as { tool_calls: unknown[] }).tool_calls
      : e && typeof e === 'object'
        ? [e]
        : undefined;
  if (!list)
    throw new ScoringError(
      `case "${c.id}" has no expected tool calls (set \`expected: {tool_calls: [{tool, arguments}]}\`, or \`tool\` on the scorer)`,
    );
  return list.map((item, i) => {
    const call = item as { tool?: unknown; name?: unknown; arguments?: unknown };
    const tool = call.tool ?? call.name;
    if (typeof tool !== 'string') throw new ScoringError(`case "${c.id}": expected.tool_calls[${i}] names no tool`);
    return {
      tool,
      ...(call.arguments && typeof call.arguments === 'object'
        ? { arguments: call.arguments as Record<string, unknown> }
        : {}),
    };
  });
}

function expectedCalls(
  config: { tool?: string; arguments?: Record<string, unknown>; calls?: readonly ExpectedCall[] },
  c: Case,
): ExpectedCall[] {
  const raw: readonly ExpectedCall[] =
    config.calls ??
    (config.tool
      ? [{ tool: config.tool, ...(config.arguments ? { arguments: config.arguments } : {}) }]
      : expectedFromCase(c));
  return raw.map((call) => renderValue(call, c) as ExpectedCall);
}

const callsOf = (record: { toolCalls?: readonly RecordedToolCall[] }): readonly RecordedToolCall[] =>
  record.toolCalls ?? [];

export async function createToolCall(config: z.infer<typeof toolCallSchema>, ctx: ScorerBuildContext): Promise<Scorer> {
  const checker = config.schema !== undefined ? await compileSchemaOption(config.schema, ctx) : undefined;
  const meta = scorerMeta(ctx, config, {
    kind: 'binary',
    idOf: { ...config, ...(checker ? { schema: checker.schema } : {}) },
  });
  const mode: ArgumentMatch = config.match;
  return {
    ...meta,
    score({ case: c, record }) {
      const expected = expectedCalls(config, c);
      const actual = callsOf(record);
      const assigned = matchCalls(expected, actual, mode);
      const missing = assigned.findIndex((a) => a < 0);
      if (missing >= 0)
        return binaryScore(meta, false, missReason(expected[missing] as ExpectedCall, actual, mode), {
          called: actual.map((a) => a.name),
        });
      if (checker) {
        for (const a of assigned) {
          const call = actual[a] as RecordedToolCall;
          const errors = checker.validate(call.arguments);
          if (errors)
            return binaryScore(meta, false, `${call.name}: arguments ${errors.slice(0, 3).join('; ')}`, { errors });
        }
      }
      return binaryScore(meta, true);
    },
  };
}

export function createToolCallsF1(config: z.infer<typeof toolCallsF1Schema>, ctx: ScorerBuildContext): Scorer {
  const meta = scorerMeta(ctx, config, { kind: 'continuous' });
  return {
    ...meta,
    score({ case: c, record }) {
      const expected = expectedCalls(config.calls ? { calls: config.calls } : {}, c).map((e) =>
        config.arguments ? e : { tool: e.tool },
      );
      const actual = callsOf(record);
      if (expected.length === 0 && actual.length === 0) return continuousScore(meta, 1, undefined);
      const hits = matchCalls(expected, actual, config.match).filter((a) => a >= 0).length;
      const f1 = (2 * hits) / (expected.length + actual.length);
      const reason =
        f1 < 1
          ? `${hits} of ${expected.length} expected calls made; ${actual.length - hits} of ${actual.length} calls unexpected`
          : undefined;
      return continuousScore(meta, f1, undefined, reason, {
        precision: actual.length ? hits / actual.length : 1,
        recall: expected.length ? hits / expected.length : 1,
      });
    },
  };
}

export function createNoToolCall(config: z.infer<typeof noToolCallSchema>, ctx: ScorerBuildContext): Scorer {
  const meta = scorerMeta(ctx, config, { kind: 'binary' });
  return {
    ...meta,
    score({ record }) {
      const calls = callsOf(record);
      return binaryScore(
        meta,
        calls.length === 0,
        calls.length ? `called ${calls.map((a) => a.name).join(', ')}` : undefined,
      );
    },
  };
}

export async function createToolArgsValid(
  config: z.infer<typeof toolArgsValidSchema>,
  ctx: ScorerBuildContext,
): Promise<Scorer> {
  const meta = scorerMeta(ctx, config, { kind: 'binary' });
  const validatorOf = await loadValidators();
  return {
    ...meta,
    score({ record, tools }) {
      const calls = callsOf(record);
      if (calls.length === 0)
        return binaryScore(meta, !config.require_call, config.require_call ? 'no tool call' : undefined);
      if (!tools?.length)
        throw new ScoringError(
          'the request offered no tools to check the calls against (set `tools` on the suite or the case)',
        );
      for (const call of calls) {
        const problem = toolCallProblem(call, tools, validatorOf);
        if (problem) return binaryScore(meta, false, problem);
      }
      return binaryScore(meta, true);
    },
  };
}

export const toolCallScorer = defineScorer({
  type: 'tool-call',
  schema: toolCallSchema,
  doc: {
    kind: 'binary',
    checks: 'every expected tool call was made (any order), arguments matching',
    options: "`tool` + `arguments`, or `calls: [...]`, else the case's `expected`; `match: subset \\| exact`; `schema`",
  },
  create: createToolCall,
});

export const toolCallsF1Scorer = defineScorer({
  type: 'tool-calls-f1',
  schema: toolCallsF1Schema,
  doc: {
    kind: 'continuous',
    checks: 'set F1 of expected vs actual calls (1 when neither has any)',
    options: "`calls` (else the case's `expected`), `match`, `arguments` (false: by name)",
  },
  create: createToolCallsF1,
});

export const noToolCallScorer = defineScorer({
  type: 'no-tool-call',
  schema: noToolCallSchema,
  doc: { kind: 'binary', checks: 'the model answered without calling a tool' },
  create: createNoToolCall,
});

export const toolArgsValidScorer = defineScorer({
  type: 'tool-args-valid',
  schema: toolArgsValidSchema,
  doc: {
    kind: 'binary',
    checks: "every call names a tool the request offered, with arguments valid against that tool's own `parameters`",
    options: '`require_call` (default false: no call, nothing invalid)',
  },
  create: createToolArgsValid,
});
