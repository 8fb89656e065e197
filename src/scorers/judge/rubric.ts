/**
 * Rubric files (`rubrics/*.md`): YAML front matter, then the rubric text.
 *
 *   ---
 *   name: helpfulness
 *   scale: [1, 5]          # integer scores from min to max
 *   pass: 4                # a verdict ≥ pass passes
 *   criteria: [ ... ]      # what the judge must check
 *   examples:              # optional worked examples
 *     - { input: ..., output: ..., score: 5, reasoning: ... }
 *   ---
 *   What each score means...
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { ConfigError } from '../../errors.js';
import { parseYamlSource } from '../../util/yaml-source.js';
import { describeIssue, formatPath } from '../../util/format-issue.js';

const exampleSchema = z.strictObject({
  input: z.string(),
  output: z.string(),
  reference: z.string().optional(),
  score: z.int(),
  reasoning: z.string(),
});

export const rubricSchema = z
  .strictObject({
    name: z.string().min(1),
    scale: z
      .tuple([z.int(), z.int()])
      .refine(([lo, hi]) => hi > lo && hi - lo <= 100, { message: 'expected [min, max] with max > min' }),
    pass: z.number(),
    criteria: z.union([z.array(z.string().min(1)).min(1), z.string().min(1)]),
    examples: z.array(exampleSchema).default([]),
  })
  .refine((r) => r.pass >= r.scale[0] && r.pass <= r.scale[1], {
    message: '"pass" must lie within the scale',
    path: ['pass'],
  })
  .refine((r) => r.examples.every((e) => e.score >= r.scale[0] && e.score <= r.scale[1]), {
    message: 'an example score lies outside the scale',
    path: ['examples'],
  });

export interface Rubric extends z.infer<typeof rubricSchema> {
  readonly file: string;
  readonly body: string;
  /** The file's text: part of the judge scorer's id, so editing a rubric invalidates old scores. */
  readonly source: string;
}

export function loadRubric(rootDir: string, file: string, where: string): Rubric {
  let text: string;
  try {
    text = readFileSync(path.resolve(rootDir, file), 'utf8');
  } catch {
    throw new ConfigError(`${where}.rubric: ${file} not found`);
  }
  const m = /^---\r?\n([\s\S]*?)\r?\n---\r?\n?([\s\S]*)$/.exec(text);
  if (!m)
    throw new ConfigError(`${file}:1: expected YAML front matter between --- lines (name, scale, pass, criteria)`);
  const source = parseYamlSource(file, m[1] as string);
  if (!('value' in source)) throw new ConfigError(`${file}:${source.line + 1}: ${source.message}`);
  const parsed = rubricSchema.safeParse(source.value, { reportInput: true });
  if (!parsed.success) {
    const lines = parsed.error.issues.map((issue) => {
      const { path: at, message } = describeIssue(issue);
      const line = source.lineOf(at);
      return `${file}${line ? `:${line + 1}` : ''}: ${formatPath(at)}: ${message}`;
    });
    throw new ConfigError(lines.join('\n'));
  }
  return { ...parsed.data, file, body: (m[2] as string).trim(), source: text };
}
