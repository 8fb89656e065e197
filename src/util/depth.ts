/**
 * A limit on how deeply parsed input may nest. JSON.parse and YAML take a 2,000-deep value without
 * complaint, and the recursive code after them (hashing, comparing, rendering, validating) then
 * overflows the stack: an internal error (exit 4) instead of a message naming the file and line.
 * Every reader of user input checks right after parsing, iteratively.
 */

/** Far deeper than any dataset, log line or config needs. */
export const MAX_NESTING = 64;

/**
 * The path to the first value nested deeper than `max` levels (`["metadata", "deep", "a", …]`),
 * or undefined when the value is within the limit. Walks with an explicit stack.
 */
export function tooDeep(value: unknown, max = MAX_NESTING): (string | number)[] | undefined {
  // Each entry links to its parent instead of copying the path: a 100,000-case baseline is walked
  // with one small object per value on the stack, and the path is built only for the one found.
  interface Step {
    readonly value: object;
    readonly depth: number;
    readonly parent: Step | undefined;
    readonly key: string | number;
  }
  const pathOf = (step: Step): (string | number)[] => {
    const out: (string | number)[] = [];
    for (let s: Step | undefined = step; s?.parent; s = s.parent) out.push(s.key);
    return out.reverse();
  };
  if (value === null || typeof value !== 'object') return undefined;
  const stack: Step[] = [{ value, depth: 0, parent: undefined, key: '' }];
  while (stack.length > 0) {
    const top = stack.pop() as Step;
    if (top.depth >= max) return pathOf(top);
    if (Array.isArray(top.value)) {
      top.value.forEach((v: unknown, i) => {
        if (v !== null && typeof v === 'object') stack.push({ value: v, depth: top.depth + 1, parent: top, key: i });
      });
    } else {
      for (const k in top.value) {
        const v = (top.value as Record<string, unknown>)[k];
        if (v !== null && typeof v === 'object') stack.push({ value: v, depth: top.depth + 1, parent: top, key: k });
      }
    }
  }
  return undefined;
}

/** `metadata.deep.a.a…`: the first levels of the path, for naming the field. */
export function depthField(path: readonly (string | number)[]): string {
  return `${path.slice(0, 4).map(String).join('.')}${path.length > 4 ? '…' : ''}`;
}

export const DEPTH_PROBLEM = `nested more than ${MAX_NESTING} levels deep`;

/** `metadata.deep.a.a…: nested more than 64 levels deep`, for a message without a field slot. */
export function describeDepth(path: readonly (string | number)[]): string {
  return `${depthField(path)}: ${DEPTH_PROBLEM}`;
}
