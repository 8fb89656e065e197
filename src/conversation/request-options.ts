/**
 * Reads `tools`, `tool_choice` and `response_format` (per suite in driftgate.yaml, per case in a
 * dataset) into the neutral model. OpenAI's and Anthropic's spellings are both accepted. A tool's
 * `parameters` must be a valid JSON Schema: a provider would reject it on the first call, after the
 * run has started paying, so it is checked here, before any call.
 */
import type { Fail } from './parse.js';
import type { RequestOptions, ResponseFormat, ToolChoice, ToolDefinition } from './types.js';

/** Returns why `schema` is not a valid JSON Schema, or undefined when it is. */
export type SchemaChecker = (schema: unknown) => string | undefined;

/**
 * ajv is loaded only when a suite or case has tools or a JSON Schema response format. Verdicts are
 * remembered by the schema's text: every case and every log line of an app repeats the same few
 * tool definitions, and compiling a schema costs far more than reading it.
 */
export async function loadSchemaChecker(): Promise<SchemaChecker> {
  const { Ajv2020 } = await import('ajv/dist/2020.js');
  const ajv = new Ajv2020({ strict: false, allErrors: false, validateSchema: true, addUsedSchema: false });
  const verdicts = new Map<string, string | undefined>();
  const check = (schema: object): string | undefined => {
    if (!ajv.validateSchema(schema)) return ajv.errorsText(ajv.errors, { dataVar: 'schema' });
    try {
      ajv.compile(schema);
    } catch (err) {
      return (err as Error).message;
    }
    return undefined;
  };
  return (schema) => {
    if (schema === null || typeof schema !== 'object' || Array.isArray(schema)) return 'expected a JSON Schema object';
    const key = JSON.stringify(schema);
    if (!verdicts.has(key)) verdicts.set(key, check(schema));
    return verdicts.get(key);
  };
}

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);
const TOOL_NAME = /^[A-Za-z0-9_-]{1,64}$/;

export function parseTools(raw: unknown, field: string, fail: Fail, check: SchemaChecker): ToolDefinition[] {
  if (!Array.isArray(raw)) return fail(field, 'expected a list of tools, each {name, description, parameters}');
  const seen = new Set<string>();
  return raw.map((t, i) => {
    const f = `${field}[${i}]`;
    if (!isObject(t)) return fail(f, 'expected {name, description, parameters}');
    // OpenAI: {type: function, function: {...}}; Anthropic: {name, description, input_schema}.
    const fn = t.type === 'function' && isObject(t.function) ? t.function : t;
    const at = fn === t ? f : `${f}.function`;
    if (typeof fn.name !== 'string' || !TOOL_NAME.test(fn.name))
      return fail(`${at}.name`, 'expected a name of 1-64 letters, digits, "_" or "-" (both providers require it)');
    if (seen.has(fn.name)) return fail(`${at}.name`, `tool "${fn.name}" is defined twice`);
    seen.add(fn.name);
    if (fn.description !== undefined && typeof fn.description !== 'string')
      return fail(`${at}.description`, 'expected a string');
    const key =
      fn.parameters !== undefined ? 'parameters' : fn.input_schema !== undefined ? 'input_schema' : 'parameters';
    const parameters = fn[key] ?? { type: 'object', properties: {} };
    const problem = check(parameters);
    if (problem) return fail(`${at}.${key}`, `not a valid JSON Schema: ${problem}`);
    if (
      (parameters as Record<string, unknown>).type !== undefined &&
      (parameters as Record<string, unknown>).type !== 'object'
    ) {
      return fail(`${at}.${key}.type`, 'expected "object": tool arguments are a JSON object for both providers');
    }
    return {
      name: fn.name,
      ...(typeof fn.description === 'string' ? { description: fn.description } : {}),
      parameters: parameters as Record<string, unknown>,
    };
  });
}

