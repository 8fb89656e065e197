/**
 * Loads each selected suite (dataset and prompt) and expands it into work items:
 * cases × targets × repeats, each with the exact request and its cache key. Every case is rendered
 * before any call is made, so a missing variable stops the run before anything is paid for.
 */
import path from 'node:path';
import { UsageError } from '../../errors.js';
import type { LoadedConfig } from '../../config/load.js';
import type { ModelConfig, SuiteConfig } from '../../config/schema.js';
import { loadDataset } from '../../datasets/load.js';
import { loadPrompt, renderCaseMessages } from '../../datasets/prompt.js';
import { toCase, type Case } from '../../datasets/case.js';
import { isDeepStrictEqual } from 'node:util';
import type { ChatMessage, ChatRequest, RequestOptions } from '../../providers/types.js';
import { caseRequestOptions, schemaCheckerFor, suiteRequestOptions } from '../../datasets/request-options.js';
import { cacheKey, requestKeyInput } from '../cache/cache.js';
import { buildScorers } from '../../scorers/registry.js';
import { repeatLimits, type AdaptiveRoundRecord } from './adaptive-rounds.js';
import type { Scorer } from '../../scorers/types.js';

/** A case with the messages rendered for it: exactly what is sent to every target. */
export interface PreparedCase {
  readonly case: Case;
  readonly messages: readonly ChatMessage[];
  /** Tools, tool choice and response format: the suite's, with the case's own in their place. */
  readonly options: RequestOptions;
}

/** How a suite's cases are rendered; filled in once the whole dataset has been read. */
interface CaseRenderer {
  readonly file: string;
  prompt: Awaited<ReturnType<typeof loadPrompt>>;
  suiteOptions: RequestOptions;
  check: Awaited<ReturnType<typeof schemaCheckerFor>>;
}

/**
 * A prepared case held as the JSON of the dataset record it came from, and read back (toCase) each
 * time it is asked for, with its messages and request options rendered then: a 100,000-case suite
 * holds about 200 bytes a case instead of a graph of objects. A case the JSON would not give back
 * exactly is held whole.
 */
class StoredCase implements PreparedCase {
  private readonly stored: string | Case;
  private readonly line: number;

  constructor(
    c: Case,
    record: unknown,
    private readonly render: CaseRenderer,
  ) {
    this.stored = compactSource(c, record) ?? c;
    this.line = c.line;
  }

  // A work item and a scoring input read case, messages and options of one case together (and a
  // case's targets and repeats follow one another): the last case read is kept, so that is one
  // parse and one rendering, not one per property and per item.
  private static last:
    | { readonly from: StoredCase; readonly case: Case; messages?: readonly ChatMessage[]; options?: RequestOptions }
    | undefined;

  private read(): NonNullable<typeof StoredCase.last> {
    if (StoredCase.last?.from !== this) {
      const c =
        typeof this.stored === 'string' ? toCase(JSON.parse(this.stored), this.render.file, this.line) : this.stored;
      StoredCase.last = { from: this, case: c };
    }
    return StoredCase.last;
  }

  get case(): Case {
    return this.read().case;
  }

  get messages(): readonly ChatMessage[] {
    const read = this.read();
    return (read.messages ??= renderCaseMessages(this.render.prompt, read.case));
  }

  get options(): RequestOptions {
    const read = this.read();
    return (read.options ??= caseRequestOptions(read.case, this.render.suiteOptions, this.render.check));
  }
}

/** The dataset record as JSON, when toCase gives `c` back from it exactly; undefined otherwise. */
function compactSource(c: Case, record: unknown): string | undefined {
  let source: string;
  try {
    source = JSON.stringify(record);
  } catch {
    return undefined; // a value JSON cannot write (a BigInt from a reader): keep the case whole
  }
  return isDeepStrictEqual(toCase(JSON.parse(source), c.file, c.line), c) ? source : undefined;
}

export interface PreparedSuite {
  readonly config: SuiteConfig;
  readonly cases: readonly PreparedCase[];
  readonly caseById: ReadonlyMap<string, PreparedCase>;
  readonly scorers: readonly Scorer[];
}

export interface WorkItem {
  readonly itemId: string;
  readonly suite: string;
  readonly caseId: string;
  readonly inputHash: string;
  readonly target: string;
  readonly repeat: number;
  readonly model: ModelConfig;
  readonly request: ChatRequest;
  readonly key: string;
}

export function selectSuites(loaded: LoadedConfig, names: readonly string[] | undefined): SuiteConfig[] {
  const all = loaded.config.suites;
  if (!names || names.length === 0) return all;
  const unknown = names.filter((n) => !all.some((s) => s.name === n));
  if (unknown.length > 0) {
    throw new UsageError(
      `--suite ${unknown.join(', ')}: no such suite in ${path.basename(loaded.file)} (defined: ${all.map((s) => s.name).join(', ')})`,
    );
  }
  return all.filter((s) => names.includes(s.name));
}

