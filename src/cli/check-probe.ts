/**
 * `driftgate check`: one live probe per model-based scorer (judge, similarity, custom) and per
 * drift embedder, before a long run pays for hundreds of calls to a judge that cannot answer. A
 * probe scores a fixed answer to the suite's first case through the real gateway, without the
 * cache (a cached verdict would prove nothing about the model today).
 */
import path from 'node:path';
import { loadConfig } from '../config/load.js';
import { toCase } from '../datasets/case.js';
import { DRIFT_SUITE } from '../drift/drift-plan.js';
import { buildScorers } from '../scorers/registry.js';
import type { Scorer, ScoringInput } from '../scorers/types.js';
import { scrubSecrets } from '../util/secrets.js';
import { ResponseCache } from '../runner/cache/cache.js';
import { JOURNAL_SCHEMA_VERSION, type CallRecord } from '../records/call-record.js';
import { prepareSuites, type PreparedCase } from '../runner/plan/plan.js';
import { errorHint } from '../runner/scoring/scorer-health.js';
import { buildRunServices } from '../runner/calls/services.js';

/** Scorers that reach a model (or run user code) and so can fail for reasons outside driftgate. */
const PROBED = new Set(['judge', 'similarity', 'custom']);

export const PROBE_ANSWER = 'Thank you for your question. Here is a short, polite answer to it.';

export interface ProbeResult {
  readonly suite: string;
  readonly scorer: string;
  readonly type: string;
  readonly ok: boolean;
  readonly value?: number;
  readonly error?: string;
  readonly hint?: string;
  readonly ms: number;
}

function probeInput(prepared: PreparedCase, scorer: Scorer): ScoringInput {
  const record: CallRecord = {
    schemaVersion: JOURNAL_SCHEMA_VERSION,
    itemId: `probe/${prepared.case.id}`,
    suite: 'probe',
    caseId: prepared.case.id,
    target: 'probe',
    repeat: 0,
    key: 'probe',
    inputHash: prepared.case.inputHash,
    status: 'ok',
    output: PROBE_ANSWER,
    finishReason: 'stop',
    inputTokens: null,
    outputTokens: null,
    costUsd: null,
    latencyMs: null,
    model: 'probe',
    providerModel: null,
    systemFingerprint: null,
    cached: false,
    attempts: 1,
    scores: [],
    finishedAt: new Date().toISOString(),
  };
  return {
    case: prepared.case,
    messages: prepared.messages,
    output: PROBE_ANSWER,
    record,
    ...(scorer.against ? { other: { target: scorer.against, output: PROBE_ANSWER } } : {}),
  };
}

export async function probeScorers(
  options: { configPath?: string; env?: NodeJS.ProcessEnv; timeoutMs?: number } = {},
): Promise<ProbeResult[]> {
  const loaded = await loadConfig(options.configPath);
  const { config } = loaded;
  const env = options.env ?? process.env;
  const { services, embeddings } = buildRunServices(
    config,
    new ResponseCache(path.join(loaded.rootDir, '.driftgate', 'cache')),
    {
      offline: false,
      useCache: false,
      env,
      ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
    },
  );
  const targets: { suite: string; scorers: readonly Scorer[]; first: PreparedCase }[] = [];
  for (const p of await prepareSuites(loaded, config.suites)) {
    if (p.cases[0]) targets.push({ suite: p.config.name, scorers: p.scorers, first: p.cases[0] });
  }
  const drift = config.drift;
  if (drift) {
    const messages = [{ role: 'user' as const, content: 'How do I reset my password?' }];
    const first = { case: toCase({ id: 'probe', messages }, 'driftgate check', 0), messages, options: {} };
    const scorers = await buildScorers(drift.scorers, {
      rootDir: loaded.rootDir,
      models: config.models,
      where: `${path.basename(loaded.file)} drift.scorers`,
      targets: drift.targets,
    });
    targets.push({ suite: DRIFT_SUITE, scorers, first });
  }
  const results: ProbeResult[] = [];
  const timed = async (
    suite: string,
    scorer: string,
    type: string,
    run: () => Promise<{ value?: number; error?: string }>,
  ) => {
    const start = performance.now();
    let outcome: { value?: number; error?: string };
    try {
      outcome = await run();
    } catch (err) {
      outcome = { error: scrubSecrets(err instanceof Error ? err.message : String(err)) };
    }
    const hint = outcome.error ? errorHint(type, outcome.error) : undefined;
    results.push({
      suite,
      scorer,
      type,
      ok: outcome.error === undefined,
      ...outcome,
      ...(hint ? { hint } : {}),
      ms: Math.round(performance.now() - start),
    });
  };
  for (const t of targets) {
    for (const scorer of t.scorers.filter((s) => PROBED.has(s.type))) {
      await timed(t.suite, scorer.name, scorer.type, async () => {
        const score = await scorer.score(probeInput(t.first, scorer), services);
        return score.error !== undefined
          ? { error: score.error }
          : { ...(score.value !== null ? { value: score.value } : {}) };
      });
    }
  }
  if (drift) {
    await timed(DRIFT_SUITE, `embedder (${drift.embedder})`, 'similarity', async () => {
      const [vector] = await embeddings.embed(drift.embedder, [PROBE_ANSWER]);
      return vector && vector.length > 0 ? {} : { error: 'the embedder returned no vector' };
    });
  }
  return results;
}
