/**
 * Turns sampled, redacted log inputs into the drift run's cases and calls: every input through the
 * pinned target `pinnedSamples` times (the second sample is the pinned model's own variability,
 * the floor of the semantic-agreement signal) and through the current target once.
 */
import type { DriftConfig, ModelConfig, SuiteConfig } from '../config/schema.js';
import { toCase } from '../datasets/case.js';
import type { ChatMessage, ChatRequest } from '../providers/types.js';
import { cacheKey, type CacheKeyInput } from '../runner/cache.js';
import type { PreparedCase, WorkItem } from '../runner/plan.js';
import { redact } from './redact.js';
import type { SampledLog } from './sample-logs.js';

export const DRIFT_SUITE = 'drift';

export interface DriftCases {
  readonly cases: PreparedCase[];
  /** Redaction findings per type, over all sampled inputs. */
  readonly redactions: Readonly<Record<string, number>>;
}

export function driftCases(samples: readonly SampledLog[], kinds: readonly string[]): DriftCases {
  const redactions: Record<string, number> = {};
  const cases = samples.map((s) => {
    const messages: ChatMessage[] = s.input.map((m) => {
      const r = redact(m.content, kinds);
      for (const f of r.findings) redactions[f.type] = (redactions[f.type] ?? 0) + 1;
      const role = m.role === 'system' || m.role === 'assistant' ? m.role : 'user';
      return { role, content: r.text };
    });
    const c = toCase({ id: `log-${s.inputKey.slice(0, 12)}`, messages, metadata: { stratum: s.stratum, source: `${s.file}:${s.line}` } }, s.file, s.line);
    return { case: c, messages };
  });
  return { cases, redactions };
}

export function driftSuiteConfig(drift: DriftConfig): SuiteConfig {
  return { name: DRIFT_SUITE, dataset: '(sampled logs)', targets: [...drift.targets], repeats: 1, scorers: drift.scorers };
}

export function driftWorkItems(cases: readonly PreparedCase[], drift: DriftConfig, models: Readonly<Record<string, ModelConfig>>): WorkItem[] {
  const [pinned, current] = drift.targets;
  const items: WorkItem[] = [];
  for (const { case: c, messages } of cases) {
    for (const [target, samples] of [
      [pinned, drift.pinned_samples],
      [current, 1],
    ] as const) {
      const model = models[target] as ModelConfig;
      for (let repeat = 0; repeat < samples; repeat++) {
        const request: ChatRequest = { model: model.model as string, messages, params: model.params ?? {} };
        const keyInput: CacheKeyInput = { provider: model.provider, model: request.model, params: request.params, messages, sample: repeat };
        items.push({ itemId: `${DRIFT_SUITE}/${c.id}/${target}/${repeat}`, suite: DRIFT_SUITE, caseId: c.id, inputHash: c.inputHash, target, repeat, model, request, keyInput, key: cacheKey(keyInput) });
      }
    }
  }
  return items;
}
