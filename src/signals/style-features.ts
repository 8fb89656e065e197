/**
 * Format and style features of an answer: how it is laid out (headings, lists, bold, code, tables),
 * how it speaks (sentences, questions, exclamations, emoji, apologies, refusals, first person) and
 * how long it is. Counts, so a report can say "numbered lists 2.1× as often"; the test uses
 * log(1 + count), standardised over the week's answers.
 */
import { detectRefusal } from '../scorers/refusal.js';

export interface StyleFeature {
  readonly id: string;
  /** How the feature reads in a sentence: "numbered-list items". */
  readonly label: string;
  readonly count: (text: string, lines: readonly string[]) => number;
}

const countOf = (re: RegExp) => (text: string) => text.match(re)?.length ?? 0;
const linesMatching = (re: RegExp) => (_: string, lines: readonly string[]) => lines.filter((l) => re.test(l)).length;

export const STYLE_FEATURES: readonly StyleFeature[] = [
  { id: 'headings', label: 'Markdown headings', count: linesMatching(/^\s{0,3}#{1,6}\s/) },
  { id: 'bullets', label: 'bullet-list items', count: linesMatching(/^\s*[-*•+]\s+\S/) },
  { id: 'numbered', label: 'numbered-list items', count: linesMatching(/^\s*\d{1,3}[.)]\s+\S/) },
  { id: 'bold', label: 'bold phrases', count: countOf(/\*\*[^*\n]+\*\*|__[^_\n]+__/g) },
  {
    id: 'code',
    label: 'code blocks',
    count: (_, lines) => Math.floor(lines.filter((l) => /^\s*(```|~~~)/.test(l)).length / 2),
  },
  { id: 'tables', label: 'table rows', count: linesMatching(/^\s*\|.*\|\s*$/) },
  {
    id: 'paragraphs',
    label: 'paragraphs',
    count: (text) => text.split(/\n\s*\n/).filter((p) => p.trim().length > 0).length,
  },
  { id: 'sentences', label: 'sentences', count: countOf(/[^\s.!?][.!?]+(?=\s|$)/g) },
  { id: 'questions', label: 'question marks', count: countOf(/\?/g) },
  { id: 'exclamations', label: 'exclamation marks', count: countOf(/!/g) },
  { id: 'emoji', label: 'emoji', count: countOf(/\p{Extended_Pictographic}/gu) },
  { id: 'apologies', label: 'apologies', count: countOf(/\b(sorry|apologi[sz]e[sd]?|apologies)\b/gi) },
  { id: 'refusals', label: 'refusals', count: (text) => (detectRefusal(text, null) ? 1 : 0) },
  {
    id: 'first-person',
    label: 'first-person words',
    count: countOf(/\b(i|i'm|i’m|i've|i’ve|i'd|i’d|i'll|i’ll|me|my|mine|myself)\b/gi),
  },
  { id: 'links', label: 'links', count: countOf(/https?:\/\/\S+/g) },
  { id: 'length', label: 'characters', count: (text) => text.length },
];

/** Raw counts of every style feature, in `STYLE_FEATURES` order. */
export function styleCounts(text: string): Float64Array {
  const lines = text.split(/\r?\n/);
  return Float64Array.from(STYLE_FEATURES, (f) => f.count(text, lines));
}