export async function prepareSuites(loaded: LoadedConfig, suites: readonly SuiteConfig[]): Promise<PreparedSuite[]> {
  const prepared: PreparedSuite[] = [];
  for (const [i, suite] of suites.entries()) {
    // Each case is stored compactly as it is read (the cases are never all held whole); how to
    // render them is known once the prompt and the options are.
    const render: CaseRenderer = { file: suite.dataset, prompt: undefined, suiteOptions: {}, check: undefined };
    const ids: string[] = [];
    let casesHaveOptions = false;
    const rendered: PreparedCase[] = await loadDataset(
      path.resolve(loaded.rootDir, suite.dataset),
      suite.dataset,
      (c, record) => {
        ids.push(c.id);
        casesHaveOptions ||= c.requestOptions !== undefined;
        return new StoredCase(c, record, render);
      },
    );
    const index = loaded.config.suites.indexOf(suite);
    render.prompt = await loadPrompt(
      suite.prompt,
      loaded.rootDir,
      `${path.basename(loaded.file)} suites[${index >= 0 ? index : i}].prompt`,
    );
    const where = `${path.basename(loaded.file)} suites[${index >= 0 ? index : i}]`;
    render.check = await schemaCheckerFor(suite, casesHaveOptions);
    render.suiteOptions = await suiteRequestOptions(suite, loaded.rootDir, where, render.check);
    // Render every case now, so errors surface before any call; the messages are rendered again
    // when asked for (the same text), rather than held for every case of a 100,000-case suite.
    for (const p of rendered) {
      const c = p.case;
      renderCaseMessages(render.prompt, c);
      caseRequestOptions(c, render.suiteOptions, render.check);
    }
    const scorers = await suiteScorers(loaded, suite, index >= 0 ? index : i);
    prepared.push({
      config: suite,
      cases: rendered,
      caseById: new Map(rendered.map((r, k) => [ids[k] as string, r])),
      scorers,
    });
  }
  return prepared;
}

/**
 * A suite's scorers as the run builds them, derived metrics last (they read the scores of the
 * scorers before them). Without the dataset: the gate asks which scorers changed before it decides
 * whether a suite's cases are needed at all.
 */
export async function suiteScorers(loaded: LoadedConfig, suite: SuiteConfig, index: number): Promise<Scorer[]> {
  const scorers = await buildScorers(suite.scorers, {
    rootDir: loaded.rootDir,
    models: loaded.config.models,
    where: `${path.basename(loaded.file)} suites[${index}].scorers`,
    targets: suite.targets,
  });
  const derived =
    suite.derived && Object.keys(suite.derived).length > 0
      ? (await import('../../scorers/derived.js')).createDerived
      : undefined;
  if (derived)
    for (const [name, expression] of Object.entries(suite.derived ?? {}))
      scorers.push(derived(name, expression, scorers));
  return scorers;
}

function workItem(
  suite: SuiteConfig,
  prepared: PreparedCase,
  target: string,
  repeat: number,
  models: Readonly<Record<string, ModelConfig>>,
): WorkItem {
  const { case: c, messages, options } = prepared;
  const model = models[target] as ModelConfig;
  const request: ChatRequest = { model: model.model as string, messages, params: model.params ?? {}, ...options };
  const key = cacheKey(requestKeyInput(model.provider, request, repeat, model.baseURL));
  return {
    itemId: `${suite.name}/${c.id}/${target}/${repeat}`,
    suite: suite.name,
    caseId: c.id,
    inputHash: c.inputHash,
    target,
    repeat,
    model,
    request,
    key,
  };
}

export function planCalls(
  prepared: readonly PreparedSuite[],
  models: Readonly<Record<string, ModelConfig>>,
): WorkItem[] {
  return [...callsOf(prepared, models)];
}

function* callsOf(
  prepared: readonly PreparedSuite[],
  models: Readonly<Record<string, ModelConfig>>,
): Generator<WorkItem> {
  for (const { config: suite, cases } of prepared) {
    for (const c of cases) {
      for (const target of suite.targets) {
        for (let repeat = 0; repeat < suite.repeats; repeat++) yield workItem(suite, c, target, repeat, models);
      }
    }
  }
}

/**
 * A run's work items, made as they are taken (each carries its request and cache key): a
 * 100,000-case plan is never held whole. `slots` are the (suite, target) of every item, without making
 * the items — what counting needs.
 */
export interface Plan extends Iterable<WorkItem> {
  readonly size: number;
  slots(): Iterable<{ readonly suite: string; readonly target: string }>;
}

export function lazyPlan(
  prepared: readonly PreparedSuite[],
  models: Readonly<Record<string, ModelConfig>>,
  rounds: readonly AdaptiveRoundRecord[],
): Plan {
  const extra = planRounds(prepared, models, rounds);
  const size =
    prepared.reduce((n, p) => n + p.cases.length * p.config.targets.length * p.config.repeats, 0) + extra.length;
  return {
    size,
    *[Symbol.iterator]() {
      yield* callsOf(prepared, models);
      yield* extra;
    },
    *slots() {
      for (const { config, cases } of prepared)
        for (const target of config.targets)
          for (let n = 0; n < cases.length * config.repeats; n++) yield { suite: config.name, target };
      yield* extra;
    },
  };
}

/**
 * The calls of gate.adaptive's extra rounds: each round's cases, `perCase` more repeats each,
 * numbered from where the previous look stopped (adaptive-rounds.ts repeatLimits). Cases no longer in the
 * suite (or outside this shard) are skipped.
 */
export function planRounds(
  prepared: readonly PreparedSuite[],
  models: Readonly<Record<string, ModelConfig>>,
  rounds: readonly AdaptiveRoundRecord[],
): WorkItem[] {
  const items: WorkItem[] = [];
  const limits = repeatLimits(
    prepared.map((p) => p.config),
    rounds,
  );
  for (const [r, round] of rounds.entries()) {
    for (const { suite, target, caseId } of round.items) {
      const p = prepared.find((x) => x.config.name === suite);
      const c = p?.caseById.get(caseId);
      if (!p || !c || !p.config.targets.includes(target)) continue;
      const from = limits[suite]?.[r] as number;
      for (let repeat = from; repeat < from + (round.perCase[suite] ?? 0); repeat++)
        items.push(workItem(p.config, c, target, repeat, models));
    }
  }
  return items;
}
