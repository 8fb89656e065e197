/**
 * `driftgate drift` as a function: sample the logs, redact, replay through pinned and current
 * (through the same gateway, cache, journal and scorers as `eval`), compute the signals, decide
 * with Holm at α, and append this run to the history. Nothing leaves the machine unredacted: the
 * inputs are redacted before they become requests, and requests are all that is sent or written.
 */
import path from 'node:path';
import { ConfigError, ExitCode } from '../errors.js';
import { loadConfig } from '../config/load.js';
import { buildScorers } from '../scorers/registry.js';
import { readRunRecords } from '../runner/store/run-records.js';
import { pendingItems } from '../runner/store/resume.js';
import type { PreparedSuite } from '../runner/plan/plan.js';
import { guardSuites } from '../runner/scoring/scorer-guard.js';
import { scorerHealth } from '../runner/scoring/scorer-health.js';
import { JOURNAL_FILE, newRunId } from '../runner/store/run-dir.js';
import { RunSession, type SessionOptions } from '../runner/session/run-session.js';
import { incompleteReason as incompleteReasonOf } from '../runner/session/completion.js';
import { computeSignals } from './compute-signals.js';
import { driftCost, monthlyFromWindow } from './cost-by-stratum.js';
import { DRIFT_SUITE, driftCases, driftSuiteConfig, driftWorkItems } from './drift-plan.js';
import {
  appendHistory,
  HISTORY_SCHEMA_VERSION,
  historySignals,
  readHistory,
  type HistoryRow,
  type WeeklyMetric,
} from './history.js';
import { fieldMapping, readerOf } from '../sources/log-fields.js';
import { logOrigins, logPreset } from './drift-origins.js';
import { openSnapshot } from './log-snapshot.js';
import { PriceTable } from '../providers/pricing.js';
import { ProductionTally } from '../production/production-tally.js';
import { productionSection } from '../production/production-section.js';
import { usageReader } from '../production/usage-line.js';
import { backfillHistory } from './backfill.js';
import { servedScores } from './served-scores.js';
import { notifyWebhook } from './notify.js';
import { nearDuplicates } from './near-duplicates.js';
import { isoWeekSeed, parseSince, sampleLogs } from './sample-logs.js';
import { decideDrift } from '../signals/signals.js';
import { writeDriftResult } from './drift-file.js';
import type { DriftResult } from './drift-result.js';

export type { DriftResult } from './drift-result.js';
import { writeFileAtomic } from '../util/atomic-write.js';

export const VOCABULARY_FILE = 'vocabulary.tsv';

export interface DriftOptions extends SessionOptions {
  readonly configPath?: string;
  readonly since?: string;
  readonly seed?: string;
  readonly now?: Date;
  /** A `driftgate logs pull` snapshot to read instead of `drift.logs`; its window unless `since` says otherwise. */
  readonly snapshot?: string;
  /** Run a past window as it would have run then: `now` is this time, and later lines are outside it. */
  readonly asOf?: Date;
  /** Before this run, build the production history from the logs, this many windows back (`12w`). */
  readonly backfill?: string;
}

/** The served answers' scores over the trailing runs and this one, oldest first (the report's quality chart). */
function servedTrend(
  history: readonly HistoryRow[],
  now: Readonly<Record<string, WeeklyMetric>>,
  window: number,
  end: string,
): { end: string; scores: Record<string, number> }[] {
  const pick = (metrics: Readonly<Record<string, WeeklyMetric>>) =>
    Object.fromEntries(
      Object.entries(metrics).flatMap(([k, m]) => (k.startsWith('served ') ? [[k.slice(7), m.mean]] : [])),
    );
  const past = history
    .filter((r) => Object.keys(r.metrics).some((k) => k.startsWith('served ')))
    .slice(-window)
    .map((r) => ({ end: r.finishedAt, scores: pick(r.metrics) }));
  return [...past, { end, scores: pick(now) }];
}

