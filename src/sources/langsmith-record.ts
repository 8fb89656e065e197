/**
 * A LangSmith run of type `llm` as a normalized log record. LangSmith keeps what the tracer sent:
 * runs traced with `wrapOpenAI` / `traceable` hold the OpenAI request and completion; LangChain
 * chat models hold LangChain messages (`{type: 'human', content}`, or the serialized
 * `{lc: 1, id: [..., 'HumanMessage'], kwargs}`) and `generations`. Both read into the OpenAI
 * spelling the rest of driftgate uses. Metadata (`extra.metadata`) becomes the attributes; the
 * feature defaults to `metadata.feature`, then the run's name.
 */
import { NORMALIZED_LOG_SCHEMA_VERSION, type NormalizedFeedback, type NormalizedLog } from './normalized-log.js';
import { answerOf, LogProblem, requestOf } from './openai-messages.js';
import { countOf, isRecord, optional, textOf } from './values.js';

const LANGCHAIN_ROLES: Record<string, string> = {
  human: 'user',
  HumanMessage: 'user',
  HumanMessageChunk: 'user',
  ai: 'assistant',
  AIMessage: 'assistant',
  AIMessageChunk: 'assistant',
  system: 'system',
  SystemMessage: 'system',
  tool: 'tool',
  ToolMessage: 'tool',
};

/** A LangChain message (plain or serialized) in the OpenAI spelling; anything else as is. */
function openaiSpelling(value: unknown): unknown {
  if (!isRecord(value) || 'role' in value) return value;
  const serialized = value.lc === 1 && Array.isArray(value.id) && isRecord(value.kwargs);
  const kind = serialized ? String((value.id as unknown[]).at(-1)) : String(value.type ?? '');
  const fields = serialized ? (value.kwargs as Record<string, unknown>) : isRecord(value.data) ? value.data : value;
  const role = LANGCHAIN_ROLES[kind];
  if (!role) return value;
  const extra = isRecord(fields.additional_kwargs) ? fields.additional_kwargs : {};
  // LangChain's own tool calls are {name, args, id}; the OpenAI form sits in additional_kwargs.
  const toolCalls = Array.isArray(fields.tool_calls)
    ? fields.tool_calls.map((call: unknown) =>
        isRecord(call) && typeof call.name === 'string'
          ? { id: call.id, type: 'function', function: { name: call.name, arguments: JSON.stringify(call.args ?? {}) } }
          : call,
      )
    : extra.tool_calls;
  return {
    role,
    content: fields.content ?? null,
    ...(Array.isArray(toolCalls) && toolCalls.length > 0 ? { tool_calls: toolCalls } : {}),
    ...(fields.tool_call_id !== undefined ? { tool_call_id: fields.tool_call_id } : {}),
  };
}

function inputOf(inputs: unknown): NormalizedLog['input'] {
  if (!isRecord(inputs)) throw new LogProblem('inputs: no input messages');
  // Chat model runs hold one message list per prompt in the batch: the first is the call's.
  const raw =
    Array.isArray(inputs.messages) && Array.isArray(inputs.messages[0]) ? inputs.messages[0] : inputs.messages;
  if (Array.isArray(raw)) return requestOf({ ...inputs, messages: raw.map(openaiSpelling) }, 'inputs.messages');
  if (Array.isArray(inputs.prompts) && typeof inputs.prompts[0] === 'string' && inputs.prompts[0] !== '')
    return { messages: [{ role: 'user', content: inputs.prompts[0] }] };
  if (typeof inputs.input === 'string') return requestOf(inputs.input, 'inputs.input');
  throw new LogProblem('inputs: no input messages');
}

function generationOf(outputs: Record<string, unknown>): unknown {
  const generations = Array.isArray(outputs.generations) ? outputs.generations : undefined;
  const first: unknown = Array.isArray(generations?.[0]) ? generations[0][0] : generations?.[0];
  return isRecord(first) ? first : undefined;
}

function outputOf(outputs: unknown): NormalizedLog['output'] {
  if (!isRecord(outputs)) return undefined;
  if (Array.isArray(outputs.choices)) return answerOf(outputs, 'outputs');
  const generation = generationOf(outputs);
  if (isRecord(generation)) {
    if (generation.message !== undefined) {
      const message = openaiSpelling(generation.message);
      return answerOf(isRecord(message) ? { ...message, role: 'assistant' } : message, 'outputs.generations[0]');
    }
    return typeof generation.text === 'string' ? { text: generation.text } : undefined;
  }
  const single = outputs.output ?? outputs.message;
  return single === undefined ? undefined : answerOf(openaiSpelling(single), 'outputs');
}

