/**
 * promptfoo assertions → driftgate scorers. A promptfoo assertion belongs to one test; a driftgate
 * scorer to a suite. Tests with the same assertion types become one suite, and a value that differs
 * between them becomes a case variable the scorer reads (`{{_assert_2}}`), which works wherever
 * driftgate renders `{{var}}` (equals, contains, starts-with, similarity references, judge
 * references). Where it cannot (lists, regex patterns), only a value shared by every test maps.
 */

/** A promptfoo assertion as written (after the CSV shorthand is expanded). */
export interface PromptfooAssertion {
  readonly type: string;
  readonly value?: unknown;
  readonly threshold?: number;
}

/** How one assertion maps, before the values of a suite's tests are compared. */
export interface MappedAssertion {
  /** Stable key of the scorer slot: same key = same scorer across tests. */
  readonly key: string;
  /** The scorer config with `VALUE` where the test's value goes. */
  readonly build: (value: ValueRef) => Record<string, unknown>;
  /** This test's value (undefined when the scorer has none). */
  readonly value?: string | readonly string[];
  /** Values that must be identical across the suite's tests (a list or a pattern cannot be templated). */
  readonly literalOnly?: boolean;
  /** A judge rubric to write (llm-rubric). */
  readonly rubric?: boolean;
  /** A javascript file to wrap as a custom scorer. */
  readonly module?: string;
}

/** A value as the scorer gets it: the literal shared by every test, or the case variable holding each test's. */
export type ValueRef = { readonly literal: string | readonly string[] } | { readonly variable: string };

const asText = (v: unknown): string => (typeof v === 'string' ? v : JSON.stringify(v));
const asList = (v: unknown): string[] =>
  Array.isArray(v)
    ? v.map(asText)
    : String(v ?? '')
        .split(',')
        .map((x) => x.trim())
        .filter(Boolean);
const ref = (r: ValueRef): string | readonly string[] => ('literal' in r ? r.literal : `{{${r.variable}}}`);

/** The CSV `__expected` shorthand (`contains: Paris`, `grade: …`, `similar(0.8): …`, `not-icontains: x`); plain text means equals. */
export function assertionFromString(expected: string): PromptfooAssertion {
  const text = expected.trim();
  if (/^(javascript|fn|eval):/.test(text))
    return { type: 'javascript', value: text.slice(text.indexOf(':') + 1).trim() };
  if (text.startsWith('file://') && /\.(m?js|cjs|ts)$/.test(text)) return { type: 'javascript', value: text };
  if (text.startsWith('grade:')) return { type: 'llm-rubric', value: text.slice(6).trim() };
  if (text.startsWith('llm-rubric:')) return { type: 'llm-rubric', value: text.slice(11).trim() };
  if (text.startsWith('python:')) return { type: 'python', value: text.slice(7).trim() };
  const m = /^(not-)?([a-z][a-z0-9-]*)(?:\((\d+(?:\.\d+)?)\))?(?::([\s\S]*))?$/.exec(text);
  if (m && (m[3] !== undefined || m[4] !== undefined || ['is-json', 'contains-json'].includes(m[2] as string))) {
    const [, not = '', type = '', threshold, value] = m;
    const listy = /^(i?contains-(any|all))$/.test(type);
    return {
      type: `${not}${type}`,
      ...(value !== undefined ? { value: listy ? asList(value) : value.trim() } : {}),
      ...(threshold !== undefined ? { threshold: Number(threshold) } : {}),
    };
  }
  return { type: 'equals', value: text };
}

/** Undefined when driftgate has no equivalent (the caller lists it as not mapped). */
export function mapAssertion(a: PromptfooAssertion): MappedAssertion | undefined {
  const t = a.type;
  const text = a.value === undefined ? undefined : asText(a.value);
  switch (t) {
    case 'equals':
      return { key: 'equals', value: text ?? '', build: (v) => ({ type: 'equals', value: ref(v), trim: false }) };
    case 'contains':
    case 'icontains':
      return { key: t, value: text ?? '', build: (v) => ({ type: t, value: ref(v) }) };
    case 'not-contains':
    case 'not-icontains':
      return {
        key: t,
        value: text ?? '',
        build: (v) => ({
          type: 'not-contains',
          value: ref(v),
          ...(t === 'not-icontains' ? { ignore_case: true } : {}),
        }),
      };
    case 'contains-any':
    case 'contains-all':
    case 'icontains-any':
    case 'icontains-all': {
      const base = t.replace(/^i/, '') as 'contains-any' | 'contains-all';
      return {
        key: t,
        value: asList(a.value),
        literalOnly: true,
        build: (v) => ({ type: base, values: ref(v), ...(t.startsWith('i') ? { ignore_case: true } : {}) }),
      };
    }
    case 'starts-with':
      return { key: t, value: text ?? '', build: (v) => ({ type: 'starts-with', value: ref(v) }) };
    case 'regex':
      return { key: t, value: text ?? '', literalOnly: true, build: (v) => ({ type: 'regex', pattern: ref(v) }) };
    case 'is-json':
      // A schema makes it a json-schema check; the schema must be the same for every test.
      return a.value === undefined
        ? { key: 'is-json', build: () => ({ type: 'is-json' }) }
        : {
            key: 'json-schema',
            value: text ?? '',
            literalOnly: true,
            build: (v) => {
              const schema = String(ref(v));
              return {
                type: 'json-schema',
                schema: schema.startsWith('file://') ? schema.slice('file://'.length) : (JSON.parse(schema) as unknown),
              };
            },
          };
    case 'contains-json':
      return a.value === undefined ? { key: t, build: () => ({ type: 'contains-json' }) } : undefined;
    case 'similar':
      return {
        key: `similar(${a.threshold ?? 0.75})`,
        value: text ?? '',
        build: (v) => ({ type: 'similarity', reference: ref(v), pass: a.threshold ?? 0.75 }),
      };
    case 'levenshtein':
      // promptfoo passes at an edit distance of at most `threshold` (default 5), untrimmed.
      return {
        key: `levenshtein(${a.threshold ?? 5})`,
        value: text ?? '',
        build: (v) => ({ type: 'levenshtein', value: ref(v), max_distance: a.threshold ?? 5, trim: false }),
      };
    case 'llm-rubric':
      return { key: 'llm-rubric', value: text ?? '', rubric: true, build: () => ({ type: 'judge' }) };
    case 'cost':
      return a.threshold === undefined
        ? undefined
        : { key: `cost(${a.threshold})`, build: () => ({ type: 'max-cost', usd: a.threshold }) };
    case 'latency':
      return a.threshold === undefined
        ? undefined
        : { key: `latency(${a.threshold})`, build: () => ({ type: 'max-latency', ms: a.threshold }) };
    case 'javascript':
      return typeof a.value === 'string' && a.value.startsWith('file://')
        ? {
            key: `javascript(${a.value})`,
            module: a.value.slice('file://'.length).split(':')[0] as string,
            build: () => ({ type: 'custom' }),
          }
        : undefined;
    default:
      return undefined;
  }
}
