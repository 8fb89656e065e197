/** Flag values checked once, with messages that name the flag. */
import { UsageError } from '../errors.js';

export function positiveInt(flag: string, value: unknown): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1)
    throw new UsageError(`${flag}: expected a whole number of at least 1, got "${String(value)}"`);
  return n;
}

export function nonNegativeNumber(flag: string, value: unknown): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(String(value).replace(/^\$/, ''));
  if (!Number.isFinite(n) || n < 0)
    throw new UsageError(`${flag}: expected a non-negative number, got "${String(value)}"`);
  return n;
}

export function countOrPercent(flag: string, value: unknown): number | string | undefined {
  if (value === undefined) return undefined;
  const text = String(value);
  if (/^\d+$/.test(text)) return Number(text);
  if (/^\d+(\.\d+)?%$/.test(text)) return text;
  throw new UsageError(`${flag}: expected a count such as 3 or a percentage such as 5%, got "${text}"`);
}

/** `a, b or c`, for messages that list the accepted values. */
export function orList(values: readonly string[]): string {
  return values.length <= 1 ? values.join('') : `${values.slice(0, -1).join(', ')} or ${values[values.length - 1]}`;
}
