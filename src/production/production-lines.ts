/**
 * The production section as lines of text, once for every reporter (terminal, Markdown issue
 * body): the sentences, the cost by feature, the busiest models' errors and latency, the largest
 * callers, and what could not be computed.
 */
import type { ProductionSection } from './production-section.js';
import { MONTH_DAYS } from './production-tally.js';
import { dollars as usd } from './dollars.js';

export function productionLines(p: ProductionSection): string[] {
  const { week } = p;
  if (week.lines === 0) return [];
  const lines = [...p.sentences];
  const byFeature = new Map<string, { calls: number; usd: number; out: number }>();
  for (const c of week.cells) {
    const f = byFeature.get(c.feature) ?? { calls: 0, usd: 0, out: 0 };
    f.calls += c.calls;
    f.usd += c.inputUsd + c.outputUsd;
    f.out += c.outputTokens;
    byFeature.set(c.feature, f);
  }
  const month = (v: number) => (v / week.days) * MONTH_DAYS;
  if (p.cost)
    lines.push(
      `cost by feature (a month at this window's rate): ${[...byFeature]
        .sort((a, b) => b[1].usd - a[1].usd)
        .slice(0, 8)
        .map(
          ([f, v]) =>
            `${f} ${usd(month(v.usd))} (${v.calls.toLocaleString('en-US')} calls, ${Math.round(v.out / Math.max(v.calls, 1))} output tokens/call)`,
        )
        .join(' · ')}`,
    );
  if (week.groups && p.cost)
    lines.push(
      `by ${week.groups.field}: ${week.groups.rows
        .slice(0, 8)
        .map((g) => `${g.value} ${usd(month(g.usd))}`)
        .join(' · ')}`,
    );
  const users = week.callers.users.filter((u) => u.weight > 0);
  if (users.length && p.cost)
    lines.push(`largest callers: ${users.map((u) => `${u.key} ${usd(month(u.weight))}/month`).join(', ')}`);
  const models = week.models.filter((m) => m.model !== '(not logged)').slice(0, 5);
  if (models.length)
    lines.push(
      `served models: ${models
        .map(
          (m) =>
            `${m.model} ${m.calls.toLocaleString('en-US')} calls, errors ${((100 * m.errors) / Math.max(m.calls, 1)).toFixed(1)}%${
              m.latencyP50Ms !== undefined ? `, latency p50 ${m.latencyP50Ms} ms p95 ${m.latencyP95Ms} ms` : ''
            }`,
        )
        .join(' · ')}`,
    );
  for (const t of p.served)
    if (t.models.length === 1 && !t.changedSincePrevious && t.alias !== '(not logged)') lines.push(t.sentence);
  lines.push(...p.notComputed.map((n) => `not computed: ${n}`));
  return lines;
}
