/**
 * A parsed YAML file that remembers where each value came from, so that validation messages can
 * name a line. Used for driftgate.yaml, and for JSON datasets (JSON is YAML 1.2).
 */
import { LineCounter, parseDocument, isMap, isSeq, type Document, type Node } from 'yaml';
import { DEPTH_PROBLEM, describeDepth, MAX_NESTING, tooDeep } from './depth.js';

export interface YamlSource {
  readonly file: string;
  readonly value: unknown;
  /** 1-based line of the value at `path`, or of its nearest existing ancestor. */
  lineOf(path: readonly (string | number)[]): number | undefined;
}

export interface YamlSyntaxProblem {
  line: number;
  message: string;
}

export function parseYamlSource(file: string, text: string): YamlSource | YamlSyntaxProblem {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const first = doc.errors[0];
  if (first) {
    const line = first.linePos?.[0].line ?? lineCounter.linePos(first.pos[0]).line;
    const message = first.message.split('\n')[0] ?? 'invalid YAML';
    return { line, message: /call stack/i.test(message) ? `${DEPTH_PROBLEM} (too deep to parse)` : message };
  }
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: 100 });
  } catch (err) {
    // An alias to no anchor, or too many aliases: found while building values, not while parsing.
    return { line: 1, message: (err as Error).message.split('\n')[0] ?? 'invalid YAML' };
  }
  const deep = tooDeep(value);
  if (deep)
    return { line: lineOfPath(doc, lineCounter, deep.slice(0, MAX_NESTING)) ?? 1, message: describeDepth(deep) };
  return {
    file,
    value,
    lineOf: (path) => lineOfPath(doc, lineCounter, path),
  };
}

function lineOfPath(doc: Document, lineCounter: LineCounter, path: readonly (string | number)[]): number | undefined {
  let node: unknown = doc.contents;
  let best: number | undefined = rangeLine(node, lineCounter);
  for (const part of path) {
    if (isMap(node)) {
      const pair = node.items.find(
        (p) => String((p.key as { value?: unknown } | null)?.value ?? p.key) === String(part),
      );
      if (!pair) break;
      // A key's own line is more useful than its value's when the value is a nested block.
      best = rangeLine(pair.key, lineCounter) ?? best;
      node = pair.value;
      if (!isMap(node) && !isSeq(node)) best = rangeLine(node, lineCounter) ?? best;
    } else if (isSeq(node) && typeof part === 'number') {
      node = node.items[part];
      if (node === undefined) break;
      best = rangeLine(node, lineCounter) ?? best;
    } else break;
  }
  return best;
}

function rangeLine(node: unknown, lineCounter: LineCounter): number | undefined {
  const range = (node as Node | null)?.range;
  return range ? lineCounter.linePos(range[0]).line : undefined;
}
