import type { ScorerConfig } from './config-schema.js';

/**
 * Names: an explicit `name`, else the type — numbered from the second of a type on (`contains`,
 * `contains-2`), so names stay stable while the list is only appended to.
 */
export function scorerNames(configs: readonly ScorerConfig[]): string[] {
  const seen = new Map<string, number>();
  return configs.map((c) => {
    if (c.name) return c.name;
    const n = (seen.get(c.type) ?? 0) + 1;
    seen.set(c.type, n);
    return n === 1 ? c.type : `${c.type}-${n}`;
  });
}
