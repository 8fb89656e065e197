/**
 * Which judge calls scoring will make, known before any is made: the suite's judge scorers run once
 * on the run's answers with services that note each chat request and answer "not yet" (the verdicts
 * are thrown away). The noted requests go in the judge batch; the real scoring pass then finds
 * each verdict already answered. A request only known after a verdict (a retry of a malformed one)
 * is made online then.
 */
import type { ModelConfig } from '../../providers/model-schema.js';
import { ProviderCallError } from '../../providers/types.js';
import type { ScoringServices } from '../../scorers/types.js';
import { answered, type CallRecord } from '../../records/call-record.js';
import { appliesTo, safeScore, scoringInputs } from '../scoring/scoring.js';
import type { PreparedSuite } from '../plan/plan.js';
import type { BatchCall } from './batch-phase.js';

export async function judgeCallsFor(
  suites: readonly PreparedSuite[],
  records: readonly CallRecord[],
  models: Readonly<Record<string, ModelConfig>>,
): Promise<BatchCall[]> {
  const calls: BatchCall[] = [];
  const noting: ScoringServices = {
    chat: (target, request, sample) => {
      const model = models[target];
      if (model) calls.push({ target, model, request, sample });
      return Promise.resolve({
        status: 'error',
        key: '',
        kind: 'other',
        error: new ProviderCallError('other', 'noted for the judge batch'),
        attempts: 0,
      });
    },
    embed: () => Promise.reject(new Error('embeddings are not batched')),
    prefetchEmbeddings: () => Promise.resolve(),
    discard: () => undefined,
  };
  for (const suite of suites) {
    const judges = suite.scorers.filter((s) => s.type === 'judge');
    if (judges.length === 0) continue;
    const own = answered(records, (r) => r.suite === suite.config.name);
    const inputOf = scoringInputs(suite, own);
    for (const record of own) {
      if (!suite.caseById.has(record.caseId)) continue;
      for (const judge of judges) if (appliesTo(judge, record)) await safeScore(judge, inputOf(record, judge), noting);
    }
  }
  return calls;
}
