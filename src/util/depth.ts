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
  const stack: { value: unknown; depth: number; path: (string | number)[] }[] = [{ value, depth: 0, path: [] }];
  while (stack.length > 0) {
    const top = stack.pop() as (typeof stack)[number];
    if (top.value === null || typeof top.value !== 'object') continue;
    if (top.depth >= max) return top.path;
    const entries: [string | number, unknown][] = Array.isArray(top.value) ? top.value.map((v, i) => [i, v]) : Object.entries(top.value);
    for (const [k, v] of entries) if (v !== null && typeof v === 'object') stack.push({ value: v, depth: top.depth + 1, path: [...top.path, k] });
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

