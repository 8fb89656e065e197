/**
 * Where the fields of a production log line live, and the presets for common export shapes —
 * declared once: `drift.format` in the config, `init --from-logs --format` and the help text all
 * take their names from here, so adding a preset is one entry. No imports: the CLI reads the names
 * before it loads anything else.
 */
export interface FieldMapping {
  readonly input: string;
  readonly output?: string;
  readonly feature?: string;
  readonly time?: string;
  readonly model?: string;
  readonly user?: string;
  /** Where the request's tools, tool_choice and response_format live (siblings of the messages when unset). */
  readonly tools?: string;
  readonly toolChoice?: string;
  readonly responseFormat?: string;
  /** What the production section reads from every line (usage, cost, served model): absent, it says so. */
  readonly requestedModel?: string;
  readonly fingerprint?: string;
  readonly inputTokens?: string;
  readonly outputTokens?: string;
  readonly cachedInputTokens?: string;
  readonly costUsd?: string;
  readonly latencyMs?: string;
  readonly error?: string;
  readonly session?: string;
  /** Scores and users' feedback on the call: a list of `{ name, value }` (or one value, named `feedback`). */
  readonly feedback?: string;
  readonly promptVersion?: string;
}

const NORMALIZED_FIELDS = {
  input: 'input.messages',
  output: 'output.text',
  feature: 'feature',
  time: 'time',
  model: 'servedModel',
  user: 'user',
  tools: 'input.tools',
  toolChoice: 'input.tool_choice',
  responseFormat: 'input.response_format',
  requestedModel: 'requestedModel',
  fingerprint: 'fingerprint',
  inputTokens: 'usage.inputTokens',
  outputTokens: 'usage.outputTokens',
  cachedInputTokens: 'usage.cachedInputTokens',
  costUsd: 'costUsd',
  latencyMs: 'latencyMs',
  error: 'error',
  session: 'session',
  feedback: 'feedback',
  promptVersion: 'prompt.version',
} as const satisfies FieldMapping;

export const PRESETS = {
  /** `{ input, output, feature, timestamp, model, user }` at the top level. */
  generic: { input: 'input', output: 'output', feature: 'feature', time: 'timestamp', model: 'model', user: 'user' },
  /** Raw OpenAI chat request/response pairs, as many gateways log them. */
  'openai-chat': {
    input: 'request.messages',
    output: 'response.choices.0.message.content',
    feature: 'metadata.feature',
    time: 'created_at',
    model: 'response.model',
    user: 'request.user',
    tools: 'request.tools',
    toolChoice: 'request.tool_choice',
    responseFormat: 'request.response_format',
    requestedModel: 'request.model',
    fingerprint: 'response.system_fingerprint',
    inputTokens: 'response.usage.prompt_tokens',
    outputTokens: 'response.usage.completion_tokens',
    cachedInputTokens: 'response.usage.prompt_tokens_details.cached_tokens',
  },
  /** A Langfuse generations export. */
  langfuse: {
    input: 'input',
    output: 'output',
    feature: 'metadata.feature',
    time: 'startTime',
    model: 'model',
    user: 'userId',
    inputTokens: 'usageDetails.input',
    outputTokens: 'usageDetails.output',
    costUsd: 'totalCost',
    session: 'sessionId',
  },
  /**
   * Normalized log records (sources/normalized-log.ts), one per line: a `driftgate logs pull`
   * snapshot, and what every log source (Langfuse, LangSmith, stored completions) hands the sampler.
   * A span attribute or a platform's metadata key is `attributes.<its key>`, e.g.
   * `fields: { feature: attributes.app.feature }`.
   */
  normalized: NORMALIZED_FIELDS,
  /** OTLP trace files (the Collector's file exporter; plain or gzip), read into normalized records by sources/otlp.ts. */
  otlp: NORMALIZED_FIELDS,
} satisfies Readonly<Record<string, FieldMapping>>;

/** How a preset's files are read: lines of JSON or CSV rows (the default), or OTLP trace exports. */
export type LogReader = 'lines' | 'otlp';

export const PRESET_READERS: Readonly<Partial<Record<keyof typeof PRESETS, LogReader>>> = { otlp: 'otlp' };

export type PresetName = keyof typeof PRESETS;

/** The preset names in declaration order (`generic`, the default, first); keys of an object literal keep it. */
export const PRESET_NAMES = Object.keys(PRESETS) as [PresetName, ...PresetName[]];

/** The preset's mapping with the config's own paths laid over it. */
export function readerOf(preset: PresetName): LogReader {
  return PRESET_READERS[preset] ?? 'lines';
}

export function fieldMapping(preset: PresetName, overrides: Partial<FieldMapping> = {}): FieldMapping {
  return { ...PRESETS[preset], ...overrides };
}
