/**
 * The tools, tool choice and response format each case is sent with: the suite's (inline, or a
 * .json/.yaml file of tools), replaced field by field by the case's own. Every problem is exit 2
 * naming the file, line and field, raised while the suite is prepared, before any call.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { DatasetError, locate } from '../errors.js';
import { parseYamlSource } from '../util/yaml-source.js';
import type { SuiteRequestOptionsConfig } from './suite-inputs-schema.js';
import {
  loadSchemaChecker,
  parseRequestOptions,
  parseTools,
  type SchemaChecker,
} from '../conversation/request-options.js';
import type { RequestOptions } from '../conversation/types.js';
import type { Case } from './case.js';

/** Loads ajv only when the suite or one of its cases has options. */
/** `casesHaveOptions`: some case carries its own tools, tool choice or response format. */
export async function schemaCheckerFor(
  suite: SuiteRequestOptionsConfig,
  casesHaveOptions: boolean,
): Promise<SchemaChecker | undefined> {
  const needed =
    suite.tools !== undefined ||
    suite.tool_choice !== undefined ||
    suite.response_format !== undefined ||
    casesHaveOptions;
  return needed ? loadSchemaChecker() : undefined;
}

export async function suiteRequestOptions(
  suite: SuiteRequestOptionsConfig,
  rootDir: string,
  where: string,
  check: SchemaChecker | undefined,
): Promise<RequestOptions> {
  if (!check) return {};
  const configFail = (field: string, message: string): never => {
    throw new DatasetError(`${where}.${field}: ${message}`);
  };
  let tools: RequestOptions['tools'];
  if (typeof suite.tools === 'string') {
    const file = path.resolve(rootDir, suite.tools);
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch {
      throw new DatasetError(`${suite.tools}: tools file not found (named in ${where}.tools)`);
    }
    const parsed = parseYamlSource(suite.tools, text);
    if (!('value' in parsed)) throw new DatasetError(locate(suite.tools, parsed.line, undefined, parsed.message));
    const toolsFile = suite.tools;
    tools = parseTools(
      parsed.value,
      '',
      (field, message) => {
        const index = Number(/^\[(\d+)\]/.exec(field)?.[1] ?? 0);
        throw new DatasetError(locate(toolsFile, parsed.lineOf([index]), field || undefined, message));
      },
      check,
    );
  }
  const inline: Record<string, unknown> = {
    ...(Array.isArray(suite.tools) ? { tools: suite.tools } : {}),
    ...(suite.tool_choice !== undefined ? { tool_choice: suite.tool_choice } : {}),
    ...(suite.response_format !== undefined ? { response_format: suite.response_format } : {}),
  };
  return parseRequestOptions(inline, '', configFail, check, tools ? { tools } : {});
}

export function caseRequestOptions(
  c: Case,
  suiteOptions: RequestOptions,
  check: SchemaChecker | undefined,
): RequestOptions {
  if (!c.requestOptions || !check) return suiteOptions;
  return parseRequestOptions(
    c.requestOptions,
    '',
    (field, message) => {
      throw new DatasetError(locate(c.file, c.line, field, message));
    },
    check,
    suiteOptions,
  );
}