/** The model id the provider reported, wherever the tracer put it. */
function servedModelOf(outputs: unknown): string | undefined {
  if (!isRecord(outputs)) return undefined;
  const generation = generationOf(outputs);
  const message = isRecord(generation) && isRecord(generation.message) ? generation.message : undefined;
  const kwargs = message && isRecord(message.kwargs) ? message.kwargs : message;
  const metadata = kwargs && isRecord(kwargs.response_metadata) ? kwargs.response_metadata : undefined;
  const llmOutput = isRecord(outputs.llm_output) ? outputs.llm_output : undefined;
  return textOf(outputs.model) ?? textOf(metadata?.model_name) ?? textOf(llmOutput?.model_name);
}

function fingerprintOf(outputs: unknown): string | undefined {
  if (!isRecord(outputs)) return undefined;
  const llmOutput = isRecord(outputs.llm_output) ? outputs.llm_output : undefined;
  return textOf(outputs.system_fingerprint) ?? textOf(llmOutput?.system_fingerprint);
}

/** LangSmith's per-run feedback aggregates: one entry per key, its mean as the value. */
function feedbackOf(stats: unknown): NormalizedFeedback[] | undefined {
  if (!isRecord(stats)) return undefined;
  const out: NormalizedFeedback[] = [];
  for (const [name, stat] of Object.entries(stats)) {
    if (!isRecord(stat)) continue;
    const values = isRecord(stat.values) ? Object.entries(stat.values) : [];
    // Categorical feedback has no mean: the most given category stands for it.
    const top = values.sort((a, b) => Number(b[1]) - Number(a[1]))[0]?.[0];
    const value = typeof stat.avg === 'number' ? stat.avg : top;
    const comment = Array.isArray(stat.comments) ? textOf(stat.comments[0]) : undefined;
    out.push({ name, ...optional('value', value), ...optional('comment', comment), source: 'langsmith' });
  }
  return out.length > 0 ? out : undefined;
}

function usageOf(run: Record<string, unknown>): NormalizedLog['usage'] | undefined {
  const prompt = isRecord(run.prompt_token_details) ? run.prompt_token_details : {};
  const completion = isRecord(run.completion_token_details) ? run.completion_token_details : {};
  const usage = {
    ...optional('inputTokens', countOf(run.prompt_tokens)),
    ...optional('outputTokens', countOf(run.completion_tokens)),
    ...optional('cachedInputTokens', countOf(prompt.cache_read) ?? countOf(prompt.cached_tokens)),
    ...optional('reasoningTokens', countOf(completion.reasoning) ?? countOf(completion.reasoning_tokens)),
  };
  return Object.keys(usage).length > 0 ? usage : undefined;
}

export function langsmithLog(run: unknown): NormalizedLog {
  if (!isRecord(run)) throw new LogProblem('a run must be an object');
  const extra = isRecord(run.extra) ? run.extra : {};
  const metadata = isRecord(run.metadata) ? run.metadata : isRecord(extra.metadata) ? extra.metadata : undefined;
  const invocation = isRecord(extra.invocation_params) ? extra.invocation_params : {};
  const latency = countOf(run.latency_seconds);
  const hubRepo = textOf(metadata?.lc_hub_repo);
  const error = textOf(run.error) ?? (run.status === 'ERROR' || run.status === 'error' ? 'error' : undefined);
  const tags = Array.isArray(run.tags) ? run.tags.filter((t): t is string => typeof t === 'string') : [];
  const input = inputOf(run.inputs);
  return {
    schemaVersion: NORMALIZED_LOG_SCHEMA_VERSION,
    source: 'langsmith',
    ...optional('traceId', textOf(run.trace_id)),
    ...optional('spanId', textOf(run.id)),
    ...optional('time', textOf(run.start_time)),
    ...optional('latencyMs', latency === undefined ? undefined : Math.round(latency * 1000)),
    ...optional('feature', textOf(metadata?.feature) ?? textOf(run.name)),
    ...optional('user', textOf(metadata?.user_id) ?? textOf(run.ls_user_id)),
    ...optional('session', textOf(run.thread_id) ?? textOf(metadata?.session_id) ?? textOf(metadata?.thread_id)),
    input,
    ...optional('output', outputOf(run.outputs)),
    ...optional('requestedModel', textOf(metadata?.ls_model_name) ?? textOf(invocation.model)),
    ...optional('servedModel', servedModelOf(run.outputs)),
    ...optional('usage', usageOf(run)),
    ...optional('fingerprint', fingerprintOf(run.outputs)),
    ...optional('costUsd', countOf(run.total_cost)),
    ...optional(
      'prompt',
      hubRepo ? { name: hubRepo, ...optional('version', textOf(metadata?.lc_hub_commit_hash)) } : undefined,
    ),
    ...optional('environment', textOf(metadata?.environment) ?? textOf(metadata?.LANGCHAIN_ENV)),
    ...optional('tags', tags.length > 0 ? tags : undefined),
    ...optional('feedback', feedbackOf(run.feedback_stats)),
    ...optional('error', error),
    ...optional('attributes', metadata),
  };
}
