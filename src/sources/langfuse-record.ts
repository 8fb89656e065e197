/**
 * A Langfuse generation (an observation of the public v2 API) as a normalized log record. The v2
 * API returns input and output as raw strings: they are parsed here, in the OpenAI spelling the
 * Langfuse integrations log. Metadata becomes the record's attributes, so `drift.fields` can name
 * any key of it (`feature: attributes.tier`); the feature defaults to `metadata.feature`, then the
 * trace's name, then the observation's.
 */
import { NORMALIZED_LOG_SCHEMA_VERSION, type NormalizedFeedback, type NormalizedLog } from './normalized-log.js';
import { answerOf, LogProblem, parsedJson, requestOf } from './openai-messages.js';
import { countOf, isRecord, optional, textOf } from './values.js';

function usageOf(details: unknown): NormalizedLog['usage'] | undefined {
  if (!isRecord(details)) return undefined;
  const usage = {
    ...optional('inputTokens', countOf(details.input) ?? countOf(details.prompt_tokens)),
    ...optional('outputTokens', countOf(details.output) ?? countOf(details.completion_tokens)),
    ...optional(
      'cachedInputTokens',
      countOf(details.input_cached_tokens) ??
        countOf(details.cache_read_input_tokens) ??
        countOf(details.input_cache_read),
    ),
    ...optional('reasoningTokens', countOf(details.output_reasoning_tokens) ?? countOf(details.output_reasoning)),
  };
  return Object.keys(usage).length > 0 ? usage : undefined;
}

function latencyMs(observation: Record<string, unknown>): number | undefined {
  const seconds = countOf(observation.latency);
  if (seconds !== undefined) return Math.round(seconds * 1000);
  const start = Date.parse(String(observation.startTime ?? ''));
  const end = Date.parse(String(observation.endTime ?? ''));
  return Number.isFinite(start) && Number.isFinite(end) && end >= start ? end - start : undefined;
}

export function langfuseLog(observation: unknown, feedback?: readonly NormalizedFeedback[]): NormalizedLog {
  if (!isRecord(observation)) throw new LogProblem('an observation must be an object');
  const metadata = parsedJson(observation.metadata);
  const attributes = isRecord(metadata) ? metadata : undefined;
  const input = requestOf(observation.input, 'input');
  const output = answerOf(observation.output, 'output');
  const cost =
    countOf(observation.totalCost) ??
    (isRecord(observation.costDetails) ? countOf(observation.costDetails.total) : undefined);
  const promptName = textOf(observation.promptName);
  const promptVersion = countOf(observation.promptVersion);
  const error = observation.level === 'ERROR' ? (textOf(observation.statusMessage) ?? 'error') : undefined;
  const feature = textOf(attributes?.feature) ?? textOf(observation.traceName) ?? textOf(observation.name);
  return {
    schemaVersion: NORMALIZED_LOG_SCHEMA_VERSION,
    source: 'langfuse',
    ...optional('traceId', textOf(observation.traceId)),
    ...optional('spanId', textOf(observation.id)),
    ...optional('time', textOf(observation.startTime)),
    ...optional('latencyMs', latencyMs(observation)),
    ...optional('feature', feature),
    ...optional('user', textOf(observation.userId)),
    ...optional('session', textOf(observation.sessionId)),
    input,
    ...optional('output', output),
    ...optional('servedModel', textOf(observation.model)),
    ...optional('usage', usageOf(observation.usageDetails)),
    ...optional('costUsd', cost),
    ...optional('prompt', promptName ? { name: promptName, ...optional('version', promptVersion) } : undefined),
    ...optional('environment', textOf(observation.environment)),
    ...optional('error', error),
    ...optional('feedback', feedback && feedback.length > 0 ? feedback : undefined),
    ...optional('attributes', attributes),
  };
}
