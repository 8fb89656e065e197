/**
 * `custom`: a scorer of your own, in a JavaScript or TypeScript module next to driftgate.yaml.
 *
 *   - { type: custom, module: scorers/polite.mjs, export: default, kind: binary, options: { ... } }
 *
 * The export is a function `({ case, output, record, options }) => result` (may be async), where
 * result is a boolean (pass/fail), a number in [0, 1], or `{ value, pass?, reason?, details? }`.
 * `.ts` modules are loaded through tsx (`npm i -D tsx`); `.js` / `.mjs` need nothing. A scoring that
 * has not settled within `timeout_ms` (default 30 s) becomes an error score. (A function that never
 * returns control — a synchronous endless loop — cannot be stopped from the same thread.)
 */
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { ConfigError } from '../errors.js';
import type { Case } from '../datasets/case.js';
import type { CallRecord, Score } from '../records/call-record.js';
import { binaryScore, continuousScore, errorScore } from './score.js';
import { defineScorer, scorerMeta } from './definition.js';
import type { Scorer, ScorerBuildContext } from './types.js';

export const customSchema = z.strictObject({
  type: z.literal('custom'),
  name: z.string().min(1).optional(),
  module: z.string().min(1),
  export: z.string().min(1).default('default'),
  kind: z.enum(['binary', 'continuous']).default('continuous'),
  options: z.record(z.string(), z.unknown()).optional(),
  timeout_ms: z
    .int()
    .positive()
    .default(30_000)
    .describe('A scoring that has not settled by then becomes an error score, and the run goes on'),
});

export type CustomScorerFunction = (input: {
  case: Case;
  output: string;
  record: CallRecord;
  options: Record<string, unknown>;
}) => unknown;

async function importModule(file: string, where: string): Promise<Record<string, unknown>> {
  if (/\.[cm]?ts$/.test(file)) {
    let api: { tsImport: (specifier: string, parent: string) => Promise<Record<string, unknown>> };
    try {
      api = (await import('tsx/esm/api')) as typeof api;
    } catch {
      throw new ConfigError(
        `${where}.module: ${path.basename(file)} is TypeScript; install tsx to load it (npm i -D tsx) or compile it to .js`,
      );
    }
    return api.tsImport(pathToFileURL(file).href, import.meta.url);
  }
  return (await import(pathToFileURL(file).href)) as Record<string, unknown>;
}

export async function createCustom(config: z.infer<typeof customSchema>, ctx: ScorerBuildContext): Promise<Scorer> {
  const file = path.resolve(ctx.rootDir, config.module);
  let source: string;
  try {
    source = readFileSync(file, 'utf8');
  } catch {
    throw new ConfigError(`${ctx.where}.module: ${config.module} not found`);
  }
  let mod: Record<string, unknown>;
  try {
    mod = await importModule(file, ctx.where);
  } catch (err) {
    if (err instanceof ConfigError) throw err;
    throw new ConfigError(`${ctx.where}.module: ${config.module} failed to load (${(err as Error).message})`);
  }
  // A module loaded as CommonJS (a .ts file outside a "type": "module" package) arrives with its
  // exports one level down, under `default`.
  const interop = mod.default && typeof mod.default === 'object' ? (mod.default as Record<string, unknown>) : {};
  const fn = typeof mod[config.export] === 'function' ? mod[config.export] : interop[config.export];
  if (typeof fn !== 'function')
    throw new ConfigError(`${ctx.where}.export: ${config.module} has no function export "${config.export}"`);
  // The module's source is part of the id: editing the scorer invalidates scores made with the old one.
  // The time limit is not part of the id: it does not change what a score means.
  const { timeout_ms: timeoutMs, ...decisive } = config;
  const meta = scorerMeta(ctx, config, { kind: config.kind, idOf: { config: decisive, source } });
  return {
    ...meta,
    async score({ case: c, output, record }) {
      let timer: NodeJS.Timeout | undefined;
      const expired = new Promise<'timeout'>((resolve) => {
        timer = setTimeout(() => resolve('timeout'), timeoutMs);
      });
      try {
        const result = await Promise.race([
          Promise.resolve((fn as CustomScorerFunction)({ case: c, output, record, options: config.options ?? {} })),
          expired,
        ]);
        if (result === 'timeout')
          return errorScore(meta, `custom scorer did not settle within timeout_ms (${timeoutMs} ms)`);
        return normalise(meta, result);
      } finally {
        clearTimeout(timer);
      }
    },
  };
}

function normalise(meta: Pick<Scorer, 'name' | 'kind' | 'id'>, result: unknown): Score {
  if (typeof result === 'boolean') return binaryScore(meta, result);
  const inRange = (v: unknown): v is number => typeof v === 'number' && v >= 0 && v <= 1;
  if (typeof result === 'number')
    return inRange(result)
      ? continuousScore(meta, result, undefined)
      : errorScore(meta, `custom scorer returned ${result}, outside [0, 1]`);
  if (result && typeof result === 'object') {
    const r = result as { value?: unknown; score?: unknown; pass?: unknown; reason?: unknown; details?: unknown };
    const value = r.value ?? r.score;
    if (!inRange(value))
      return errorScore(meta, `custom scorer returned value ${JSON.stringify(value)}, expected a number in [0, 1]`);
    const details = r.details && typeof r.details === 'object' ? (r.details as Record<string, unknown>) : undefined;
    return continuousScore(
      meta,
      value,
      typeof r.pass === 'boolean' ? r.pass : undefined,
      typeof r.reason === 'string' ? r.reason : undefined,
      details,
    );
  }
  return errorScore(
    meta,
    `custom scorer returned ${JSON.stringify(result)}; expected a boolean, a number or { value, pass?, reason? }`,
  );
}

export const customScorer = defineScorer({
  type: 'custom',
  schema: customSchema,
  doc: {
    kind: 'either',
    checks: 'your function in a `.js`/`.mjs` (or `.ts`, with tsx installed) module',
    options: '`module`, `export`, `kind`, `options`',
  },
  create: createCustom,
});
