/**
 * A suite's prompt: a list of message templates rendered with each case's variables.
 * - a .md/.txt file is one user message;
 * - a .json/.yaml file is a list of `{role, content}`;
 * - inline `{ messages: [...] }` in driftgate.yaml.
 * A case's own `messages` follow the rendered prompt (for multi-turn cases).
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { DatasetError, locate } from '../errors.js';
import { parseYamlSource } from '../util/yaml-source.js';
import type { PromptConfig } from './suite-inputs-schema.js';
import { checkToolResults, parseMessages } from '../conversation/parse.js';
import type { ChatMessage, ContentPart } from '../conversation/types.js';
import type { Case } from './case.js';
import { MissingVariableError, renderTemplate } from './template.js';

export interface PromptTemplate {
  /** Where it came from, for messages: a file path or `driftgate.yaml suites[i].prompt`. */
  readonly source: string;
  readonly messages: readonly ChatMessage[];
}

export async function loadPrompt(
  prompt: PromptConfig | undefined,
  rootDir: string,
  inlineName: string,
): Promise<PromptTemplate | undefined> {
  if (prompt === undefined) return undefined;
  if (typeof prompt !== 'string') {
    const messages = parseMessages(prompt.messages, 'messages', (field, message) => {
      throw new DatasetError(`${inlineName}.${field}: ${message}`);
    });
    return { source: inlineName, messages };
  }
  const file = path.resolve(rootDir, prompt);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    throw new DatasetError(`${prompt}: prompt file not found (named in ${inlineName})`);
  }
  const ext = path.extname(file).toLowerCase();
  if (ext !== '.json' && ext !== '.yaml' && ext !== '.yml')
    return { source: prompt, messages: [{ role: 'user', content: text }] };
  const parsed = parseYamlSource(prompt, text);
  if (!('value' in parsed)) throw new DatasetError(locate(prompt, parsed.line, undefined, parsed.message));
  const list = parsed.value;
  if (!Array.isArray(list) || list.length === 0)
    throw new DatasetError(`${prompt}: expected a list of {role, content} messages`);
  const messages = parseMessages(list, '', (field, message) => {
    const index = Number(/^\[(\d+)\]/.exec(field)?.[1] ?? 0);
    throw new DatasetError(locate(prompt, parsed.lineOf([index]), field, message));
  });
  return { source: prompt, messages };
}

/** The messages sent for one case. Throws a DatasetError naming the case's line and the variable. */
export function renderCaseMessages(prompt: PromptTemplate | undefined, c: Case): ChatMessage[] {
  const context = { ...c.vars, ...(c.expected !== undefined ? { expected: c.expected } : {}) };
  const rendered: ChatMessage[] = [];
  if (prompt) {
    try {
      for (const m of prompt.messages) rendered.push(renderMessage(m, context));
    } catch (err) {
      if (err instanceof MissingVariableError) {
        throw new DatasetError(
          locate(c.file, c.line, err.variable, `missing variable used by the prompt ${prompt.source} (case "${c.id}")`),
        );
      }
      throw err;
    }
  }
  const fromPrompt = rendered.length;
  if (c.messages) rendered.push(...c.messages);
  checkToolResults(rendered, (index, message) => {
    const field = index >= fromPrompt ? `messages[${index - fromPrompt}]` : `prompt ${prompt?.source ?? ''} [${index}]`;
    throw new DatasetError(locate(c.file, c.line, field, message));
  });
  if (rendered.length === 0) {
    throw new DatasetError(
      locate(c.file, c.line, 'messages', `case "${c.id}" has no messages and its suite has no prompt`),
    );
  }
  return rendered;
}

/** Placeholders are filled in text: message strings and text parts (not image URLs or tool calls). */
function renderMessage(m: ChatMessage, context: Record<string, unknown>): ChatMessage {
  if (m.role === 'user' && typeof m.content !== 'string') {
    return {
      role: 'user',
      content: m.content.map((p): ContentPart =>
        p.type === 'text' ? { type: 'text', text: renderTemplate(p.text, context) } : p,
      ),
    };
  }
  return { ...m, content: renderTemplate(m.content as string, context) } as ChatMessage;
}
