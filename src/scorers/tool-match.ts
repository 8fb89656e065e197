/**
 * Matching the tool calls a model made against the ones a case expects (pure functions).
 * An expected call names a tool and, optionally, arguments: `subset` (default) needs every expected
 * argument present and equal, `exact` also forbids extra ones. An expected value may be a
 * `{{var}}` template (filled from the case before matching) or `{regex: "..."}` (RE2, linear
 * time). Parallel calls are matched order-free: the largest one-to-one matching is found.
 */
import { RE2JS } from 're2js';
import type { RecordedToolCall } from '../conversation/types.js';

export interface ExpectedCall {
  readonly tool: string;
  readonly arguments?: Readonly<Record<string, unknown>>;
}

export type ArgumentMatch = 'subset' | 'exact';

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);
const isRegex = (v: unknown): v is { regex: string } =>
  isObject(v) && Object.keys(v).length === 1 && typeof v.regex === 'string';

/** Why `actual` does not match `expected` (a path and the two values), or undefined when it does. */
export function valueMismatch(expected: unknown, actual: unknown, mode: ArgumentMatch, at: string): string | undefined {
  if (isRegex(expected)) {
    if (typeof actual !== 'string')
      return `${at} is ${JSON.stringify(actual)}, expected a string matching /${expected.regex}/`;
    return RE2JS.compile(expected.regex).matcher(actual).find()
      ? undefined
      : `${at} is ${JSON.stringify(actual)}, expected /${expected.regex}/`;
  }
  if (isObject(expected)) {
    if (!isObject(actual)) return `${at} is ${JSON.stringify(actual)}, expected an object`;
    for (const [key, value] of Object.entries(expected)) {
      if (!(key in actual)) return `${at ? `${at}.` : ''}${key} is missing`;
      const inner = valueMismatch(value, actual[key], mode, at ? `${at}.${key}` : key);
      if (inner) return inner;
    }
    if (mode === 'exact') {
      const extra = Object.keys(actual).filter((k) => !(k in expected));
      if (extra.length > 0) return `unexpected ${extra.map((k) => (at ? `${at}.${k}` : k)).join(', ')}`;
    }
    return undefined;
  }
  if (Array.isArray(expected)) {
    if (!Array.isArray(actual) || actual.length !== expected.length)
      return `${at} is ${JSON.stringify(actual)}, expected ${JSON.stringify(expected)}`;
    for (let i = 0; i < expected.length; i++) {
      const inner = valueMismatch(expected[i], actual[i], mode, `${at}[${i}]`);
      if (inner) return inner;
    }
    return undefined;
  }
  return Object.is(expected, actual) || expected === actual
    ? undefined
    : `${at || 'arguments'} is ${JSON.stringify(actual)}, expected ${JSON.stringify(expected)}`;
}

/** Why one actual call does not satisfy one expected call, or undefined when it does. */
export function callMismatch(
  expected: ExpectedCall,
  actual: RecordedToolCall,
  mode: ArgumentMatch,
): string | undefined {
  if (actual.name !== expected.tool) return `called ${actual.name}, expected ${expected.tool}`;
  if (actual.rawArguments !== undefined)
    return `${actual.name}: arguments are not JSON (${JSON.stringify(actual.rawArguments.slice(0, 80))})`;
  if (!expected.arguments) return undefined;
  const why = valueMismatch(expected.arguments, actual.arguments, mode, '');
  return why ? `${actual.name}: ${why}` : undefined;
}

/**
 * The largest one-to-one matching of expected to actual calls (Kuhn's augmenting paths; call lists
 * are short). Returns, per expected call, the index of its actual call or -1.
 */
export function matchCalls(
  expected: readonly ExpectedCall[],
  actual: readonly RecordedToolCall[],
  mode: ArgumentMatch,
): number[] {
  const fits = expected.map((e) => actual.map((a) => callMismatch(e, a, mode) === undefined));
  const owner = new Array<number>(actual.length).fill(-1);
  const tryAssign = (e: number, seen: boolean[]): boolean => {
    for (let a = 0; a < actual.length; a++) {
      if (!fits[e]?.[a] || seen[a]) continue;
      seen[a] = true;
      if (owner[a] === -1 || tryAssign(owner[a] as number, seen)) {
        owner[a] = e;
        return true;
      }
    }
    return false;
  };
  for (let e = 0; e < expected.length; e++) tryAssign(e, new Array<boolean>(actual.length).fill(false));
  const assigned = new Array<number>(expected.length).fill(-1);
  owner.forEach((e, a) => {
    if (e >= 0) assigned[e] = a;
  });
  return assigned;
}

/** The closest reason an expected call found no match: a same-name call's mismatch, else what was called. */
export function missReason(expected: ExpectedCall, actual: readonly RecordedToolCall[], mode: ArgumentMatch): string {
  const sameName = actual.filter((a) => a.name === expected.tool);
  if (sameName.length > 0)
    return (
      callMismatch(expected, sameName[0] as RecordedToolCall, mode) ?? `${expected.tool} matched another expected call`
    );
  return actual.length === 0
    ? `no tool call (expected ${expected.tool})`
    : `no call to ${expected.tool} (called ${[...new Set(actual.map((a) => a.name))].join(', ')})`;
}
