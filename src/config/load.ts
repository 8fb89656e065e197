/**
 * Reads and validates driftgate.yaml. Every problem is reported with file, line and field, e.g.
 * `driftgate.yaml:14: suites[0].scorers[2].pass: expected a number, got "high"`, and all problems
 * are listed at once so a user fixes them in one pass.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { ConfigError } from '../errors.js';
import { canonicalHash } from '../util/hash.js';
import { configSchema, type DriftgateConfig } from './schema.js';
import { describeIssue, formatPath, type ConfigPath } from '../util/format-issue.js';
import { parseYamlSource, type YamlSource } from '../util/yaml-source.js';

export interface LoadedConfig {
  /** Absolute path of the config file. */
  readonly file: string;
  /** Directory relative paths in the config are resolved against; `.driftgate/` lives here too. */
  readonly rootDir: string;
  readonly config: DriftgateConfig;
  /** Hash of the validated config (not its text): comments and formatting do not change it. */
  readonly hash: string;
}

export const DEFAULT_CONFIG_FILE = 'driftgate.yaml';

export async function loadConfig(configPath = DEFAULT_CONFIG_FILE): Promise<LoadedConfig> {
  const file = path.resolve(configPath);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new ConfigError(
      code === 'ENOENT'
        ? `${configPath}: no such file. Create one (see docs/configuration.md) or pass --config PATH.`
        : `${configPath}: cannot be read (${code ?? String(err)})`,
    );
  }
  const config = parseConfigText(configPath, text);
  // Derived metrics need mathjs, which takes a second to load: only when a suite has some.
  if (config.suites.some((s) => s.derived && Object.keys(s.derived).length > 0)) {
    const { checkDerivedMetrics } = await import('./derived-check.js');
    const problems = checkDerivedMetrics(config);
    if (problems.length > 0) throw configProblems(parseYamlSource(configPath, text) as YamlSource, problems);
  }
  // Tools and response formats need ajv: only when a suite has some inline.
  if (
    config.suites.some((s) => Array.isArray(s.tools) || s.tool_choice !== undefined || s.response_format !== undefined)
  ) {
    const { checkRequestOptions } = await import('./request-options-check.js');
    const problems = await checkRequestOptions(config);
    if (problems.length > 0) throw configProblems(parseYamlSource(configPath, text) as YamlSource, problems);
  }
  return { file, rootDir: path.dirname(file), config, hash: canonicalHash(config) };
}

/** Parses and validates config text; `displayName` is the file name used in messages. */
export function parseConfigText(displayName: string, text: string): DriftgateConfig {
  const source = parseYamlSource(displayName, text);
  if (!('value' in source)) throw new ConfigError(`${displayName}:${source.line}: ${source.message}`);
  if (source.value === null || typeof source.value !== 'object' || Array.isArray(source.value)) {
    throw new ConfigError(`${displayName}:1: expected a mapping with "version", "models" and "suites"`);
  }
  const parsed = configSchema.safeParse(source.value, { reportInput: true });
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => {
      const { path: at, message } = describeIssue(issue);
      return { at, message };
    });
    throw configProblems(source, problems);
  }
  const crossProblems = crossCheck(parsed.data);
  if (crossProblems.length > 0) throw configProblems(source, crossProblems);
  return parsed.data;
}

function configProblems(source: YamlSource, problems: { at: ConfigPath; message: string }[]): ConfigError {
  const lines = problems.slice(0, 20).map(({ at, message }) => {
    const line = source.lineOf(at);
    return `${source.file}${line ? `:${line}` : ''}: ${formatPath(at)}: ${message}`;
  });
  if (problems.length > 20) lines.push(`... and ${problems.length - 20} more problems`);
  return new ConfigError(lines.join('\n'));
}

/** Rules that relate one part of the file to another, which a per-field schema cannot express. */
function crossCheck(config: DriftgateConfig): { at: ConfigPath; message: string }[] {
  const problems: { at: ConfigPath; message: string }[] = [];
  const modelNames = Object.keys(config.models);
  for (const [name, model] of Object.entries(config.models)) {
    if (model.provider !== 'local' && !model.model) {
      problems.push({ at: ['models', name], message: `"model" is required for provider ${model.provider}` });
    }
  }
  if (config.suites.length === 0 && !config.drift)
    problems.push({ at: ['suites'], message: 'define at least one suite, or a drift section' });
  if (config.drift) {
    config.drift.targets.forEach((target, j) => {
      const model = config.models[target];
      if (!model)
        problems.push({
          at: ['drift', 'targets', j],
          message: `no model named "${target}" under models (defined: ${modelNames.join(', ') || 'none'})`,
        });
      else if (model.provider === 'local')
        problems.push({
          at: ['drift', 'targets', j],
          message: `"${target}" is the local embedder and cannot answer prompts`,
        });
    });
    if (!config.models[config.drift.embedder])
      problems.push({
        at: ['drift', 'embedder'],
        message: `no model named "${config.drift.embedder}" under models (add e.g. embedder: { provider: local })`,
      });
  }
  const seen = new Map<string, number>();
  config.suites.forEach((suite, i) => {
    const first = seen.get(suite.name);
    if (first !== undefined)
      problems.push({
        at: ['suites', i, 'name'],
        message: `duplicate suite name "${suite.name}" (also suites[${first}])`,
      });
    else seen.set(suite.name, i);
    suite.targets.forEach((target, j) => {
      const model = config.models[target];
      if (!model) {
        problems.push({
          at: ['suites', i, 'targets', j],
          message: `no model named "${target}" under models (defined: ${modelNames.join(', ') || 'none'})`,
        });
      } else if (model.provider === 'local') {
        problems.push({
          at: ['suites', i, 'targets', j],
          message: `"${target}" is the local embedder and cannot answer prompts`,
        });
      }
    });
    if (new Set(suite.targets).size !== suite.targets.length) {
      problems.push({ at: ['suites', i, 'targets'], message: 'a target is listed twice' });
    }
  });
  return problems;
}
