/**
 * From a drift run's records to its signals, this week's metrics (for the history) and the most
 * divergent example pairs. Pinned sample 0 is the pinned answer compared with current; pinned
 * sample 1, when present, is the floor of the semantic-agreement signal.
 */
import { preferenceOf, type Preference } from '../records/score-details.js';
import { answered, type CallRecord, type OkRecord } from '../records/call-record.js';
import type { PreparedCase } from '../runner/plan/plan.js';
import { detectRefusal } from '../scorers/refusal.js';
import { cosine } from '../scorers/similarity/vector.js';
import { meanInterval } from '../stats/mean-interval.js';
import { mulberry32, seedFrom } from '../stats/rng.js';
import { wilcoxonSignedRank } from '../stats/wilcoxon.js';
import type { WeeklyMetric } from './history.js';
import type { ScorerHealth } from '../runner/scoring/scorer-health.js';
import { behaviourChanged, embeddingBehaviourChanged, type BehaviourOptions } from '../signals/behaviour-change.js';
import type { AnswerPair } from '../signals/pair-features.js';
import type { PricedPair } from './cost-by-stratum.js';
import { describeHealth } from '../runner/scoring/scorer-health.js';
import { lastMessageText, renderAnswer } from '../conversation/types.js';
import { loadValidators, toolCallProblem } from '../conversation/tool-arguments.js';
import { argumentValiditySignal, toolUseSignals, type ToolPair } from '../signals/tool-use.js';
import {
  categorical,
  notTested,
  embeddingDistribution,
  lengthDistribution,
  modelIdentity,
  pairedDifference,
  pairwisePreference,
  ruleChecks,
  semanticAgreement,
  type Signal,
} from '../signals/signals.js';

export interface DivergentPair {
  readonly caseId: string;
  readonly input: string;
  readonly pinned: string;
  readonly current: string;
  readonly similarity: number;
  readonly scores: Readonly<Record<string, { pinned: number | null; current: number | null }>>;
}

export interface ComputedSignals {
  readonly signals: Signal[];
  /** The week's fitted vocabulary of the "behaviour changed" test (term, answers containing it). */
  readonly vocabulary: readonly { term: string; df: number }[];
  /** Priced pairs: dollars per answer, pinned and current, by stratum. */
  readonly priced: readonly PricedPair[];
  readonly metrics: Record<string, WeeklyMetric>;
  readonly divergent: DivergentPair[];
  readonly models: { pinned: string[]; current: string[] };
}

const ids = (rs: readonly CallRecord[]) =>
  [
    ...new Set(
      rs.flatMap((r) => [
        r.providerModel ?? r.model,
        ...(r.systemFingerprint ? [`fingerprint ${r.systemFingerprint}`] : []),
      ]),
    ),
  ].sort();
const weekly = (values: readonly number[]): WeeklyMetric => {
  const m = meanInterval(values);
  return { mean: m.mean, se: Number.isFinite(m.se) ? m.se : 0, n: m.n };
};

