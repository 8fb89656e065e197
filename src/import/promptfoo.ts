/**
 * `driftgate import promptfoo promptfooconfig.yaml`: a promptfoo suite as a driftgate project.
 *
 * - prompts (inline, `file://` text or chat JSON) × tests grouped by their assertion types → suites;
 * - providers `openai:<model>`, `openai:chat:<model>` (with `apiBaseUrl`: any OpenAI-compatible
 *   server) and `anthropic:messages:<model>` → models, every suite targeting all of them;
 * - tests inline, from `file://` YAML/JSON or CSV (`__expected*`, `__description`), `defaultTest`
 *   vars and assertions folded in → one JSONL dataset per suite;
 * - assertions → scorers (promptfoo-assertions.ts); `llm-rubric` → a judge with a generated rubric,
 *   `javascript` files → custom scorers through a generated adapter.
 * Everything else is listed with its file and line, never dropped silently.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parse as parseCsv } from 'csv-parse/sync';
import { LineCounter, parseDocument, stringify } from 'yaml';
import { describeDepth, MAX_NESTING, tooDeep } from '../util/depth.js';
import { ConfigError } from '../errors.js';
import {
  assertionFromString,
  mapAssertion,
  type MappedAssertion,
  type PromptfooAssertion,
  type ValueRef,
} from './promptfoo-assertions.js';

export interface Unmapped {
  /** `promptfooconfig.yaml:12` or `tests.csv:4`. */
  readonly where: string;
  readonly what: string;
}

export interface Converted {
  /** Relative path → content. */
  readonly files: Readonly<Record<string, string>>;
  readonly unmapped: readonly Unmapped[];
  readonly suites: number;
  readonly cases: number;
}

interface Test {
  readonly where: string;
  readonly description?: string;
  readonly vars: Record<string, unknown>;
  readonly asserts: { readonly a: PromptfooAssertion; readonly where: string }[];
}

type Message = { role: 'system' | 'user' | 'assistant'; content: string };

const slug = (s: string): string =>
  s
    .toLowerCase()
    .replace(/[^a-z0-9._-]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 40) || 'x';
const fileRef = (v: unknown): string | undefined =>
  typeof v === 'string' && v.startsWith('file://') ? v.slice('file://'.length) : undefined;

class Source {
  private readonly lines = new LineCounter();
  readonly doc;
  constructor(
    readonly file: string,
    text: string,
  ) {
    this.doc = parseDocument(text, { lineCounter: this.lines });
  }
  /** `file:line` of the node at `at` (the nearest existing ancestor). */
  where(at: readonly (string | number)[]): string {
    for (let n = at.length; n >= 0; n--) {
      const node = this.doc.getIn(at.slice(0, n), true) as { range?: [number, number] } | undefined;
      if (node?.range) return `${path.basename(this.file)}:${this.lines.linePos(node.range[0]).line}`;
    }
    return path.basename(this.file);
  }
}

