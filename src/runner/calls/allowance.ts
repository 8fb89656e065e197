/** `max_errors` and `max_scorer_errors`: a count, or a share such as "5%" of the work planned. */
import { UsageError } from '../../errors.js';

/** How many failures `limit` allows out of `total` (a share rounds down). */
export function allowedErrorCount(limit: number | string, total: number): number {
  if (typeof limit === 'number') return limit;
  const pct = Number.parseFloat(limit);
  if (!limit.endsWith('%') || !Number.isFinite(pct))
    throw new UsageError(`expected a count or a percentage such as "5%", got "${limit}"`);
  return Math.floor((pct / 100) * total);
}
