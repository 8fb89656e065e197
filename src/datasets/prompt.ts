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
import { parseYamlSource } from '../config/yaml-source.js';
import type { SuiteConfig } from '../config/schema.js';
import type { ChatMessage } from '../providers/types.js';
import type { Case } from './case.js';
import { MissingVariableError, renderTemplate } from './template.js';

export interface PromptTemplate {
  /** Where it came from, for messages: a file path or `driftgate.yaml suites[i].prompt`. */
  readonly source: string;
  readonly messages: readonly ChatMessage[];
}

export async function loadPrompt(prompt: SuiteConfig['prompt'], rootDir: string, inlineName: string): Promise<PromptTemplate | undefined> {
  if (prompt === undefined) return undefined;
  if (typeof prompt !== 'string') return { source: inlineName, messages: prompt.messages };
  const file = path.resolve(rootDir, prompt);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    throw new DatasetError(`${prompt}: prompt file not found (named in ${inlineName})`);
  }
  const ext = path.extname(file).toLowerCase();
  if (ext !== '.json' && ext !== '.yaml' && ext !== '.yml') return { source: prompt, messages: [{ role: 'user', content: text }] };
  const parsed = parseYamlSource(prompt, text);
  if (!('value' in parsed)) throw new DatasetError(locate(prompt, parsed.line, undefined, parsed.message));
  const list = parsed.value;
  if (!Array.isArray(list) || list.length === 0) throw new DatasetError(`${prompt}: expected a list of {role, content} messages`);
  const messages = list.map((m: unknown, i) => {
    const msg = m as { role?: unknown; content?: unknown } | null;
    const ok = msg && (msg.role === 'system' || msg.role === 'user' || msg.role === 'assistant') && typeof msg.content === 'string';
    if (!ok) throw new DatasetError(locate(prompt, parsed.lineOf([i]), `[${i}]`, 'expected {role: system|user|assistant, content: string}'));
    return { role: msg.role, content: msg.content } as ChatMessage;
  });
  return { source: prompt, messages };
}

/** The messages sent for one case. Throws a DatasetError naming the case's line and the variable. */
export function renderCaseMessages(prompt: PromptTemplate | undefined, c: Case): ChatMessage[] {
  const context = { ...c.vars, ...(c.expected !== undefined ? { expected: c.expected } : {}) };
  const rendered: ChatMessage[] = [];
  if (prompt) {
    for (const m of prompt.messages) {
      try {
        rendered.push({ role: m.role, content: renderTemplate(m.content, context) });
      } catch (err) {
        if (err instanceof MissingVariableError) {
          throw new DatasetError(locate(c.file, c.line, err.variable, `missing variable used by the prompt ${prompt.source} (case "${c.id}")`));
        }
        throw err;
      }
    }
  }
  if (c.messages) rendered.push(...c.messages);
  if (rendered.length === 0) {
    throw new DatasetError(locate(c.file, c.line, 'messages', `case "${c.id}" has no messages and its suite has no prompt`));
  }
  return rendered;
}
