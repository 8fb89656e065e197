/**
 * `judge`: LLM-as-judge with a rubric file.
 *
 * - `mode: grade` (default, continuous): an integer verdict on the rubric's scale, normalised to
 *   [0, 1] as (score − min) / (max − min); passes at the rubric's `pass` (or this scorer's). With
 *   `samples: k` the k verdicts are averaged. Reference-guided when the case has `expected`.
 * - `mode: pairwise` (continuous, needs `against: <target>`): is this output better than that
 *   target's for the same case? Asked in both orders; a preference that flips with the order is a
 *   tie. 1 = win, 0.5 = tie, 0 = loss.
 *
 * The judge is its own target (`model: judge` by default, through either SDK), and every verdict
 * is a cached, budgeted call like any other.
 */
import { renderAnswer } from '../../conversation/types.js';
import { z } from 'zod';
import { ConfigError } from '../../errors.js';
import { continuousScore, errorScore } from '../score.js';
import { renderForCase } from '../case-template.js';
import { defineScorer, scorerMeta } from '../definition.js';
import type { Scorer, ScorerBuildContext, ScoringInput, ScoringServices } from '../types.js';
import { loadRubric, type Rubric } from './rubric.js';
import { gradingMessages, gradingVerdictSchema, pairwiseMessages, PAIRWISE_VERDICT_SCHEMA } from './prompt.js';
import { askVerdict, emptyCost } from './verdict.js';

export const judgeSchema = z
  .strictObject({
    type: z.literal('judge'),
    name: z.string().min(1).optional(),
    rubric: z.string().min(1).describe('Path of a rubric file (rubrics/*.md)'),
    model: z.string().min(1).default('judge').describe('The target that judges'),
    mode: z.enum(['grade', 'pairwise']).default('grade'),
    against: z.string().min(1).optional().describe('pairwise: the target whose output this one is compared with'),
    pass: z.number().optional().describe("Overrides the rubric's pass threshold"),
    samples: z.int().min(1).max(10).default(1).describe('Verdicts averaged per output'),
    reference: z
      .union([z.string(), z.literal(false)])
      .optional()
      .describe('Reference text ({{expected}} by default when the case has one); false to judge without'),
  })
  .refine((c) => c.mode !== 'pairwise' || c.against !== undefined, {
    message: 'pairwise mode needs "against: <target>"',
    path: ['against'],
  });

type JudgeConfig = z.infer<typeof judgeSchema>;

const gradeVerdict = (rubric: Rubric) =>
  z.object({ reasoning: z.string(), score: z.int().min(rubric.scale[0]).max(rubric.scale[1]) });
const pairVerdict = z.object({ reasoning: z.string(), winner: z.enum(['A', 'B', 'tie']) });