export function convertPromptfoo(configFile: string): Converted {
  const dir = path.dirname(path.resolve(configFile));
  let src: Source;
  try {
    src = new Source(configFile, readFileSync(configFile, 'utf8'));
  } catch (err) {
    throw new ConfigError(`${configFile}: cannot read (${(err as Error).message})`);
  }
  if (src.doc.errors.length > 0)
    throw new ConfigError(
      `${configFile}:${src.doc.errors[0]?.linePos?.[0]?.line ?? 1}: not valid YAML (${src.doc.errors[0]?.message.split('\n')[0]})`,
    );
  const cfg = (src.doc.toJS({ maxAliasCount: 100 }) ?? {}) as Record<string, unknown>;
  const deep = tooDeep(cfg);
  if (deep) throw new ConfigError(`${src.where(deep.slice(0, MAX_NESTING))}: ${describeDepth(deep)}`);
  const unmapped: Unmapped[] = [];
  const skip = (where: string, what: string) => unmapped.push({ where, what });
  const read = (rel: string) => readFileSync(path.resolve(dir, rel), 'utf8');

  for (const key of Object.keys(cfg)) {
    if (
      ![
        'description',
        'prompts',
        'providers',
        'tests',
        'defaultTest',
        'outputPath',
        'evaluateOptions',
        'tags',
      ].includes(key)
    )
      skip(src.where([key]), `top-level "${key}"`);
  }

  // Prompts → messages.
  const prompts: { label: string; messages: Message[] }[] = [];
  (Array.isArray(cfg.prompts) ? cfg.prompts : cfg.prompts === undefined ? [] : [cfg.prompts]).forEach(
    (p: unknown, i) => {
      const where = src.where(['prompts', i]);
      const raw = typeof p === 'object' && p !== null ? (p as { raw?: unknown }).raw : p;
      const label =
        typeof p === 'object' && p !== null
          ? String((p as { label?: unknown; id?: unknown }).label ?? (p as { id?: unknown }).id ?? `prompt-${i + 1}`)
          : `prompt-${i + 1}`;
      const file = fileRef(raw);
      let text: string;
      try {
        text = file ? read(file) : String(raw);
      } catch {
        return skip(where, `prompt file ${file} not found`);
      }
      if (file && /\.(m?js|cjs|ts|py)$/.test(file)) return skip(where, `prompt function ${file}`);
      if (/\{%|\{\{[^}]*\|/.test(text))
        return skip(where, 'prompt with Nunjucks tags or filters (driftgate renders {{var}} only)');
      if (file?.endsWith('.json') || text.trim().startsWith('[')) {
        try {
          const messages = JSON.parse(text) as Message[];
          if (
            Array.isArray(messages) &&
            messages.every((m) => typeof m?.content === 'string' && ['system', 'user', 'assistant'].includes(m.role))
          )
            return prompts.push({ label, messages });
        } catch {
          // not chat JSON: a text prompt
        }
      }
      prompts.push({ label, messages: [{ role: 'user', content: text.trim() }] });
    },
  );

  // Providers → models.
  const models: Record<string, Record<string, unknown>> = {};
  (Array.isArray(cfg.providers) ? cfg.providers : cfg.providers === undefined ? [] : [cfg.providers]).forEach(
    (p: unknown, i) => {
      const where = src.where(['providers', i]);
      const id = typeof p === 'string' ? p : String((p as { id?: unknown })?.id ?? '');
      const config = (
        typeof p === 'object' && p !== null ? ((p as { config?: Record<string, unknown> }).config ?? {}) : {}
      ) as Record<string, unknown>;
      const label = typeof p === 'object' && p !== null ? (p as { label?: string }).label : undefined;
      const m = /^(openai)(?::chat)?:(.+)$/.exec(id) ?? /^(anthropic)(?::messages)?:(.+)$/.exec(id);
      if (!m || /^(openai:(embedding|responses|assistant|image|completion))/.test(id))
        return skip(where, `provider "${id}"`);
      const [, provider = '', model = ''] = m;
      const { apiBaseUrl, apiHost, apiKeyEnvar, ...rest } = config;
      const params = Object.fromEntries(
        Object.entries(rest).filter(([k]) =>
          [
            'temperature',
            'max_tokens',
            'top_p',
            'seed',
            'stop',
            'presence_penalty',
            'frequency_penalty',
            'max_completion_tokens',
          ].includes(k),
        ),
      );
      for (const k of Object.keys(rest)) if (!(k in params)) skip(where, `provider config "${k}"`);
      models[slug(label ?? `${provider}-${model}`)] = {
        provider,
        model,
        ...(Object.keys(params).length ? { params } : {}),
        ...(apiBaseUrl ? { baseURL: String(apiBaseUrl) } : apiHost ? { baseURL: `https://${String(apiHost)}/v1` } : {}),
        ...(apiKeyEnvar ? { api_key_env: String(apiKeyEnvar) } : {}),
      };
    },
  );
  if (prompts.length === 0)
    throw new ConfigError(`${configFile}: no prompt that driftgate can use (see the list of constructs not mapped)`);
  if (Object.keys(models).length === 0)
    throw new ConfigError(`${configFile}: no OpenAI, Anthropic or OpenAI-compatible provider to replay through`);

  // Tests, with defaultTest folded in.
  const defaults = (cfg.defaultTest ?? {}) as {
    vars?: Record<string, unknown>;
    assert?: PromptfooAssertion[];
    options?: Record<string, unknown>;
  };
  for (const k of Object.keys(defaults))
    if (!['vars', 'assert', 'options'].includes(k)) skip(src.where(['defaultTest', k]), `defaultTest "${k}"`);
  const grader = defaults.options?.provider;
  const tests: Test[] = [];
  const addTest = (t: Record<string, unknown>, where: string, assertWhere: (j: number) => string) => {
    for (const k of Object.keys(t))
      if (!['vars', 'assert', 'description', 'metadata', 'options'].includes(k)) skip(where, `test "${k}"`);
    const own = ((t.assert as PromptfooAssertion[] | undefined) ?? []).map((a, j) => ({ a, where: assertWhere(j) }));
    const inherited = (defaults.assert ?? []).map((a, j) => ({ a, where: src.where(['defaultTest', 'assert', j]) }));
    tests.push({
      where,
      ...(typeof t.description === 'string' ? { description: t.description } : {}),
      vars: { ...(defaults.vars ?? {}), ...((t.vars as Record<string, unknown>) ?? {}) },
      asserts: [...inherited, ...own],
    });
  };
  const loadTestFile = (rel: string, where: string) => {
    if (/[*?]/.test(rel)) return skip(where, `test glob ${rel}`);
    let text: string;
    try {
      text = read(rel);
    } catch {
      return skip(where, `test file ${rel} not found`);
    }
    if (rel.endsWith('.csv')) {
      const rows = parseCsv(text, { columns: true, bom: true, skip_empty_lines: true }) as Record<string, string>[];
      rows.forEach((row, r) => {
        const at = `${path.basename(rel)}:${r + 2}`;
        const vars: Record<string, unknown> = {};
        const assert: PromptfooAssertion[] = [];
        let description: string | undefined;
        for (const [k, v] of Object.entries(row)) {
          if (k.startsWith('__expected')) {
            if (v.trim()) assert.push(assertionFromString(v));
          } else if (k === '__description') description = v;
          else if (k.startsWith('__')) skip(at, `CSV column "${k}"`);
          else vars[k] = v;
        }
        addTest({ vars, assert, ...(description ? { description } : {}) }, at, () => at);
      });
      return;
    }
    const fileSrc = new Source(path.resolve(dir, rel), text);
    const list = fileSrc.doc.toJS() as unknown;
    (Array.isArray(list) ? list : [list]).forEach((t, j) =>
      addTest(t as Record<string, unknown>, fileSrc.where([j]), (k) => fileSrc.where([j, 'assert', k])),
    );
  };
  const testEntries = Array.isArray(cfg.tests) ? cfg.tests : cfg.tests === undefined ? [] : [cfg.tests];
  testEntries.forEach((t: unknown, i) => {
    const where = src.where(Array.isArray(cfg.tests) ? ['tests', i] : ['tests']);
    const file = fileRef(t);
    if (file) return loadTestFile(file, where);
    if (typeof t === 'string') return skip(where, `tests source "${t}"`);
    addTest(t as Record<string, unknown>, where, (j) => src.where(['tests', i, 'assert', j]));
  });
  if (tests.length === 0) throw new ConfigError(`${configFile}: no test cases found`);

  return assemble({ prompts, models, tests, grader, skip, unmapped, read, dir });
}

interface Parts {
  prompts: { label: string; messages: Message[] }[];
  models: Record<string, Record<string, unknown>>;
  tests: Test[];
  grader: unknown;
  skip: (where: string, what: string) => void;
  unmapped: Unmapped[];
  read: (rel: string) => string;
  dir: string;
}

const RUBRIC = (criterion: string | undefined) => `---
name: ${criterion ? 'promptfoo-rubric' : 'promptfoo-requirement'}
scale: [0, 1]
pass: 1
criteria:
  - ${criterion ? JSON.stringify(criterion) : '"Meets the requirement given as the reference (the reference is a requirement, not a model answer)"'}
---
Converted from a promptfoo \`llm-rubric\` assertion: pass/fail.

- 1 — the answer meets ${criterion ? 'the criterion above' : 'the requirement stated in the reference'}.
- 0 — it does not.
`;

const ADAPTER = (
  module: string,
) => `// Generated by driftgate import promptfoo: runs a promptfoo JavaScript assertion as a driftgate custom scorer.
import * as mod from ${JSON.stringify(module)};

const assertion = mod.default ?? Object.values(mod).find((v) => typeof v === 'function');

export default async ({ case: c, output, record }) => {
  const result = await assertion(output, { vars: c.vars, test: { vars: c.vars, description: c.metadata?.description }, prompt: undefined, logProbs: undefined, cost: record.costUsd ?? undefined });
  if (typeof result === 'boolean') return result;
  if (typeof result === 'number') return { value: Math.max(0, Math.min(1, result)), pass: result > 0 };
  const score = typeof result?.score === 'number' ? result.score : result?.pass ? 1 : 0;
  return { value: Math.max(0, Math.min(1, score)), pass: Boolean(result?.pass ?? score > 0), ...(result?.reason ? { reason: String(result.reason) } : {}) };
};
`;

function assemble(p: Parts): Converted {
  const files: Record<string, string> = {};
  const modelNames = Object.keys(p.models);
  const models: Record<string, unknown> = { ...p.models };
  // Map each test's assertions; group tests by the scorer slots they need.
  const mappedTests = p.tests.map((t) => ({
    t,
    mapped: t.asserts.flatMap(({ a, where }) => {
      const m = mapAssertion(a);
      if (!m)
        p.skip(where, `assertion "${a.type}"${a.type === 'javascript' ? ' (inline code; a file:// module maps)' : ''}`);
      return m ? [m] : [];
    }),
  }));
  const signature = (ms: readonly MappedAssertion[]) => ms.map((m) => m.key).join('|');
  const groups = new Map<string, typeof mappedTests>();
  for (const mt of mappedTests) groups.set(signature(mt.mapped), [...(groups.get(signature(mt.mapped)) ?? []), mt]);

  const suites: Record<string, unknown>[] = [];
  let rubrics = 0;
  let adapters = 0;
  let cases = 0;
  const needs = { judge: false, embedder: false };
  [...groups.values()].forEach((group, g) => {
    const slots = group[0]?.mapped ?? [];
    const scorers: Record<string, unknown>[] = [];
    const extraVars: Record<string, unknown>[] = group.map(() => ({}));
    slots.forEach((slot, k) => {
      const values = group.map((mt) => mt.mapped[k]?.value);
      const same = values.every((v) => JSON.stringify(v) === JSON.stringify(values[0]));
      if (!same && slot.literalOnly) {
        for (const mt of group) p.skip(mt.t.where, `assertion "${slot.key}" with a different list or pattern per test`);
        return;
      }
      const variable = `_assert_${k}`;
      const valueRef: ValueRef = same ? { literal: (values[0] ?? '') as string } : { variable };
      if (!same) group.forEach((mt, i) => ((extraVars[i] as Record<string, unknown>)[variable] = mt.mapped[k]?.value));
      const name = `${slot.key.replace(/\(.*$/, '')}${slots.filter((s, j) => j < k && s.key.replace(/\(.*$/, '') === slot.key.replace(/\(.*$/, '')).length ? `-${k + 1}` : ''}`;
      if (slot.rubric) {
        needs.judge = true;
        const file = `rubrics/promptfoo-${++rubrics}.md`;
        files[file] = RUBRIC(same ? String(values[0] ?? '') : undefined);
        scorers.push({ type: 'judge', name, rubric: file, reference: same ? false : `{{${variable}}}` });
      } else if (slot.module) {
        const file = `scorers/promptfoo-${++adapters}.mjs`;
        const target = path
          .relative(path.join(p.dir, 'scorers'), path.resolve(p.dir, slot.module))
          .split(path.sep)
          .join('/');
        files[file] = ADAPTER(target.startsWith('.') ? target : `./${target}`);
        scorers.push({ type: 'custom', name, module: file });
      } else {
        const built = slot.build(valueRef);
        if (built.type === 'similarity') needs.embedder = true;
        scorers.push({ name, ...built });
      }
    });
    p.prompts.forEach((prompt, pi) => {
      const name = `${p.prompts.length > 1 ? slug(prompt.label) : 'promptfoo'}${groups.size > 1 ? `-${g + 1}` : ''}`;
      const dataset = `datasets/${name}.jsonl`;
      files[dataset] = `${group
        .map((mt, i) =>
          JSON.stringify({
            id: mt.t.description
              ? `${slug(mt.t.description)}-${p.tests.indexOf(mt.t) + 1}`
              : `test-${p.tests.indexOf(mt.t) + 1}`,
            vars: { ...mt.t.vars, ...extraVars[i] },
            metadata: { source: mt.t.where, ...(mt.t.description ? { description: mt.t.description } : {}) },
          }),
        )
        .join('\n')}\n`;
      cases += pi === 0 ? group.length : 0;
      suites.push({ name, dataset, prompt: { messages: prompt.messages }, targets: modelNames, scorers });
    });
  });
  if (needs.judge) models.judge = graderModel(p.grader);
  if (needs.embedder) models.embedder = { provider: 'openai', model: 'text-embedding-3-large' };
  const header = [
    '# yaml-language-server: $schema=./node_modules/driftgate/driftgate.schema.json',
    '# Converted from promptfoo by `driftgate import promptfoo`.',
    ...(p.unmapped.length
      ? ['# Not converted (see the import output):', ...p.unmapped.map((u) => `#   ${u.where}: ${u.what}`)]
      : []),
  ].join('\n');
  const unpriced = Object.entries(p.models)
    .filter(([, m]) => m.baseURL !== undefined)
    .map(([name]) => name);
  const priceNote = unpriced.length
    ? [
        `# ${unpriced.join(', ')}: OpenAI-compatible, price unknown; add price: { input, output } ($ per 1M tokens) for cost checks and --max-cost.`,
      ]
    : [];
  files['driftgate.yaml'] =
    `${[header, ...priceNote].join('\n')}\n${stringify({ version: 1, models, suites }, { lineWidth: 0 })}`;
  return { files, unmapped: p.unmapped, suites: suites.length, cases };
}

/** promptfoo's grader (`defaultTest.options.provider`), else promptfoo's default grader model. */
function graderModel(grader: unknown): Record<string, unknown> {
  const id =
    typeof grader === 'string'
      ? grader
      : typeof grader === 'object' && grader !== null
        ? String((grader as { id?: unknown }).id ?? '')
        : '';
  const m = /^(openai)(?::chat)?:(.+)$/.exec(id) ?? /^(anthropic)(?::messages)?:(.+)$/.exec(id);
  return m
    ? { provider: m[1], model: m[2], params: { temperature: 0 } }
    : { provider: 'openai', model: 'gpt-4.1', params: { temperature: 0 } };
}

/** Files that already exist under `outDir` (the importer never overwrites). */
export const existingFiles = (converted: Converted, outDir: string): string[] =>
  Object.keys(converted.files).filter((f) => existsSync(path.join(outDir, f)));