export async function computeSignals(input: {
  readonly records: readonly CallRecord[];
  readonly cases: readonly PreparedCase[];
  readonly targets: readonly [string, string];
  readonly embed: (texts: readonly string[]) => Promise<Float32Array[]>;
  readonly previousCurrentModels?: readonly string[];
  readonly seed: string;
  /** How each configured scorer fared: a scorer that failed keeps its row, with its errors. */
  readonly health?: readonly ScorerHealth[];
  /** Options of the "behaviour changed" test. */
  readonly behaviour?: BehaviourOptions;
  /** True when the embedder is a real embeddings model: adds the paired test on embedding differences. */
  readonly semanticEmbedder?: boolean;
}): Promise<ComputedSignals> {
  const [pinned, current] = input.targets;
  const ok = answered(input.records);
  const at = (caseId: string, target: string, repeat: number) =>
    ok.find((r) => r.caseId === caseId && r.target === target && r.repeat === repeat);
  const rng = mulberry32(seedFrom(`drift/${input.seed}`));
  const triples = input.cases
    .map((c) => ({ c, p0: at(c.case.id, pinned, 0), p1: at(c.case.id, pinned, 1), cur: at(c.case.id, current, 0) }))
    .filter((t): t is typeof t & { p0: OkRecord; cur: OkRecord } => t.p0 !== undefined && t.cur !== undefined);

  const signals: Signal[] = [];
  const pinnedRecords = ok.filter((r) => r.target === pinned);
  const currentRecords = ok.filter((r) => r.target === current);
  signals.push(modelIdentity(ids(pinnedRecords), ids(currentRecords), input.previousCurrentModels));

  // Embeddings of every answer once, in one batched prefetch.
  const texts = triples.flatMap((t) => [t.p0.output, t.cur.output, ...(t.p1 ? [t.p1.output] : [])]);
  const vectors = await input.embed(texts);
  const vectorOf = new Map<string, Float32Array>();
  texts.forEach((t, i) => {
    const v = vectors[i];
    if (v) vectorOf.set(t, v);
  });
  /** Every answer's text was embedded above: a missing one is an embedder that answered short. */
  const vec = (text: string): Float32Array => {
    const v = vectorOf.get(text);
    if (!v) throw new Error('the embedder returned fewer vectors than texts');
    return v;
  };
  const sim = triples.map((t) => cosine(vec(t.p0.output), vec(t.cur.output)));
  const floorTriples = triples.flatMap((t) => (t.p1 ? [{ ...t, p1: t.p1 }] : []));
  if (floorTriples.length > 0) {
    const g = floorTriples.map((t) => {
      const p0 = vec(t.p0.output);
      return cosine(p0, vec(t.p1.output)) - cosine(p0, vec(t.cur.output));
    });
    signals.push(semanticAgreement(g, rng));
  }

  // Behaviour changed: the paired, judge-free test on the answers themselves (first among the deciding signals).
  const answerPairs: AnswerPair[] = triples.map((t) => {
    const stratum = t.c.case.metadata.stratum;
    return {
      caseId: t.c.case.id,
      input: lastMessageText(t.c.messages),
      // Tool calls are part of the answer: a model that stops calling a tool has changed behaviour.
      pinned: renderAnswer(t.p0.output, t.p0.toolCalls),
      current: renderAnswer(t.cur.output, t.cur.toolCalls),
      ...(typeof stratum === 'string' && stratum !== '' ? { stratum } : {}),
    };
  });
  const behaviour = behaviourChanged(answerPairs, input.seed, input.behaviour);
  signals.push(behaviour.signal);
  signals.push(
    ...(await toolSignals(
      triples.map((t) => ({
        pinned: t.p0.toolCalls ?? [],
        current: t.cur.toolCalls ?? [],
        tools: t.c.options.tools ?? [],
      })),
    )),
  );
  if (input.semanticEmbedder && triples.length > 0) {
    signals.push(
      embeddingBehaviourChanged(
        triples.map((t) => vec(t.p0.output)),
        triples.map((t) => vec(t.cur.output)),
        input.seed,
        input.behaviour,
      ),
    );
  }

  const tokens = (r: CallRecord) => r.outputTokens ?? Math.ceil((r.output ?? '').length / 4);
  signals.push(
    pairedDifference(
      'output length (paired)',
      triples.map((t) => Math.log((tokens(t.cur) + 1) / (tokens(t.p0) + 1))),
      rng,
      'mean log ratio of output tokens, current / pinned',
      0.05,
    ),
  );
  const priced = triples.filter((t) => t.p0.costUsd !== null && t.cur.costUsd !== null);
  if (priced.length > 0)
    signals.push(
      pairedDifference(
        'cost per answer (paired)',
        priced.map((t) => (t.cur.costUsd as number) - (t.p0.costUsd as number)),
        rng,
        'mean dollars per answer, current − pinned',
      ),
    );

  const scorerNames = [
    ...new Set([...(input.health ?? []).map((h) => h.scorer), ...ok.flatMap((r) => r.scores.map((s) => s.name))]),
  ];
  const healthOf = new Map((input.health ?? []).map((h) => [h.scorer, h]));
  const errorsOf = (name: string): Signal['scoringErrors'] | undefined => {
    const h = healthOf.get(name);
    return h && h.errors > 0
      ? { errors: h.errors, of: h.outputs, ...(h.firstError ? { first: h.firstError } : {}) }
      : undefined;
  };
  const withErrors = (name: string, signal: Signal): Signal => {
    const e = errorsOf(name);
    return e ? { ...signal, scoringErrors: e } : signal;
  };
  const explainingScores: Signal[] = [];
  for (const name of scorerNames) {
    const score = (r: CallRecord) => r.scores.find((s) => s.name === name && s.error === undefined);
    const pairwise = triples.map((t) => preferenceOf(score(t.cur))).filter((p) => p !== undefined);
    if (pairwise.length > 0) {
      const count = (p: Preference) => pairwise.filter((x) => x === p).length;
      signals.push(
        withErrors(name, {
          ...pairwisePreference(count('win'), count('loss'), count('tie')),
          name: `${name} (pairwise judge)`,
        }),
      );
      continue;
    }
    const pairs = triples
      .map((t) => [score(t.p0), score(t.cur)] as const)
      .filter(([a, b]) => a?.value != null && b?.value != null);
    if (pairs.length === 0) {
      const h = healthOf.get(name);
      const label = `${name} (${h?.type ?? 'scorer'})`;
      signals.push(
        notTested(label, h && h.errors > 0 ? describeHealth(h) : 'no input has a score on both sides', errorsOf(name)),
      );
      continue;
    }
    if (pairs[0]?.[0]?.kind === 'binary') {
      signals.push(
        withErrors(
          name,
          ruleChecks(
            `${name} (rule check)`,
            pairs.filter(([a, b]) => a?.pass && !b?.pass).length,
            pairs.filter(([a, b]) => !a?.pass && b?.pass).length,
          ),
        ),
      );
    } else {
      const diffs = pairs.map(([a, b]) => (b?.value as number) - (a?.value as number));
      const signal = pairedDifference(
        `${name} (paired score)`,
        diffs,
        rng,
        'mean score, current − pinned',
        0.03,
        'quality',
      );
      // Wilcoxon signed-rank as the secondary check for ordinal judge scores (SPEC).
      const wilcoxon = twoSidedWilcoxon(diffs);
      signals.push(withErrors(name, { ...signal, details: { wilcoxonP: wilcoxon } }));
      explainingScores.push(
        lengthDistribution(
          `${name} distribution`,
          pairs.map(([a]) => a?.value as number),
          pairs.map(([, b]) => b?.value as number),
        ),
      );
    }
  }
  signals.push(...explainingScores);

  // Explaining: what changed, unpaired.
  signals.push(
    lengthDistribution(
      'output length',
      triples.map((t) => tokens(t.p0)),
      triples.map((t) => tokens(t.cur)),
    ),
  );
  const latencies = triples.filter((t) => t.p0.latencyMs !== null && t.cur.latencyMs !== null);
  if (latencies.length > 1)
    signals.push(
      lengthDistribution(
        'latency',
        latencies.map((t) => t.p0.latencyMs as number),
        latencies.map((t) => t.cur.latencyMs as number),
      ),
    );
  signals.push(
    embeddingDistribution(
      triples.map((t) => vec(t.p0.output)),
      triples.map((t) => vec(t.cur.output)),
      rng,
    ),
  );
  const refusals = (rs: OkRecord[]) => {
    const refused = rs.filter((r) => detectRefusal(r.output, r.finishReason) !== null).length;
    return { refused, answered: rs.length - refused };
  };
  signals.push(categorical('refusal rate', refusals(triples.map((t) => t.p0)), refusals(triples.map((t) => t.cur))));
  const finish = (rs: CallRecord[]) =>
    rs.reduce<Record<string, number>>(
      (acc, r) => ({ ...acc, [r.finishReason ?? 'none']: (acc[r.finishReason ?? 'none'] ?? 0) + 1 }),
      {},
    );
  signals.push(categorical('finish reasons', finish(triples.map((t) => t.p0)), finish(triples.map((t) => t.cur))));

  const metrics: Record<string, WeeklyMetric> = {
    agreement: weekly(sim),
    current_output_tokens: weekly(triples.map((t) => tokens(t.cur))),
    current_refusal_rate: weekly(triples.map((t) => (detectRefusal(t.cur.output, t.cur.finishReason) ? 1 : 0))),
  };
  for (const name of scorerNames) {
    const values = triples
      .map((t) => t.cur.scores.find((s) => s.name === name && s.error === undefined)?.value)
      .filter((v): v is number => typeof v === 'number');
    if (values.length) metrics[`current_${name}`] = weekly(values);
  }

  const divergent = triples
    .map((t, i) => ({ t, s: sim[i] as number }))
    .sort((a, b) => a.s - b.s)
    .slice(0, 5)
    .map(({ t, s }) => ({
      caseId: t.c.case.id,
      input: lastMessageText(t.c.messages),
      pinned: renderAnswer(t.p0.output, t.p0.toolCalls),
      current: renderAnswer(t.cur.output, t.cur.toolCalls),
      similarity: s,
      scores: Object.fromEntries(
        scorerNames.map((n) => [
          n,
          {
            pinned: t.p0.scores.find((x) => x.name === n)?.value ?? null,
            current: t.cur.scores.find((x) => x.name === n)?.value ?? null,
          },
        ]),
      ),
    }));
  const pricedPairs: PricedPair[] = priced.map((t) => ({
    stratum: typeof t.c.case.metadata.stratum === 'string' ? t.c.case.metadata.stratum : '(all)',
    pinnedUsd: t.p0.costUsd as number,
    currentUsd: t.cur.costUsd as number,
  }));
  return {
    signals,
    vocabulary: behaviour.vocabulary,
    priced: pricedPairs,
    metrics,
    divergent,
    models: { pinned: ids(pinnedRecords), current: ids(currentRecords) },
  };
}

function twoSidedWilcoxon(diffs: readonly number[]): number {
  return Math.min(1, 2 * Math.min(wilcoxonSignedRank(diffs, 'greater').p, wilcoxonSignedRank(diffs, 'less').p));
}

/**
 * Tool-use signals, when any answer called a tool. Arguments are checked against the schema of the
 * tool as the request defined it (ajv, loaded only here); a call to a tool the request did not
 * define, or with arguments that are not JSON, is invalid. Without definitions, parsing is the check.
 */
async function toolSignals(pairs: readonly ToolPair[]): Promise<Signal[]> {
  if (!pairs.some((p) => p.pinned.length + p.current.length > 0)) return [];
  const validatorOf = await loadValidators();
  const signals = toolUseSignals(pairs);
  const validity = argumentValiditySignal(pairs, (call, tools) =>
    tools.length === 0 ? call.rawArguments === undefined : toolCallProblem(call, tools, validatorOf) === undefined,
  );
  if (validity) signals.splice(1, 0, validity);
  return signals;
}
