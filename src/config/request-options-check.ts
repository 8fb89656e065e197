/**
 * A suite's inline `tools`, `tool_choice` and `response_format` checked when the config loads, so
 * an invalid JSON Schema in a tool is exit 2 with file, line and field before anything runs.
 * Tools given as a file are checked when the suite is prepared (datasets/request-options.ts).
 */
import { loadSchemaChecker, parseRequestOptions } from '../conversation/request-options.js';
import type { ConfigPath } from '../util/format-issue.js';
import type { DriftgateConfig } from './schema.js';

/** `tools[1].function.parameters` → ['tools', 1, 'function', 'parameters']. */
export function fieldPath(field: string): ConfigPath {
  const out: (string | number)[] = [];
  for (const token of field.match(/[^.[\]]+|\[\d+\]/g) ?? [])
    out.push(token.startsWith('[') ? Number(token.slice(1, -1)) : token);
  return out;
}

class OptionProblem extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
  }
}

export function suiteHasInlineOptions(suite: DriftgateConfig['suites'][number]): boolean {
  return Array.isArray(suite.tools) || suite.tool_choice !== undefined || suite.response_format !== undefined;
}

export async function checkRequestOptions(config: DriftgateConfig): Promise<{ at: ConfigPath; message: string }[]> {
  const check = await loadSchemaChecker();
  const problems: { at: ConfigPath; message: string }[] = [];
  config.suites.forEach((suite, i) => {
    if (!suiteHasInlineOptions(suite)) return;
    // A tools file is read later; here its choice is checked against no tools only when inline.
    const source: Record<string, unknown> = {
      ...(Array.isArray(suite.tools) ? { tools: suite.tools } : {}),
      ...(typeof suite.tools === 'string' ? {} : { tool_choice: suite.tool_choice }),
      response_format: suite.response_format,
    };
    try {
      parseRequestOptions(
        source,
        '',
        (field, message) => {
          throw new OptionProblem(field, message);
        },
        check,
      );
    } catch (err) {
      if (!(err instanceof OptionProblem)) throw err;
      problems.push({ at: ['suites', i, ...fieldPath(err.field)], message: err.message });
    }
  });
  return problems;
}
