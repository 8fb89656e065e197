/**
 * The schema of `driftgate.yaml` (SPEC "Configuration"). It is the single source of truth: the
 * TypeScript types, the validation messages and the exported JSON Schema for editors
 * (`driftgate.schema.json`, `npm run schema`) all come from here.
 *
 * YAML keys are snake_case like the spec (`min_effect`, `timeout_ms`); `baseURL` keeps the SDKs'
 * spelling so it can be copied from their docs.
 */
import { z } from 'zod';
import { PRESET_NAMES } from '../sources/log-presets.js';
import { logSourceSchema } from '../sources/log-sources.js';
import { scorerConfigSchema } from '../scorers/config-schema.js';
import { modelSchema, priceSchema } from '../providers/model-schema.js';
import { type messageSchema, promptSchema, requestOptionFieldSchemas } from '../datasets/suite-inputs-schema.js';

export { messageSchema, promptSchema } from '../datasets/suite-inputs-schema.js';

export { modelSchema, priceSchema, type ModelConfig, type PriceConfig } from '../providers/model-schema.js';

export const gateSchema = z.strictObject({
  alpha: z
    .number()
    .gt(0)
    .lt(1)
    .default(0.05)
    .describe('One-sided significance level, Holm-corrected across gated metrics'),
  min_effect: z
    .number()
    .nonnegative()
    .default(0.03)
    .describe('Smallest change in a pass rate or [0, 1] score that matters (0.03 = 3 points)'),
  min_relative_effect: z
    .number()
    .nonnegative()
    .default(0.1)
    .describe('Smallest relative change in cost or latency that matters (0.1 = 10%)'),
  metrics: z
    .array(z.string().min(1))
    .optional()
    .describe(
      'Metrics that can fail the gate: pass_rate, scorer names, cost, latency, latency_p95 (default: pass_rate and every scorer)',
    ),
  correction: z
    .enum(['holm', 'bh'])
    .default('holm')
    .describe(
      'Multiplicity correction across the gated metrics of a run: holm (family-wise error) or bh (false discovery rate, for exploring)',
    ),
  require_calibration: z
    .strictObject({
      labels: z
        .string()
        .min(1)
        .optional()
        .describe('JSONL of {id, human_score?, human_pass?}; default: the labels in the dataset'),
      min_kappa: z
        .number()
        .min(-1)
        .max(1)
        .default(0.6)
        .describe('Agreement with the humans (weighted κ on scores, else κ on pass/fail) a judge needs to gate'),
    })
    .optional()
    .describe(
      "A judge's metric gates only when the judge agrees well enough with human labels; otherwise it is reported, not gated, and the report says why",
    ),
  adaptive: z
    .strictObject({
      max_extra_calls: z
        .int()
        .min(1)
        .describe('Answer calls the extra rounds may make in all (their judge calls come on top)'),
      max_rounds: z
        .int()
        .min(1)
        .max(4)
        .default(2)
        .describe('Extra rounds at most; every round is one more look of a group-sequential test'),
      spending: z
        .enum(['pocock', 'obrien-fleming'])
        .default('pocock')
        .describe(
          'Lan–DeMets alpha spending: pocock spends evenly (verdicts early, fewer extra calls); obrien-fleming keeps almost all of alpha for the last look (nearly every inconclusive gate runs its rounds)',
        ),
    })
    .optional()
    .describe(
      'When a gated metric is inconclusive, repeat the current side of the cases that carry the uncertainty and look again, with Lan–DeMets alpha spending so the looks keep the false-alarm rate at alpha',
    ),
  rescore: z
    .enum(['auto', 'never'])
    .default('auto')
    .describe(
      'When a scorer changed since the baseline (rubric, judge model, options): auto scores the baseline outputs again with it, so the metric is still compared; never reports it "not compared"',
    ),
});

const suiteNameSchema = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'expected a name of letters, digits, ".", "_" or "-" (it names files)');

export const suiteSchema = z.strictObject({
  name: suiteNameSchema,
  dataset: z.string().min(1).describe('Path of a .jsonl, .json or .csv file, relative to driftgate.yaml'),
  prompt: promptSchema.optional().describe('Omit when every case carries its own messages'),
  targets: z.array(z.string().min(1)).min(1).default(['current']),
  ...requestOptionFieldSchemas,
  repeats: z.int().min(1).max(100).default(1).describe('Samples per case and target'),
  scorers: z.array(scorerConfigSchema).default([]),
  gate: gateSchema.optional(),
  quarantine: z
    .union([z.array(z.string().min(1)), z.string().min(1)])
    .optional()
    .describe(
      'Case ids (or a file with one id per line) that keep running and are reported, but are left out of the gated metrics',
    ),
  derived: z
    .record(
      z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'expected a name of letters, digits and "_"'),
      z.string().min(1),
    )
    .optional()
    .describe(
      'Metrics computed per case from this suite\'s scores, e.g. { quality: "0.6 * judge + 0.4 * similarity" }; gated like any score',
    ),
  forecast: z
    .strictObject({
      monthly_calls: z
        .int()
        .positive()
        .describe('Calls a month in production: cost changes are shown as dollars a month at this volume'),
    })
    .optional()
    .describe('Money in plain terms: the cost change per answer, times a month of calls'),
});

