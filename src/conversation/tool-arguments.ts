/**
 * Checking values against JSON Schemas, for everything that judges tool arguments or JSON output
 * (the json-schema scorer, the tool scorers, the drift job's argument validity): one ajv setup,
 * one way of saying what is wrong, one rule for a call against the tools a request offered.
 */
import type { RecordedToolCall, ToolDefinition } from './types.js';

/** The problems of `value` against the schema (`/amount must be <= 100`), or undefined when it fits. */
export type Validate = (value: unknown) => string[] | undefined;

/** ajv 2020-12, loaded on first use; validators compiled once per schema object. */
export async function loadValidators(): Promise<(schema: object) => Validate> {
  const { Ajv2020 } = await import('ajv/dist/2020.js');
  const ajv = new Ajv2020({ allErrors: true, strict: false, addUsedSchema: false });
  const compiled = new WeakMap<object, Validate>();
  return (schema) => {
    let validate = compiled.get(schema);
    if (!validate) {
      const fn = ajv.compile(schema);
      validate = (value) =>
        fn(value)
          ? undefined
          : (fn.errors ?? []).map((e) => `${e.instancePath || '(root)'} ${e.message ?? 'is invalid'}`);
      compiled.set(schema, validate);
    }
    return validate;
  };
}

/** Why one call does not fit the tools the request offered, or undefined when it does. */
export function toolCallProblem(
  call: RecordedToolCall,
  tools: readonly ToolDefinition[],
  validatorOf: (schema: object) => Validate,
): string | undefined {
  const tool = tools.find((t) => t.name === call.name);
  if (!tool) return `called ${call.name}, which the request does not define (${tools.map((t) => t.name).join(', ')})`;
  if (call.rawArguments !== undefined)
    return `${call.name}: arguments are not JSON (${JSON.stringify(call.rawArguments.slice(0, 80))})`;
  const errors = validatorOf(tool.parameters)(call.arguments);
  return errors ? `${call.name}: arguments ${errors.slice(0, 3).join('; ')}` : undefined;
}
