/**
 * The one neutral conversation model that datasets, prompts, logs, the cache and both provider
 * adapters share. It is the OpenAI and Anthropic shapes' common ground: the adapters translate it
 * both ways, so a case written once replays through either provider, and a cache key does not
 * depend on which SDK spelling a dataset happened to use.
 */

/** A piece of a user message. Images are passed to the provider as given, never fetched here. */
export type ContentPart =
  | { readonly type: 'text'; readonly text: string }
  | { readonly type: 'image'; readonly url: string; readonly detail?: 'auto' | 'low' | 'high' };

/** A function call the model asked for. `arguments` is the JSON text as the model wrote it. */
export interface ToolCall {
  readonly id: string;
  readonly name: string;
  readonly arguments: string;
}

export interface SystemMessage {
  readonly role: 'system';
  readonly content: string;
}

export interface UserMessage {
  readonly role: 'user';
  readonly content: string | readonly ContentPart[];
}

export interface AssistantMessage {
  readonly role: 'assistant';
  readonly content: string;
  readonly toolCalls?: readonly ToolCall[];
}

/** What a tool returned for the call `toolCallId` of an earlier assistant message. */
export interface ToolMessage {
  readonly role: 'tool';
  readonly toolCallId: string;
  readonly content: string;
}

export type ChatMessage = SystemMessage | UserMessage | AssistantMessage | ToolMessage;
export type Role = ChatMessage['role'];

/** A function the model may call; `parameters` is a JSON Schema for its arguments. */
export interface ToolDefinition {
  readonly name: string;
  readonly description?: string;
  readonly parameters: Readonly<Record<string, unknown>>;
}

/** auto: the model decides; none: no calls; required: at least one call; {name}: that tool. */
export type ToolChoice = 'auto' | 'none' | 'required' | { readonly name: string };

export type ResponseFormat =
  | { readonly type: 'text' }
  | { readonly type: 'json_object' }
  | {
      readonly type: 'json_schema';
      readonly name: string;
      readonly schema: Readonly<Record<string, unknown>>;
      readonly strict?: boolean;
    };

/** Tools and output format for a request; set per suite and overridable per case. */
export interface RequestOptions {
  readonly tools?: readonly ToolDefinition[];
  readonly toolChoice?: ToolChoice;
  readonly responseFormat?: ResponseFormat;
}

/** A tool call as a record keeps it: arguments parsed when they are JSON, else the raw text. */
export interface RecordedToolCall {
  readonly id: string;
  readonly name: string;
  /** The parsed arguments; absent when the model's text was not JSON (then `rawArguments` holds it). */
  readonly arguments?: unknown;
  readonly rawArguments?: string;
}

export function recordToolCall(call: ToolCall): RecordedToolCall {
  try {
    return {
      id: call.id,
      name: call.name,
      arguments: JSON.parse(call.arguments === '' ? '{}' : call.arguments) as unknown,
    };
  } catch {
    return { id: call.id, name: call.name, rawArguments: call.arguments };
  }
}

/** The plain text of a message (image parts as `[image]`), for judges, features and search. */
export function messageText(message: ChatMessage): string {
  if (typeof message.content === 'string') return message.content;
  return message.content.map((p) => (p.type === 'text' ? p.text : '[image]')).join('\n');
}

/** Tool calls written readably, one per line: `search_orders({"email":"a@b.c"})`. */
export function renderToolCalls(calls: readonly RecordedToolCall[]): string {
  return calls.map((c) => `${c.name}(${c.rawArguments ?? JSON.stringify(c.arguments ?? {})})`).join('\n');
}

/** The text of the last message (the question a judge or a drift report shows). */
export function lastMessageText(messages: readonly ChatMessage[]): string {
  const last = messages.at(-1);
  return last ? messageText(last) : '';
}

/** A conversation as a judge reads it: roles, text, tool calls and tool results, images as `[image]`. */
export function renderConversation(messages: readonly ChatMessage[]): string {
  return messages
    .map((m) => {
      if (m.role === 'tool') return `[tool result for ${m.toolCallId}]\n${m.content}`;
      const calls =
        m.role === 'assistant' && m.toolCalls?.length
          ? `\n[tool calls]\n${renderToolCalls(m.toolCalls.map(recordToolCall))}`
          : '';
      return `[${m.role}]\n${messageText(m)}${calls}`;
    })
    .join('\n\n');
}

/** An answer as a judge reads it: its text, then the tool calls it made, if any. */
export function renderAnswer(text: string, calls: readonly RecordedToolCall[] | undefined): string {
  if (!calls?.length) return text;
  return `${text ? `${text}\n\n` : ''}[tool calls]\n${renderToolCalls(calls)}`;
}