export const runnerSchema = z.strictObject({
  concurrency: z.int().min(1).max(1000).default(8),
  timeout_ms: z.int().min(1).default(60_000).describe('Per-request timeout'),
  max_retries: z.int().min(0).max(20).default(4).describe('Retries on 5xx, timeouts, resets and malformed bodies'),
  retry_base_ms: z
    .int()
    .min(1)
    .default(500)
    .describe('First backoff delay; doubles each retry, with jitter, capped at 30 s'),
  max_rate_limit_wait_ms: z
    .int()
    .min(0)
    .default(300_000)
    .describe('How long one call may keep waiting on 429 responses before it becomes an error record'),
  mode: z
    .enum(['online', 'batch'])
    .default('online')
    .describe(
      "batch: send the run's answers, then its judge verdicts, through the OpenAI Batch API / Anthropic Message Batches (half price, hours not minutes); --batch does the same",
    ),
  batch: z
    .strictObject({
      poll_ms: z.int().min(1).default(30_000).describe('How often to ask whether a batch has ended'),
      max_requests: z
        .int()
        .min(1)
        .optional()
        .describe(
          "Requests per batch at most (default: the provider's limit, 50,000 for OpenAI and 100,000 for Anthropic); more make several batches",
        ),
      max_wait_ms: z
        .int()
        .min(1)
        .default(86_400_000)
        .describe('Stop waiting after this long (the batch ids stay in the run: --resume polls them again)'),
      failed: z
        .enum(['online', 'error'])
        .default('online')
        .describe(
          'Requests a batch did not answer (failed, expired, cancelled): online calls them one by one; error makes them error records',
        ),
    })
    .default({ poll_ms: 30_000, max_wait_ms: 86_400_000, failed: 'online' }),
  embedding_batch_size: z
    .int()
    .min(1)
    .max(2048)
    .default(256)
    .describe('Texts per embeddings request (OpenAI accepts up to 2,048)'),
  max_errors: z
    .union([z.int().min(0), z.string().regex(/^\d+(\.\d+)?%$/, 'expected a count or a percentage such as "5%"')])
    .default(0)
    .describe('Error records tolerated before the run counts as incomplete (exit 3)'),
  max_scorer_errors: z
    .union([z.int().min(0), z.string().regex(/^\d+(\.\d+)?%$/, 'expected a count or a percentage such as "5%"')])
    .default('5%')
    .describe(
      'Failed scorings tolerated per scorer (a count, or a share of the outputs it scores) before the run counts as incomplete (exit 3); a scorer whose first 5 scorings all fail is stopped at once',
    ),
});

