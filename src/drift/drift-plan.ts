/**
 * Turns sampled, redacted log inputs into the drift run's cases and calls: every input through the
 * pinned target `pinnedSamples` times (the second sample is the pinned model's own variability,
 * the floor of the semantic-agreement signal) and through the current target once.
 */
import type { DriftConfig, ModelConfig, SuiteConfig } from '../config/schema.js';
import { toCase } from '../datasets/case.js';
import type { ChatMessage, ChatRequest } from '../providers/types.js';
import { checkToolResults } from '../conversation/parse.js';
import { loadSchemaChecker } from '../conversation/request-options.js';
import { caseRequestOptions } from '../datasets/request-options.js';
import { DatasetError, locate } from '../errors.js';
import { cacheKey, requestKeyInput } from '../runner/cache/cache.js';
import type { PreparedCase, WorkItem } from '../runner/plan/plan.js';
import { redact } from './redact.js';
import type { SampledLog } from './sample-logs.js';

export const DRIFT_SUITE = 'drift';

export interface DriftCases {
  readonly cases: PreparedCase[];
  /** Redaction findings per type, over all sampled inputs. */
  readonly redactions: Readonly<Record<string, number>>;
}

/** Secrets and personal data leave every text a model or a report will see, tool arguments included. */
export function redactMessage(m: ChatMessage, redactText: (text: string) => string): ChatMessage {
  switch (m.role) {
    case 'user':
      return {
        role: 'user',
        content:
          typeof m.content === 'string'
            ? redactText(m.content)
            : m.content.map((p) => (p.type === 'text' ? { type: 'text', text: redactText(p.text) } : p)),
      };
    case 'assistant':
      return {
        ...m,
        content: redactText(m.content),
        ...(m.toolCalls ? { toolCalls: m.toolCalls.map((c) => ({ ...c, arguments: redactText(c.arguments) })) } : {}),
      };
    default:
      return { ...m, content: redactText(m.content) };
  }
}

export async function driftCases(samples: readonly SampledLog[], kinds: readonly string[]): Promise<DriftCases> {
  const redactions: Record<string, number> = {};
  const redactText = (text: string): string => {
    const r = redact(text, kinds);
    for (const f of r.findings) redactions[f.type] = (redactions[f.type] ?? 0) + 1;
    return r.text;
  };
  // ajv only when a logged request carried tools or a response format.
  const check = samples.some((s) => s.options) ? await loadSchemaChecker() : undefined;
  const cases = samples.map((s) => {
    const messages = s.input.map((m) => redactMessage(m, redactText));
    const c = toCase(
      {
        id: `log-${s.inputKey.slice(0, 12)}`,
        messages,
        ...(s.options ?? {}),
        metadata: { stratum: s.stratum, source: `${s.file}:${s.line}` },
      },
      s.file,
      s.line,
    );
    checkToolResults(messages, (index, message) => {
      throw new DatasetError(locate(s.file, s.line, `messages[${index}]`, message));
    });
    return { case: c, messages, options: caseRequestOptions(c, {}, check) };
  });
  return { cases, redactions };
}

export function driftSuiteConfig(drift: DriftConfig): SuiteConfig {
  return {
    name: DRIFT_SUITE,
    dataset: '(sampled logs)',
    targets: [...drift.targets],
    repeats: 1,
    scorers: drift.scorers,
  };
}

export function driftWorkItems(
  cases: readonly PreparedCase[],
  drift: DriftConfig,
  models: Readonly<Record<string, ModelConfig>>,
): WorkItem[] {
  const [pinned, current] = drift.targets;
  const items: WorkItem[] = [];
  for (const { case: c, messages, options } of cases) {
    for (const [target, samples] of [
      [pinned, drift.pinned_samples],
      [current, 1],
    ] as const) {
      const model = models[target] as ModelConfig;
      for (let repeat = 0; repeat < samples; repeat++) {
        const request: ChatRequest = { model: model.model as string, messages, params: model.params ?? {}, ...options };
        const key = cacheKey(requestKeyInput(model.provider, request, repeat, model.baseURL));
        items.push({
          itemId: `${DRIFT_SUITE}/${c.id}/${target}/${repeat}`,
          suite: DRIFT_SUITE,
          caseId: c.id,
          inputHash: c.inputHash,
          target,
          repeat,
          model,
          request,
          key,
        });
      }
    }
  }
  return items;
}