export function parseToolChoice(
  raw: unknown,
  field: string,
  fail: Fail,
  tools: readonly ToolDefinition[] | undefined,
): ToolChoice {
  let choice: ToolChoice | undefined;
  if (raw === 'auto' || raw === 'none' || raw === 'required') choice = raw;
  else if (raw === 'any')
    choice = 'required'; // Anthropic's word for it
  else if (typeof raw === 'string') choice = { name: raw };
  else if (isObject(raw)) {
    const name = isObject(raw.function) ? raw.function.name : raw.name;
    if (raw.type === 'auto' || raw.type === 'none') choice = raw.type;
    else if (raw.type === 'any') choice = 'required';
    else if (typeof name === 'string') choice = { name };
  }
  if (choice === undefined) return fail(field, 'expected auto, none, required, or {name: <tool>}');
  if (typeof choice === 'object' && !tools?.some((t) => t.name === choice.name)) {
    return fail(
      field,
      `names tool "${choice.name}", which is not among the tools (${tools?.map((t) => t.name).join(', ') || 'none defined'})`,
    );
  }
  if (choice !== 'auto' && choice !== 'none' && !tools?.length) return fail(field, 'needs tools to choose from');
  return choice;
}

export function parseResponseFormat(raw: unknown, field: string, fail: Fail, check: SchemaChecker): ResponseFormat {
  if (raw === 'text' || raw === 'json_object') return { type: raw };
  if (raw === 'json') return { type: 'json_object' };
  if (!isObject(raw)) return fail(field, 'expected text, json_object, or {type: json_schema, name, schema}');
  if (raw.type === 'text' || raw.type === 'json_object') return { type: raw.type };
  if (raw.type !== 'json_schema') return fail(`${field}.type`, 'expected text, json_object or json_schema');
  // OpenAI nests name, schema and strict under json_schema.
  const inner = isObject(raw.json_schema) ? raw.json_schema : raw;
  const at = inner === raw ? field : `${field}.json_schema`;
  const name = inner.name ?? 'response';
  if (typeof name !== 'string' || !TOOL_NAME.test(name))
    return fail(`${at}.name`, 'expected a name of 1-64 letters, digits, "_" or "-"');
  const problem = check(inner.schema);
  if (problem) return fail(`${at}.schema`, `not a valid JSON Schema: ${problem}`);
  if (inner.strict !== undefined && typeof inner.strict !== 'boolean')
    return fail(`${at}.strict`, 'expected true or false');
  return {
    type: 'json_schema',
    name,
    schema: inner.schema as Record<string, unknown>,
    ...(typeof inner.strict === 'boolean' ? { strict: inner.strict } : {}),
  };
}

/** Reads the three options from an object holding them (a suite's config, a case's record). */
export function parseRequestOptions(
  source: Record<string, unknown>,
  prefix: string,
  fail: Fail,
  check: SchemaChecker,
  inherited: RequestOptions = {},
): RequestOptions {
  const at = (key: string): string => (prefix ? `${prefix}.${key}` : key);
  const tools =
    source.tools !== undefined && source.tools !== null
      ? parseTools(source.tools, at('tools'), fail, check)
      : inherited.tools;
  const toolChoice =
    source.tool_choice !== undefined && source.tool_choice !== null
      ? parseToolChoice(source.tool_choice, at('tool_choice'), fail, tools)
      : inherited.toolChoice;
  const responseFormat =
    source.response_format !== undefined && source.response_format !== null
      ? parseResponseFormat(source.response_format, at('response_format'), fail, check)
      : inherited.responseFormat;
  return {
    ...(tools ? { tools } : {}),
    ...(toolChoice ? { toolChoice } : {}),
    ...(responseFormat ? { responseFormat } : {}),
  };
}

/** True when the options need the schema checker (so ajv is loaded only then). */
export function mentionsOptions(source: Record<string, unknown>): boolean {
  return source.tools !== undefined || source.response_format !== undefined || source.tool_choice !== undefined;
}
