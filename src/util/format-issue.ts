/**
 * Turns a zod issue into the sentence a person needs: `suites[0].scorers[2].pass: expected a
 * number, got "high"`. The location (file and line) is added by the caller, which knows the YAML.
 */
import type { z } from 'zod';

export type ConfigPath = readonly (string | number)[];

/** `suites[0].scorers[2].pass` */
export function formatPath(path: ConfigPath): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else out += out === '' ? part : `.${part}`;
  }
  return out || '(top level)';
}

const article: Record<string, string> = {
  number: 'a number',
  int: 'an integer',
  string: 'a string',
  boolean: 'true or false',
  object: 'a mapping',
  array: 'a list',
  record: 'a mapping',
};

/** A short, safe rendering of the value the user wrote. */
export function describeValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  const text = JSON.stringify(value);
  return text.length > 60 ? `${text.slice(0, 57)}..."` : text;
}

function quoteAll(values: readonly unknown[]): string {
  return values.map((v) => JSON.stringify(v)).join(', ');
}

/** Returns the path the message belongs to and the message itself. */
export function describeIssue(issue: z.core.$ZodIssue): { path: ConfigPath; message: string } {
  const path = issue.path.filter((p): p is string | number => typeof p !== 'symbol');
  const input = (issue as { input?: unknown }).input;
  switch (issue.code) {
    case 'invalid_type': {
      if (input === undefined)
        return { path, message: `is required (expected ${article[issue.expected] ?? issue.expected})` };
      return { path, message: `expected ${article[issue.expected] ?? issue.expected}, got ${describeValue(input)}` };
    }
    case 'invalid_value':
      return {
        path,
        message:
          issue.values.length === 1
            ? `expected ${JSON.stringify(issue.values[0])}, got ${describeValue(input)}`
            : `expected one of ${quoteAll(issue.values)}, got ${describeValue(input)}`,
      };
    case 'unrecognized_keys': {
      const key = issue.keys[0] ?? '';
      const secret = /api[_-]?key|secret|token|password/i.test(key);
      const message = secret
        ? `"${key}" is not allowed: secrets are read from the environment only (OPENAI_API_KEY, ANTHROPIC_API_KEY, or the variable named by api_key_env), never from driftgate.yaml`
        : `unknown field "${key}"`;
      return { path: [...path, key], message };
    }
    case 'invalid_union': {
      const { options, discriminator } = issue as { options?: unknown[]; discriminator?: string };
      // For a discriminator, zod reports the whole object; the user wrote the discriminator's value.
      const got =
        discriminator && input && typeof input === 'object' ? (input as Record<string, unknown>)[discriminator] : input;
      if (options) return { path, message: `expected one of ${quoteAll(options)}, got ${describeValue(got)}` };
      // A value of the right kind for one form (a mapping, where text or a mapping is allowed): that form's problem.
      const fitting = issue.errors.find(
        (branch) => branch.length > 0 && !branch.every((i) => i.code === 'invalid_type' && i.path.length === 0),
      );
      const first = fitting?.[0];
      if (first) {
        const inner = describeIssue({ ...first, path: [...issue.path, ...first.path] });
        // The discriminator's issue carries no input of its own: the user's value is at its key.
        if (first.code === 'invalid_union' && !('input' in first) && input && typeof input === 'object') {
          const { discriminator, options: accepted } = first as { discriminator?: string; options?: unknown[] };
          if (discriminator && accepted)
            return {
              path: inner.path,
              message: `expected one of ${quoteAll(accepted)}, got ${describeValue((input as Record<string, unknown>)[discriminator])}`,
            };
        }
        return inner;
      }
      if (input === undefined) return { path, message: 'is required' };
      return { path, message: `${describeValue(input)} matches none of the accepted forms` };
    }
    case 'too_small':
    case 'too_big': {
      const bound = issue.code === 'too_small' ? issue.minimum : issue.maximum;
      const word =
        issue.code === 'too_small'
          ? issue.inclusive
            ? 'at least'
            : 'more than'
          : issue.inclusive
            ? 'at most'
            : 'less than';
      const unit = issue.origin === 'array' ? ' items' : issue.origin === 'string' ? ' characters' : '';
      const got = issue.origin === 'array' || issue.origin === 'string' ? '' : `, got ${describeValue(input)}`;
      return { path, message: `expected ${word} ${String(bound)}${unit}${got}` };
    }
    case 'invalid_format':
    case 'not_multiple_of':
    case 'custom':
    default:
      return {
        path,
        message: `${issue.message.replace(/^Invalid input: /, '')}${input !== undefined && issue.code !== 'custom' ? ` (got ${describeValue(input)})` : ''}`,
      };
  }
}
