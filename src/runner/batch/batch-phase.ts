/**
 * runner.mode: batch. Before the usual execution, the calls a phase needs (the answers; then the
 * judge verdicts on them) go to each target's batch API in one batch per target; their answers are
 * handed to the gateway, which serves them to the usual pipeline as this run's calls at the batch
 * price and writes them to the cache. So scoring, journaling, resume and reports are the same code
 * as online, and a batch answer is recorded exactly like an online one.
 *
 * Crash safety: the batch id is in `batches.jsonl` (synced) before any waiting. A resumed run polls
 * a batch still open for its phase and target instead of submitting again. Requests a batch did not
 * answer go online one by one, or become error records (`runner.batch.failed: error`). A batch still
 * running after `max_wait_ms` makes its requests error records, so nothing is paid twice; `--resume`
 * polls it again.
 */
import type { ModelConfig } from '../../providers/model-schema.js';
import type { RunnerConfig } from '../../config/schema.js';
import { createBatchClient } from '../../providers/registry.js';
import type { BatchClient, BatchState } from '../../providers/batch-client.js';
import { ProviderCallError, type ChatRequest } from '../../providers/types.js';
import { scrubSecrets } from '../../util/secrets.js';
import { groupBy } from '../../util/group-by.js';
import { cacheKey, type CacheKeyInput } from '../cache/cache.js';
import type { CallGateway } from '../calls/gateway.js';
import { appendBatchEvent, openBatches, readBatchJournal, type BatchPhase } from './batch-journal.js';

export interface BatchCall {
  readonly target: string;
  readonly model: ModelConfig;
  readonly request: ChatRequest;
  readonly sample: number;
}

export interface BatchReport {
  readonly phase: BatchPhase;
  readonly target: string;
  readonly batchId: string;
  readonly state: BatchState['state'] | 'still-running';
  readonly answered: number;
  readonly failed: number;
  readonly detail?: string;
}

