/**
 * Derived metrics: one number that weighs several scores, per case —
 *
 *   derived: { quality: "0.6 * judge + 0.4 * similarity" }
 *
 * evaluated with a restricted mathjs instance: arithmetic (+ − × ÷ ^, unary minus, parentheses, the
 * conditional `a > b ? x : y`), numbers, the suite's scorer names (their values in [0, 1]; a
 * pass/fail check is 1 or 0) and a short list of functions. Everything else — `import`,
 * `createUnit`, `evaluate` inside an expression, assignments, property access, matrices — is
 * refused when the config loads, as are expressions over 1,000 characters or nested deeper than 50.
 * A derived score is continuous and must land in [0, 1]; it is gated like any score.
 */
import { all, create, type FactoryFunctionMap, type MathNode } from 'mathjs';
import { errorScore, continuousScore } from './score.js';
import { scorerId } from './scorer-id.js';
import type { Scorer } from './types.js';

const math = create(all as FactoryFunctionMap);
// Kept before the instance's own functions are disabled below (mathjs's security guidance).
const parse = math.parse;
math.import(
  Object.fromEntries(
    [
      'import',
      'createUnit',
      'evaluate',
      'parse',
      'simplify',
      'derivative',
      'compile',
      'resolve',
      'reviver',
      'replacer',
      'parser',
    ].map((name) => [
      name,
      () => {
        throw new Error(`${name} is disabled in derived metrics`);
      },
    ]),
  ),
  { override: true },
);

export const DERIVED_FUNCTIONS = [
  'abs',
  'min',
  'max',
  'sqrt',
  'exp',
  'log',
  'pow',
  'round',
  'floor',
  'ceil',
  'mean',
] as const;
const FUNCTIONS = new Set<string>(DERIVED_FUNCTIONS);
const OPERATORS = new Set(['+', '-', '*', '/', '^', '>', '<', '>=', '<=', '==', '!=', 'and', 'or', 'not']);
const MAX_CHARS = 1000;
const MAX_DEPTH = 50;

function depthOf(expression: string): number {
  let depth = 0;
  let max = 0;
  for (const ch of expression) {
    if (ch === '(' || ch === '[' || ch === '{') max = Math.max(max, ++depth);
    else if (ch === ')' || ch === ']' || ch === '}') depth--;
  }
  return max;
}

/** The parsed expression, or why it is refused (a message for a person). */
export function checkDerived(
  expression: string,
  scorerNames: readonly string[],
): { ok: true; node: MathNode; uses: string[] } | { ok: false; error: string } {
  if (expression.length > MAX_CHARS)
    return { ok: false, error: `expression of ${expression.length} characters; at most ${MAX_CHARS}` };
  if (depthOf(expression) > MAX_DEPTH) return { ok: false, error: `nested deeper than ${MAX_DEPTH} levels` };
  let node: MathNode;
  try {
    node = parse(expression);
  } catch (err) {
    return { ok: false, error: `not an expression (${(err as Error).message})` };
  }
  const names = new Set(scorerNames);
  const uses = new Set<string>();
  let problem: string | undefined;
  node.traverse((n: MathNode, _path: string, parent: MathNode | null) => {
    if (problem) return;
    switch (n.type) {
      case 'ConstantNode':
        if (typeof (n as unknown as { value: unknown }).value !== 'number')
          problem = `only numbers may appear as constants, not ${JSON.stringify((n as unknown as { value: unknown }).value)}`;
        return;
      case 'ParenthesisNode':
      case 'ConditionalNode':
        return;
      case 'OperatorNode': {
        const op = (n as unknown as { op: string }).op;
        if (!OPERATORS.has(op)) problem = `operator "${op}" is not allowed`;
        return;
      }
      case 'FunctionNode': {
        const fn = (n as unknown as { fn: MathNode }).fn;
        const name = fn.type === 'SymbolNode' ? (fn as unknown as { name: string }).name : '';
        if (!FUNCTIONS.has(name))
          problem = `function "${name || fn.toString()}" is not allowed (allowed: ${DERIVED_FUNCTIONS.join(', ')})`;
        return;
      }
      case 'SymbolNode': {
        const name = (n as unknown as { name: string }).name;
        if (parent?.type === 'FunctionNode' && (parent as unknown as { fn: MathNode }).fn === n) return;
        if (!names.has(name))
          problem = `unknown name "${name}" (this suite's scorers: ${scorerNames.join(', ') || 'none'})`;
        else uses.add(name);
        return;
      }
      default:
        problem = `${n.type.replace(/Node$/, '').toLowerCase()} expressions are not allowed`;
    }
  });
  return problem ? { ok: false, error: problem } : { ok: true, node, uses: [...uses] };
}

/** The derived metric as an after-phase scorer reading the scores already given to the same output. */
export function createDerived(name: string, expression: string, parts: readonly Scorer[]): Scorer {
  const checked = checkDerived(
    expression,
    parts.map((p) => p.name),
  );
  if (!checked.ok) throw new Error(`derived metric "${name}": ${checked.error}`);
  const compiled = checked.node.compile();
  const used = parts.filter((p) => checked.uses.includes(p.name));
  const meta = {
    name,
    type: 'derived',
    kind: 'continuous' as const,
    phase: 'after' as const,
    id: scorerId({ derived: expression, parts: used.map((p) => [p.name, p.id]) }),
  };
  return {
    ...meta,
    readsScores: true,
    score({ record }) {
      const scope: Record<string, number> = {};
      for (const p of used) {
        const s = record.scores.find((x) => x.name === p.name);
        if (!s || s.error !== undefined || s.value === null)
          return errorScore(meta, `"${p.name}" has no value for this output${s?.error ? ` (${s.error})` : ''}`);
        scope[p.name] = s.value;
      }
      const value = compiled.evaluate(scope) as unknown;
      if (typeof value !== 'number' || !Number.isFinite(value))
        return errorScore(meta, `evaluated to ${String(value)}, not a number`);
      if (value < 0 || value > 1)
        return errorScore(meta, `evaluated to ${value}, outside [0, 1]; weights should sum to 1`);
      return continuousScore(meta, value, undefined, undefined, { expression, parts: scope });
    },
  };
}