export const driftSchema = z.strictObject({
  logs: z
    .union([z.string().min(1), z.array(z.string().min(1)).min(1), logSourceSchema])
    .describe(
      'Log files or glob patterns (.jsonl, .csv, OTLP .json/.gz), relative to driftgate.yaml, or a platform to read them from: { source: langfuse, … } (docs/log-sources.md)',
    ),
  format: z
    .enum(PRESET_NAMES)
    .default('generic')
    .describe('Field-mapping preset for log files (a source hands normalized records: its preset is normalized)'),
  fields: z
    .strictObject({
      input: z.string().min(1).optional(),
      output: z.string().min(1).optional(),
      feature: z.string().min(1).optional(),
      time: z.string().min(1).optional(),
      model: z.string().min(1).optional().describe('The model id that answered (the served model)'),
      user: z.string().min(1).optional(),
      requestedModel: z.string().min(1).optional().describe('The model (alias) the application asked for'),
      fingerprint: z.string().min(1).optional(),
      inputTokens: z.string().min(1).optional(),
      outputTokens: z.string().min(1).optional(),
      cachedInputTokens: z.string().min(1).optional(),
      costUsd: z.string().min(1).optional().describe('Logged cost of the call in US dollars'),
      latencyMs: z.string().min(1).optional(),
      error: z.string().min(1).optional(),
      session: z.string().min(1).optional(),
      feedback: z
        .string()
        .min(1)
        .optional()
        .describe('Feedback on the call: a list of { name, value }, or one value (thumbs, a rating)'),
      promptVersion: z.string().min(1).optional(),
    })
    .optional()
    .describe('Dotted paths that override the preset'),
  sample: z
    .strictObject({
      size: z.int().min(2).max(100_000).default(300),
      stratify: z.enum(['feature', 'model', 'user']).optional(),
      min_per_stratum: z.int().min(0).default(5),
      seed: z.string().min(1).default('auto').describe('"auto" = the ISO week, so a week’s job reproduces its sample'),
      since: z
        .string()
        .regex(/^\d+[dhm]$/, 'expected a duration such as 7d, 12h or 30m')
        .optional(),
    })
    .default({ size: 300, min_per_stratum: 5, seed: 'auto' }),
  redact: z
    .array(z.enum(['email', 'phone', 'card', 'ip', 'secret']))
    .default(['email', 'phone', 'card', 'ip', 'secret']),
  targets: z
    .tuple([z.string().min(1), z.string().min(1)])
    .default(['pinned', 'current'])
    .describe('[pinned, current]'),
  pinned_samples: z
    .int()
    .min(1)
    .max(5)
    .default(2)
    .describe('Samples of the pinned model per input; 2 gives the semantic-agreement floor'),
  embedder: z.string().min(1).default('embedder'),
  scorers: z.array(scorerConfigSchema).default([]),
  alpha: z.number().gt(0).lt(1).default(0.01).describe('Per weekly run; Holm across the deciding signals'),
  fail_on: z
    .enum(['changed', 'worse'])
    .default('changed')
    .describe(
      'Exit 1 when behaviour changed (any deciding signal), or only when quality got worse (judge, rule checks, similarity, refusals)',
    ),
  behaviour: z
    .strictObject({
      permutations: z
        .int()
        .min(99)
        .max(1_000_000)
        .default(10_000)
        .describe('Sign flips of the "behaviour changed" test; its p-value resolution is 1/(permutations + 1)'),
      components: z
        .int()
        .min(1)
        .max(256)
        .default(64)
        .describe('Top singular directions of the answer differences the test keeps'),
      min_stratum: z.int().min(2).default(5).describe('Fewest inputs a stratum needs to be tested on its own'),
    })
    .default({ permutations: 10_000, components: 64, min_stratum: 5 })
    .describe('The paired, judge-free "behaviour changed" test on the answers themselves'),
  forecast: z
    .strictObject({ monthly_calls: z.int().positive() })
    .optional()
    .describe(
      'Calls a month for the cost forecast (default: the lines of the sampling window, scaled to 30 days, when sample.since is set)',
    ),
  budget: z
    .strictObject({
      monthly_usd: z.number().positive().describe("The month's budget for the logged traffic, in US dollars"),
      alert_at: z.number().gt(0).max(10).default(0.8).describe('Alert when the forecast passes this share of it'),
    })
    .optional()
    .describe("Production cost: an alert when the month's forecast from the window's logs crosses the budget"),
  group_by: z
    .string()
    .min(1)
    .optional()
    .describe('A field of the log lines (e.g. attributes.tier) the production cost is also broken down by'),
  notify: z
    .strictObject({
      webhook: z
        .string()
        .regex(
          /^[A-Za-z_][A-Za-z0-9_]*$/,
          'the name of an environment variable holding the URL, e.g. SLACK_WEBHOOK_URL',
        )
        .describe('The environment variable holding a Slack-compatible incoming-webhook URL'),
      on: z.enum(['drift', 'always']).default('drift').describe('Post only when drift is detected, or every run'),
    })
    .optional()
    .describe('Post the verdict to a chat webhook (a failing webhook is a warning, never a lost verdict)'),
  replay: z
    .enum(['always', 'on-change'])
    .default('always')
    .describe(
      'on-change: replay through pinned and current only when a served model id or fingerprint changed since the last run (no calls otherwise)',
    ),
  history: z.string().min(1).default('.driftgate/history.jsonl'),
  window: z.int().min(1).max(52).default(4).describe('Trailing runs this week is compared with'),
  max_bad_lines: z.number().min(0).max(1).default(0.05).describe('Share of unusable log lines tolerated'),
});

export const configSchema = z.strictObject({
  $schema: z.string().optional(),
  version: z.literal(1),
  models: z.record(z.string().regex(/^[A-Za-z0-9._-]+$/), modelSchema),
  pricing: z.record(z.string(), priceSchema).optional().describe('Extra or overriding prices by model name'),
  runner: runnerSchema.default(runnerSchema.parse({})),
  suites: z.array(suiteSchema).default([]),
  drift: driftSchema.optional(),
});

export type MessageConfig = z.infer<typeof messageSchema>;
export type SuiteConfig = z.infer<typeof suiteSchema>;
export type RunnerConfig = z.infer<typeof runnerSchema>;
export type DriftConfig = z.infer<typeof driftSchema>;
export type DriftgateConfig = z.infer<typeof configSchema>;