export interface BatchPhaseContext {
  readonly gateway: CallGateway;
  readonly runDir: string;
  readonly settings: RunnerConfig['batch'];
  readonly env: NodeJS.ProcessEnv;
  readonly timeoutMs: number;
  readonly log?: (line: string) => void;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

type Planned = { call: BatchCall; keyInput: CacheKeyInput; estimate: number };

interface Pending {
  readonly target: string;
  readonly batchId: string;
  readonly client: BatchClient;
  readonly calls: ReadonlyMap<string, Planned>;
  /** Submitted by an earlier session: which of `calls` it holds is known only from its results. */
  readonly reopened: boolean;
}

/** Splits a target's requests into batches within the provider's limits on count and size. */
function chunks(
  entries: readonly [string, Planned][],
  client: BatchClient,
  maxRequests = Number.POSITIVE_INFINITY,
): [string, Planned][][] {
  const most = Math.min(client.limits.requests, maxRequests);
  const out: [string, Planned][][] = [];
  let current: [string, Planned][] = [];
  let bytes = 0;
  for (const entry of entries) {
    // The request as JSON, plus the line's wrapper: close enough to the upload's size.
    const size = JSON.stringify(entry[1].call.request).length + 200;
    if (current.length > 0 && (current.length >= most || bytes + size > client.limits.bytes)) {
      out.push(current);
      current = [];
      bytes = 0;
    }
    current.push(entry);
    bytes += size;
  }
  if (current.length > 0) out.push(current);
  return out;
}

export async function runBatchPhase(
  phase: BatchPhase,
  calls: readonly BatchCall[],
  ctx: BatchPhaseContext,
): Promise<BatchReport[]> {
  const { gateway } = ctx;
  const unanswered = async () => {
    // One request per distinct key, and only what no cache, batch or earlier call has answered.
    const byKey = new Map<string, { call: BatchCall; keyInput: CacheKeyInput }>();
    for (const call of calls) {
      const keyInput = gateway.keyInputOf(call.model, call.request, call.sample);
      const key = cacheKey(keyInput);
      if (byKey.has(key) || (await gateway.answered(key)) || gateway.batchFailed(key)) continue;
      byKey.set(key, { call, keyInput });
    }
    return groupBy(byKey, ([, v]) => v.call.target);
  };
  const clients = new Map<string, BatchClient>();
  const clientFor = async (target: string, model: ModelConfig) => {
    let client = clients.get(target);
    if (!client)
      clients.set(
        target,
        (client = await createBatchClient(target, model, { env: ctx.env, timeoutMs: ctx.timeoutMs })),
      );
    return client;
  };
  const reports: BatchReport[] = [];

  // 1. Batches an earlier session submitted and did not collect: poll them, never submit again.
  const open = openBatches(await readBatchJournal(ctx.runDir), phase);
  if (open.size > 0) {
    const byTarget = await unanswered();
    const reopened: Pending[] = [];
    for (const [target, ids] of open) {
      const entries = byTarget.get(target) ?? [];
      const model = entries[0]?.[1].call.model;
      if (!model) continue;
      const calls = new Map(entries.map(([key, v]) => [key, { ...v, estimate: 0 }]));
      for (const batchId of ids) {
        reopened.push({ target, batchId, client: await clientFor(target, model), calls, reopened: true });
        ctx.log?.(`batch ${batchId} (${phase}, ${target}): submitted before, polling it again`);
      }
    }
    reports.push(...(await waitAndCollect(phase, reopened, ctx)));
  }

  // 2. What is still unanswered, in new batches within each provider's limits.
  const pending: Pending[] = [];
  for (const [target, entries] of await unanswered()) {
    const model = entries[0]?.[1].call.model;
    if (!model) continue;
    const chosen: [string, Planned][] = [];
    for (const [key, v] of entries) {
      const reserved = gateway.reserveBatchCall(target, v.call.model, v.call.request);
      if (!reserved.ok) break; // the rest meets the budget online (and is skipped there)
      chosen.push([key, { ...v, estimate: reserved.estimate }]);
    }
    if (chosen.length === 0) continue;
    const client = await clientFor(target, model);
    for (const part of chunks(chosen, client, ctx.settings.max_requests)) {
      const batchId = await client.submit(part.map(([key, v]) => ({ customId: key, request: v.call.request })));
      // Journaled (and synced) before any waiting: a crash from here on leaves the id behind.
      await appendBatchEvent(ctx.runDir, {
        schemaVersion: 1,
        event: 'submitted',
        phase,
        target,
        provider: client.provider,
        batchId,
        requests: part.length,
        at: new Date().toISOString(),
      });
      ctx.log?.(`batch ${batchId} (${phase}, ${target}): ${part.length} requests submitted`);
      pending.push({ target, batchId, client, calls: new Map(part), reopened: false });
    }
  }
  reports.push(...(await waitAndCollect(phase, pending, ctx)));
  return reports;
}

async function waitAndCollect(
  phase: BatchPhase,
  pending: readonly Pending[],
  ctx: BatchPhaseContext,
): Promise<BatchReport[]> {
  const reports: BatchReport[] = [];
  const started = Date.now();
  let waiting = [...pending];
  while (waiting.length > 0) {
    const still: Pending[] = [];
    for (const p of waiting) {
      const state = await p.client.status(p.batchId);
      if (state.state === 'running') still.push(p);
      else reports.push(await collect(phase, p, state, ctx));
    }
    waiting = still;
    if (waiting.length === 0) break;
    if (Date.now() - started >= ctx.settings.max_wait_ms) {
      for (const p of waiting) {
        for (const [key, v] of p.calls) {
          ctx.gateway.acceptBatchFailure(
            key,
            new ProviderCallError(
              'timeout',
              `batch ${p.batchId} still running after ${ctx.settings.max_wait_ms} ms: driftgate eval --resume polls it again`,
            ),
          );
          ctx.gateway.options.budget.settle(v.estimate, 0);
        }
        reports.push({ phase, target: p.target, batchId: p.batchId, state: 'still-running', answered: 0, failed: 0 });
      }
      break;
    }
    await sleep(ctx.settings.poll_ms);
  }
  return reports;
}

async function collect(phase: BatchPhase, p: Pending, state: BatchState, ctx: BatchPhaseContext): Promise<BatchReport> {
  const requests = new Map([...p.calls].map(([key, v]) => [key, v.call.request]));
  let results: Map<string, unknown>;
  try {
    results = await p.client.results(p.batchId, requests);
  } catch (err) {
    results = new Map();
    ctx.log?.(
      `batch ${p.batchId}: results could not be read (${scrubSecrets(err instanceof Error ? err.message : String(err))})`,
    );
  }
  let answered = 0;
  let failed = 0;
  for (const [key, v] of p.calls) {
    const result = results.get(key);
    // A reopened batch may hold only some of the target's requests: the rest are not its failures.
    if (p.reopened && result === undefined) continue;
    if (result !== undefined && !(result instanceof ProviderCallError)) {
      const cost = await ctx.gateway.acceptBatchAnswer(v.call.model, v.keyInput, key, result as never);
      ctx.gateway.options.budget.settle(v.estimate, cost);
      answered++;
      continue;
    }
    failed++;
    ctx.gateway.options.budget.settle(v.estimate, 0);
    const error =
      result instanceof ProviderCallError
        ? result
        : new ProviderCallError('other', `batch ${p.batchId} (${state.state}) has no answer for this request`);
    if (ctx.settings.failed === 'error') ctx.gateway.acceptBatchFailure(key, error);
  }
  // Answers of a reopened batch that this session did not plan (resolved elsewhere) are simply not used.
  await appendBatchEvent(ctx.runDir, {
    schemaVersion: 1,
    event: 'collected',
    phase,
    target: p.target,
    batchId: p.batchId,
    state: state.state,
    answered,
    failed,
    ...(state.detail ? { detail: state.detail } : {}),
    at: new Date().toISOString(),
  });
  ctx.log?.(
    `batch ${p.batchId} (${phase}, ${p.target}): ${state.state}, ${answered} answered, ${failed} not (${ctx.settings.failed === 'online' ? 'called online' : 'error records'})`,
  );
  return {
    phase,
    target: p.target,
    batchId: p.batchId,
    state: state.state,
    answered,
    failed,
    ...(state.detail ? { detail: state.detail } : {}),
  };
}