export function createJudge(config: JudgeConfig, ctx: ScorerBuildContext): Scorer {
  const judgeModel = ctx.models[config.model];
  if (!judgeModel)
    throw new ConfigError(
      `${ctx.where}.model: no model named "${config.model}" under models (the judge is a target of its own)`,
    );
  if (judgeModel.provider === 'local')
    throw new ConfigError(`${ctx.where}.model: "${config.model}" is the local embedder and cannot judge`);
  const rubric = loadRubric(ctx.rootDir, config.rubric, ctx.where);
  const passAt = config.pass ?? rubric.pass;
  if (passAt < rubric.scale[0] || passAt > rubric.scale[1])
    throw new ConfigError(`${ctx.where}.pass: ${passAt} is outside the rubric's scale [${rubric.scale.join(', ')}]`);
  const judge = { target: config.model, model: judgeModel };
  const meta = scorerMeta(ctx, config, {
    kind: 'continuous',
    phase: config.mode === 'pairwise' ? 'after' : 'inline',
    idOf: {
      config,
      rubric: rubric.source,
      judge: { provider: judgeModel.provider, model: judgeModel.model, params: judgeModel.params },
    },
  });
  const referenceOf = (input: ScoringInput): string | undefined => {
    if (config.reference === false) return undefined;
    if (typeof config.reference === 'string') return renderForCase(config.reference, input.case);
    const expected = input.case.expected;
    return expected === undefined ? undefined : typeof expected === 'string' ? expected : JSON.stringify(expected);
  };
  return {
    ...meta,
    score: (input, services) => (config.mode === 'pairwise' ? pairwise(input, services) : grade(input, services)),
  };

  async function grade(input: ScoringInput, services: ScoringServices) {
    const reference = referenceOf(input);
    const messages = gradingMessages({
      rubric,
      conversation: input.messages,
      output: renderAnswer(input.output, input.record.toolCalls),
      ...(reference !== undefined ? { reference } : {}),
    });
    const cost = emptyCost();
    const scores: number[] = [];
    let reasoning = '';
    for (let s = 0; s < config.samples; s++) {
      const result = await askVerdict(services, {
        judge,
        messages,
        structured: {
          name: 'verdict',
          description: `Verdict on the ${rubric.name} rubric`,
          schema: gradingVerdictSchema(rubric),
        },
        validator: gradeVerdict(rubric),
        sample: s + (input.sampleOffset ?? 0),
        cost,
      });
      if (!result.ok) return errorScore(meta, result.error, { judge: cost });
      scores.push(result.verdict.score);
      reasoning ||= result.verdict.reasoning;
    }
    const mean = scores.reduce((a, b) => a + b, 0) / scores.length;
    const [lo, hi] = rubric.scale;
    return continuousScore(meta, (mean - lo) / (hi - lo), mean >= passAt, reasoning, {
      score: mean,
      scale: rubric.scale,
      samples: scores,
      referenceGuided: reference !== undefined,
      judge: cost,
    });
  }

  async function pairwise(input: ScoringInput, services: ScoringServices) {
    if (!input.other) return errorScore(meta, `no output of target "${config.against}" for this case to compare with`);
    const reference = referenceOf(input);
    const cost = emptyCost();
    const ask = (first: string, second: string) =>
      askVerdict(services, {
        judge,
        messages: pairwiseMessages({
          rubric,
          conversation: input.messages,
          first,
          second,
          ...(reference !== undefined ? { reference } : {}),
        }),
        structured: {
          name: 'preference',
          description: `Which answer is better on the ${rubric.name} rubric`,
          schema: PAIRWISE_VERDICT_SCHEMA,
        },
        validator: pairVerdict,
        sample: 0,
        cost,
      });
    const mine = renderAnswer(input.output, input.record.toolCalls);
    const theirs = renderAnswer(input.other.output, input.other.toolCalls);
    const thisFirst = await ask(mine, theirs);
    if (!thisFirst.ok) return errorScore(meta, thisFirst.error, { judge: cost });
    const otherFirst = await ask(theirs, mine);
    if (!otherFirst.ok) return errorScore(meta, otherFirst.error, { judge: cost });
    // Map both verdicts to this output's point of view.
    const a = thisFirst.verdict.winner === 'A' ? 'win' : thisFirst.verdict.winner === 'B' ? 'loss' : 'tie';
    const b = otherFirst.verdict.winner === 'B' ? 'win' : otherFirst.verdict.winner === 'A' ? 'loss' : 'tie';
    const consistent = a === b;
    const preference = consistent ? a : 'tie';
    const value = preference === 'win' ? 1 : preference === 'tie' ? 0.5 : 0;
    return continuousScore(
      meta,
      value,
      undefined,
      consistent
        ? thisFirst.verdict.reasoning
        : `order-inconsistent (${a} when first, ${b} when second): counted as a tie`,
      {
        preference,
        consistent,
        verdicts: [thisFirst.verdict.winner, otherFirst.verdict.winner],
        against: input.other.target,
        judge: cost,
      },
    );
  }
}

export const judgeScorer = defineScorer({
  type: 'judge',
  schema: judgeSchema,
  doc: {
    kind: 'continuous',
    checks: 'an LLM grades against a rubric file',
    options: '`rubric`, `model` (default `judge`), `pass`, `samples`, `reference`, `mode: pairwise` + `against`',
  },
  create: createJudge,
});
