import { describe, expect, it } from 'vitest';
import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { parseConfigText, loadConfig } from '../src/config/load.js';
import { configSchema } from '../src/config/schema.js';
import { ConfigError } from '../src/errors.js';
import { makeProject } from './support/project.js';

const valid = `version: 1
models:
  pinned:   { provider: openai, model: gpt-4o-2024-08-06, params: { temperature: 0 } }
  current:  { provider: openai, model: gpt-4o }
  embedder: { provider: local }
suites:
  - name: support-faq
    dataset: datasets/support.jsonl
    prompt: prompts/support.md
    targets: [current]
    gate: { alpha: 0.05, min_effect: 0.03 }
`;

function errorOf(text: string): string {
  try {
    parseConfigText('driftgate.yaml', text);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).exitCode).toBe(2);
    return (err as Error).message;
  }
  throw new Error('expected a ConfigError');
}

describe('driftgate.yaml validation', () => {
  it('accepts the spec-shaped config and fills defaults', () => {
    const config = parseConfigText('driftgate.yaml', valid);
    expect(config.suites[0]?.repeats).toBe(1);
    expect(config.runner.concurrency).toBe(8);
    expect(config.runner.max_errors).toBe(0);
  });

  it('names file, line and field for a wrong type, quoting the value', () => {
    const text = valid.replace('min_effect: 0.03', 'min_effect: "high"');
    expect(errorOf(text)).toBe('driftgate.yaml:11: suites[0].gate.min_effect: expected a number, got "high"');
  });

  it('names the line of an unknown field and refuses API keys in the file', () => {
    const typo = valid.replace('params: { temperature: 0 }', 'params: { temperature: 0 }, temprature: 0');
    expect(errorOf(typo)).toBe('driftgate.yaml:3: models.pinned.temprature: unknown field "temprature"');
    const secret = valid.replace('model: gpt-4o }', 'model: gpt-4o, api_key: sk-abc }');
    expect(errorOf(secret)).toMatch(
      /^driftgate\.yaml:4: models\.current\.api_key: "api_key" is not allowed: secrets are read from the environment only/,
    );
  });

  it('lists every problem at once', () => {
    const text = valid.replace('version: 1', 'version: 2').replace('targets: [current]', 'targets: [nightly]');
    const message = errorOf(text);
    expect(message).toContain('driftgate.yaml:1: version: expected 1, got 2');
    // cross-field checks run once the file is well-formed
    expect(errorOf(valid.replace('targets: [current]', 'targets: [nightly]'))).toBe(
      'driftgate.yaml:10: suites[0].targets[0]: no model named "nightly" under models (defined: pinned, current, embedder)',
    );
  });

  it('reports a missing required field at its parent', () => {
    expect(errorOf(valid.replace('    dataset: datasets/support.jsonl\n', ''))).toBe(
      'driftgate.yaml:7: suites[0].dataset: is required (expected a string)',
    );
  });

  it('rejects the local embedder as a target and a chat model without a model name', () => {
    expect(errorOf(valid.replace('targets: [current]', 'targets: [embedder]'))).toContain(
      '"embedder" is the local embedder and cannot answer prompts',
    );
    expect(
      errorOf(valid.replace('current:  { provider: openai, model: gpt-4o }', 'current:  { provider: anthropic }')),
    ).toBe('driftgate.yaml:4: models.current: "model" is required for provider anthropic');
  });

  it('reports YAML syntax errors with their line', () => {
    expect(errorOf('version: 1\nmodels:\n  a: [unclosed\n')).toMatch(/^driftgate\.yaml:\d+: /);
  });

  it('refuses unknown scorer types instead of ignoring them', () => {
    const text = valid.replace('    gate:', '    scorers:\n      - { type: vibes }\n    gate:');
    expect(errorOf(text)).toMatch(
      /^driftgate\.yaml:12: suites\[0\]\.scorers\[0\]\.type: expected one of "equals", "contains", .*"judge", "similarity", .*"tool-args-valid", got "vibes"$/,
    );
  });

  it('names the log source a drift.logs mapping gets wrong, inside the union of files and sources', () => {
    const drift = (logs: string) => `${valid}drift:\n  logs: ${logs}\n`;
    expect(errorOf(drift('{ source: langfusee }'))).toBe(
      'driftgate.yaml:13: drift.logs.source: expected one of "langfuse", "langsmith", "openai-stored", "sql", got "langfusee"',
    );
    expect(errorOf(drift('{ source: langsmith, project: p, trace_names: [x] }'))).toBe(
      'driftgate.yaml:13: drift.logs.trace_names: unknown field "trace_names"',
    );
    expect(errorOf(drift('{ source: langsmith }'))).toBe('driftgate.yaml:13: drift.logs.project: is required');
  });

  it('says plainly when the file does not exist', async () => {
    await expect(loadConfig('/nonexistent/driftgate.yaml')).rejects.toThrow(/no such file/);
  });

  it('hashes the meaning, not the formatting', async () => {
    const a = await makeProject({ 'driftgate.yaml': valid });
    const b = await makeProject({
      'driftgate.yaml': `# a comment\n${valid.replace('{ temperature: 0 }', '{temperature: 0}')}`,
    });
    expect((await loadConfig(`${a}/driftgate.yaml`)).hash).toBe((await loadConfig(`${b}/driftgate.yaml`)).hash);
  });
});

describe('exported JSON Schema', () => {
  it('is up to date with the zod schema (run `npm run schema` after changing it)', async () => {
    const committed = JSON.parse(await readFile(new URL('../driftgate.schema.json', import.meta.url), 'utf8'));
    const { buildJsonSchema } = await import('../scripts/write-schema.js');
    expect(committed).toEqual(buildJsonSchema());
    expect(committed.properties.suites).toBeDefined();
    expect(z.toJSONSchema).toBeTypeOf('function');
    expect(configSchema).toBeDefined();
  });
});

describe('range messages', () => {
  const base = (repeats: string) =>
    `version: 1\nmodels:\n  c: {provider: openai, model: x}\nsuites:\n  - name: s\n    dataset: d.jsonl\n    repeats: ${repeats}\n    targets: [c]\n`;
  it('says the bound and the value', () => {
    expect(() => parseConfigText('driftgate.yaml', base('0'))).toThrow(
      'driftgate.yaml:7: suites[0].repeats: expected at least 1, got 0',
    );
    expect(() => parseConfigText('driftgate.yaml', base('1.5'))).toThrow(
      'driftgate.yaml:7: suites[0].repeats: expected an integer, got 1.5',
    );
  });
});
