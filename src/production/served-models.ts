/**
 * Which model ids (and fingerprints) answered each requested alias, in words with their times —
 * "`gpt-4o` answered as gpt-4o-2024-08-06 until 2026-11-18 14:02 UTC, as gpt-4o-2024-11-20 since;
 * 100% of traffic" — and whether an alias moved since the previous window. It decides "the model
 * changed" from the logs alone, with no call: `replay: on-change` replays only what moved.
 */
import type { ServedEntry } from './production-tally.js';

export interface AliasTimeline {
  readonly alias: string;
  readonly calls: number;
  /** The ids that answered, first seen first, with their share of the alias's calls. */
  readonly models: readonly { model: string; fingerprints: string[]; calls: number; first: string; last: string }[];
  /** Served ids or fingerprints (≥ 1% of calls) that the previous window did not have, or that it had and this one lost. */
  readonly changedSincePrevious: boolean;
  readonly sentence: string;
}

/** `2026-11-18T14:02:31.000Z` → `2026-11-18 14:02 UTC`. */
export const minuteUtc = (iso: string): string =>
  iso ? `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC` : 'an unknown time';

const MATERIAL = 0.01;

function groupByModel(entries: readonly ServedEntry[]) {
  const byModel = new Map<
    string,
    { model: string; fingerprints: string[]; calls: number; first: string; last: string }
  >();
  for (const e of entries) {
    const m = byModel.get(e.model) ?? { model: e.model, fingerprints: [], calls: 0, first: e.first, last: e.last };
    m.calls += e.calls;
    if (e.fingerprint && !m.fingerprints.includes(e.fingerprint)) m.fingerprints.push(e.fingerprint);
    if (e.first && (!m.first || e.first < m.first)) m.first = e.first;
    if (e.last > m.last) m.last = e.last;
    byModel.set(e.model, m);
  }
  return [...byModel.values()].sort((a, b) => (a.first < b.first ? -1 : a.first > b.first ? 1 : 0));
}

/** The (id, fingerprint) pairs carrying at least 1% of an alias's calls. */
function material(entries: readonly ServedEntry[]): Set<string> {
  const total = entries.reduce((s, e) => s + e.calls, 0);
  return new Set(
    entries.filter((e) => e.calls >= MATERIAL * total).map((e) => `${e.model}\u0000${e.fingerprint ?? ''}`),
  );
}

const pct = (part: number, whole: number) => `${Math.round((100 * part) / Math.max(whole, 1))}%`;

export function servedTimelines(
  served: readonly ServedEntry[],
  previous: readonly ServedEntry[] | undefined,
): AliasTimeline[] {
  const aliases = [...new Set(served.map((e) => e.alias))].sort();
  return aliases.map((alias) => {
    const entries = served.filter((e) => e.alias === alias);
    const models = groupByModel(entries);
    const calls = models.reduce((s, m) => s + m.calls, 0);
    const before = previous?.filter((e) => e.alias === alias) ?? [];
    const now = material(entries);
    const then = material(before);
    const changedSincePrevious =
      previous !== undefined && ([...now].some((k) => !then.has(k)) || [...then].some((k) => !now.has(k)));
    let sentence: string;
    if (models.length === 1) {
      const [only] = models;
      const earlier = groupByModel(before).map((m) => m.model);
      sentence =
        changedSincePrevious && only && !earlier.includes(only.model)
          ? `\`${alias}\` answered as ${only.model} (before: ${earlier.join(', ') || 'nothing logged'}); 100% of traffic`
          : `\`${alias}\` answered as ${only?.model ?? '?'}${
              only && only.fingerprints.length > 1 ? ` (fingerprints ${only.fingerprints.join(', ')})` : ''
            }; 100% of traffic`;
    } else {
      const parts = models.map((m, i) =>
        i === 0
          ? `as ${m.model} until ${minuteUtc(m.last)}`
          : i === models.length - 1
            ? `as ${m.model} since ${minuteUtc(m.first)}`
            : `as ${m.model} from ${minuteUtc(m.first)} until ${minuteUtc(m.last)}`,
      );
      const last = models[models.length - 1];
      sentence = `\`${alias}\` answered ${parts.join(', ')}; ${last?.model ?? '?'} took ${pct(last?.calls ?? 0, calls)} of the window's calls`;
    }
    return { alias, calls, models, changedSincePrevious, sentence };
  });
}