export async function runDrift(options: DriftOptions = {}): Promise<DriftResult> {
  const now = options.asOf ?? options.now ?? new Date();
  const loaded = await loadConfig(options.configPath);
  const { config } = loaded;
  const drift = config.drift;
  if (!drift) throw new ConfigError(`${path.basename(loaded.file)}: no drift section (see docs/drift.md)`);
  if (options.backfill)
    await backfillHistory({ loaded, drift, span: options.backfill, now, env: options.env ?? process.env });
  const session = await RunSession.open(loaded, 'drift', options);
  const { resumed } = session;
  const seed =
    resumed?.meta.drift?.seed ?? options.seed ?? (drift.sample.seed === 'auto' ? isoWeekSeed(now) : drift.sample.seed);
  // A resumed run reads what it first read: the same snapshot, or the same window of the source.
  const snapshotFile = options.snapshot ? path.resolve(options.snapshot) : resumed?.meta.drift?.snapshot;
  const snapshot = snapshotFile ? await openSnapshot(snapshotFile) : undefined;
  const sinceText = options.since ?? (snapshot ? undefined : drift.sample.since);
  // A resumed run keeps its window's absolute start, so a resume days later samples the same lines.
  const since = resumed
    ? resumed.meta.drift?.since
      ? new Date(resumed.meta.drift.since)
      : undefined
    : sinceText
      ? parseSince(sinceText, now)
      : snapshot?.manifest.since
        ? new Date(snapshot.manifest.since)
        : undefined;
  const preset = snapshot ? 'normalized' : logPreset(drift);
  const mapping = fieldMapping(preset, snapshot ? undefined : drift.fields);
  // Every line of the window, in the sampling pass: what production served, cost and who called.
  const tally = new ProductionTally(new PriceTable(config.pricing), {
    ...(drift.group_by ? { groupBy: drift.group_by } : {}),
    ...(since ? { since } : {}),
    end: snapshot ? new Date(snapshot.manifest.pulledAt) : now,
  });
  const readUsage = usageReader(mapping, drift.group_by);
  const observe = (record: unknown) => {
    const line = readUsage(record);
    if (
      line.time !== undefined &&
      ((since && line.time < since.getTime()) || (options.asOf && line.time > options.asOf.getTime()))
    )
      return;
    tally.add(line);
  };
  const sample = await sampleLogs(
    snapshot
      ? [snapshot.origin]
      : await logOrigins(loaded.rootDir, drift, { env: session.env, ...(since ? { since } : {}) }),
    {
      mapping,
      size: drift.sample.size,
      ...(drift.sample.stratify ? { stratify: drift.sample.stratify } : {}),
      minPerStratum: drift.sample.min_per_stratum,
      ...(since ? { since } : {}),
      ...(options.asOf ? { until: options.asOf } : {}),
      seed,
      maxBadFraction: drift.max_bad_lines,
      reader: readerOf(preset),
      observe,
    },
  );
  const { cases, redactions } = await driftCases(sample.items, drift.redact);
  const suite = driftSuiteConfig(drift);
  const scorers = await buildScorers(drift.scorers, {
    rootDir: loaded.rootDir,
    models: config.models,
    where: `${path.basename(loaded.file)} drift.scorers`,
    targets: suite.targets,
  });
  const historyFile = path.resolve(loaded.rootDir, drift.history);
  const history = (await readHistory(historyFile)).filter((r) => r.suite === DRIFT_SUITE);
  const week = tally.result();
  const replayed = history.filter((r) => !r.backfilled);
  // In time order: backfilled windows are written after the runs they precede may have been.
  const trailing = history
    .flatMap((r) => (r.production ? [r.production] : []))
    .sort((a, b) => (a.end ?? '').localeCompare(b.end ?? ''))
    .slice(-drift.window);
  const production = productionSection(week, trailing, {
    alpha: drift.alpha,
    // Distinct inputs per stratum are the sampler's: repeats per feature when it stratifies by feature.
    ...(drift.sample.stratify === 'feature' ? { strata: sample.strata } : {}),
    ...(drift.budget ? { budget: drift.budget } : {}),
    paths: {
      usage:
        [mapping.inputTokens, mapping.outputTokens, mapping.costUsd].filter(Boolean).join(', ') ||
        `none of the fields format ${preset} maps`,
      servedModel: mapping.model ?? `none of the fields format ${preset} maps`,
    },
  });
  // replay: on-change — the logs say no served model id or fingerprint moved since the last run: no calls.
  const replaySkipped =
    drift.replay === 'on-change' &&
    trailing.some((w) => w.served.length > 0) &&
    production.served.length > 0 &&
    production.changedAliases.length === 0;
  const items = replaySkipped ? [] : driftWorkItems(cases, drift, config.models);
  const unguarded: PreparedSuite = {
    config: suite,
    cases,
    caseById: new Map(cases.map((c) => [c.case.id, c])),
    scorers,
  };
  const prepared = guardSuites([unguarded], items, config.runner.max_scorer_errors)[0] as PreparedSuite;

  await session.start({
    runId: newRunId(now),
    startedAt: now.toISOString(),
    suites: [DRIFT_SUITE],
    targets: drift.targets,
    extra: {
      drift: {
        seed,
        ...(since ? { since: since.toISOString() } : {}),
        ...(snapshotFile ? { snapshot: snapshotFile } : {}),
      },
    },
  });
  const { runDir, meta } = session;
  const pending = pendingItems(items, resumed?.finished ?? new Set());
  const { outcome } = await session.makeCalls({
    pending,
    pendingCount: pending.length,
    prepared: [prepared],
    unguarded: [unguarded],
  });
  const records = await readRunRecords(path.join(runDir, JOURNAL_FILE), [prepared]);

  const health = scorerHealth(
    records,
    [{ suite: DRIFT_SUITE, scorers: prepared.scorers }],
    config.runner.max_scorer_errors,
  );
  const computed = await computeSignals({
    records,
    cases,
    targets: drift.targets,
    embed: (texts) => session.services.embeddings.embed(drift.embedder, texts),
    // The last week that was replayed: a backfilled row saw the logs only, no model's answers.
    ...(replayed.length ? { previousCurrentModels: replayed[replayed.length - 1]?.models.current } : {}),
    seed,
    health,
    behaviour: {
      permutations: drift.behaviour.permutations,
      components: drift.behaviour.components,
      minStratum: drift.behaviour.min_stratum,
    },
    semanticEmbedder: config.models[drift.embedder]?.provider !== 'local',
  });
  // What users were served, scored with no generation: tested against the trailing runs in the history.
  const served = await servedScores({
    items: sample.items,
    cases,
    scorers,
    services: session.services.services,
    now,
  });
  const metrics = { ...computed.metrics, ...served.metrics };
  // Rephrasings of one question among the sample's distinct inputs (what a semantic cache would catch).
  const near = await nearDuplicates(sample.items, (texts) => session.services.embeddings.embed(drift.embedder, texts));
  const decision = decideDrift(
    [...computed.signals, ...historySignals(history, metrics, drift.window)],
    drift.alpha,
    drift.fail_on,
  );
  await writeVocabulary(runDir, computed.vocabulary);

  const incompleteReason = incompleteReasonOf({
    resumeCommand: session.resumeCommand(),
    planned: items.length,
    outcome,
    ...(options.stop ? { stop: options.stop } : {}),
    ...(options.maxCostUsd !== undefined ? { maxCostUsd: options.maxCostUsd } : {}),
    records,
    maxErrors: config.runner.max_errors,
    scorers: health,
  });
  meta.scorers = health;
  const finished = await session.finish(records, incompleteReason);
  // An incomplete week is not history: a partial sample would move the baseline of later weeks.
  if (!incompleteReason) {
    await appendHistory(historyFile, {
      schemaVersion: HISTORY_SCHEMA_VERSION,
      suite: DRIFT_SUITE,
      runId: meta.runId,
      seed,
      finishedAt: finished.finishedAt,
      drifted: decision.drifted,
      worse: decision.worse,
      models: computed.models,
      metrics,
      production: week,
    });
  }
  const { items: _items, ...sampleInfo } = sample;
  // A snapshot's window ended when it was pulled.
  const windowEnd = snapshot ? new Date(snapshot.manifest.pulledAt) : now;
  const windowDays =
    (sinceText || snapshot) && since ? (windowEnd.getTime() - since.getTime()) / 86_400_000 : undefined;
  const monthlyCalls =
    drift.forecast?.monthly_calls ??
    (windowDays ? monthlyFromWindow(sample.lines - sample.outsideWindow - sample.badLines, windowDays) : undefined);
  const cost = driftCost(computed.priced, monthlyCalls);
  const result: DriftResult = {
    exitCode: incompleteReason ? ExitCode.Incomplete : decision.failed ? ExitCode.GateFailed : ExitCode.Ok,
    runId: meta.runId,
    runDir,
    sample: { ...sampleInfo, size: sample.items.length },
    redactions,
    decision,
    divergent: computed.divergent,
    historyFile,
    scorers: health,
    production,
    ...(served.agreement.length ? { userAgreement: served.agreement } : {}),
    ...(near.length ? { nearDuplicates: near } : {}),
    ...(Object.keys(served.metrics).length
      ? { servedTrend: servedTrend(history, served.metrics, drift.window, finished.finishedAt) }
      : {}),
    ...(replaySkipped
      ? {
          replaySkipped: `replay: on-change, and no served model id or fingerprint changed since the last run (${production.served.map((t) => t.models.map((m) => m.model).join(', ')).join('; ')})`,
        }
      : {}),
    ...(cost ? { cost } : {}),
    ...(incompleteReason ? { incompleteReason } : {}),
  };
  const notify = drift.notify;
  const notified =
    notify && (notify.on === 'always' || result.decision.drifted || result.incompleteReason)
      ? await notifyWebhook(result, notify.webhook, session.env)
      : undefined;
  const final: DriftResult = notified ? { ...result, notified } : result;
  await writeDriftResult(runDir, final, loaded.rootDir);
  return final;
}

/** `vocabulary.tsv`: the week's fitted terms of the "behaviour changed" test, most frequent first. */
async function writeVocabulary(runDir: string, vocabulary: readonly { term: string; df: number }[]): Promise<void> {
  const rows = [...vocabulary]
    .sort((a, b) => b.df - a.df || (a.term < b.term ? -1 : 1))
    .map((v) => `${v.term.replace(/[\t\n]/g, ' ')}\t${v.df}`);
  await writeFileAtomic(path.join(runDir, VOCABULARY_FILE), `term\tanswers\n${rows.join('\n')}\n`);
}
