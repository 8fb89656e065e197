/**
 * What a scorer declares, once: its config schema, the row it has in the scorer table
 * (docs/scorers.md), and how it is built. `scorers/catalogue.ts` lists the definitions; the config
 * union, the dispatch, the JSON Schema and the docs table are all derived from that list.
 */
import type { z } from 'zod';
import { scorerId } from './scorer-id.js';
import type { Scorer, ScorerBuildContext, ScoreKind } from './types.js';

/** The scorer table's row: the statistics its kind gets, what it checks, its options. */
export interface ScorerDoc {
  readonly kind: 'binary' | 'continuous' | 'either';
  readonly checks: string;
  readonly options?: string;
}

type TypedSchema = z.ZodType<{ readonly type: string }>;

export interface ScorerDefinition<S extends TypedSchema = TypedSchema> {
  /** The `type:` of its entries in driftgate.yaml (checked against the schema's literal). */
  readonly type: z.output<S>['type'];
  readonly schema: S;
  readonly doc: ScorerDoc;
  /** Builds the scorer before any call: a bad option is a ConfigError naming `ctx.where`. */
  readonly create: (config: z.output<S>, ctx: ScorerBuildContext) => Scorer | Promise<Scorer>;
}

export function defineScorer<S extends TypedSchema>(definition: ScorerDefinition<S>): ScorerDefinition<S> {
  return definition;
}

/** The fields every scorer carries, from its build context and config. */
export interface ScorerMeta {
  readonly name: string;
  readonly type: string;
  readonly kind: ScoreKind;
  readonly phase: 'inline' | 'after';
  readonly id: string;
  readonly against?: string;
}

export function scorerMeta(
  ctx: Pick<ScorerBuildContext, 'name'>,
  config: { readonly type: string; readonly against?: string | undefined },
  fields: {
    readonly kind: ScoreKind;
    readonly phase?: 'inline' | 'after';
    /** Everything that decides the verdicts, when more than the config (a rubric, a module's source). */
    readonly idOf?: unknown;
  },
): ScorerMeta {
  return {
    name: ctx.name,
    type: config.type,
    kind: fields.kind,
    phase: fields.phase ?? 'inline',
    id: scorerId(fields.idOf ?? config),
    ...(config.against ? { against: config.against } : {}),
  };
}
