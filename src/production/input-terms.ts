/**
 * The words of a user's input, for the traffic test on the input text: lower-cased runs of three or
 * more letters from the user messages (not the system prompt, which every call shares), without
 * common English function words, each counted once per input. Tokens with digits or symbols
 * (ids, addresses, numbers) are not words here, so what reaches the history is vocabulary, and
 * only words at least 1% of a feature's sampled inputs use are kept there.
 */
import { isRecord } from '../sources/values.js';

const STOP = new Set(
  'the and for you your are was were this that with have has had not but can will would could should what when where which who how why all any our out get got its his her him she they them their there here from into about just like more most some than then also only very been being does did doing done over under again each other such same own too off per via yes'.split(
    ' ',
  ),
);

/** The user messages' text of a logged input (a string, or a message list). */
export function userText(input: unknown): string {
  if (typeof input === 'string') return input;
  if (!Array.isArray(input)) return '';
  const parts: string[] = [];
  for (const m of input) {
    if (!isRecord(m) || m.role !== 'user') continue;
    if (typeof m.content === 'string') parts.push(m.content);
    else if (Array.isArray(m.content))
      for (const p of m.content) if (isRecord(p) && typeof p.text === 'string') parts.push(p.text);
  }
  return parts.join('\n');
}

export function inputTerms(text: string): string[] {
  const out = new Set<string>();
  for (const token of text.toLowerCase().split(/[^\p{L}\p{N}]+/u))
    if (token.length >= 3 && /^\p{L}+$/u.test(token) && !STOP.has(token)) out.add(token);
  return [...out];
}
