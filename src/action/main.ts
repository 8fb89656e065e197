/**
 * The GitHub Action. `gate` on pull_request: run the suites, compare with the base branch's
 * baselines, write the job summary, upsert one PR comment, annotate regressed cases, fail only when
 * the gate fails. `drift` on schedule: run `driftgate drift` and open or update one issue labelled
 * `drift`. `eval`: run and report. The response cache is kept with the Actions cache either way.
 */
import * as core from '@actions/core';
import path from 'node:path';
import { DriftgateError, ExitCode } from '../errors.js';
import { registerEnvSecrets, registeredSecrets, scrubSecrets } from '../util/secrets.js';
import { loadConfig, type LoadedConfig } from '../config/load.js';
import { runDrift, type DriftOptions } from '../drift/run-drift.js';
import { pullLogs } from '../drift/pull-logs.js';
import { evalAndGate } from '../gate/adaptive-eval.js';
import { createProgress } from '../runner/calls/progress.js';
import { runEval, type EvalResult } from '../runner/eval-run.js';
import { loadReportModel, type ReportModel } from '../report/report-model.js';
import { buildSummaryJson, type RunSummaryJson } from '../report/summary-json.js';
import { renderMarkdown } from '../report/markdown.js';
import { REPORT_FORMATS, writeReports } from '../report/write-reports.js';
import { annotateRegressions } from './annotations.js';
import { baselinesAtCommit } from './base-baselines.js';
import { readEvent, type ActionEvent } from './event.js';
import { describeGitHubFailure, GitHubApi, markerFor, PERMISSION_FOR } from './github-api.js';
import { readInputs, type ActionInputs } from './inputs.js';
import { readdir } from 'node:fs/promises';
import { mergeShardRuns } from '../runner/store/merge-runs.js';
import { RUN_FILE } from '../runner/store/run-dir.js';
import { cacheKeys, restoreResponseCache, saveResponseCache } from './response-cache.js';

/** Leaves room below GitHub's 65,536-character limit for the marker and a safety margin. */
const COMMENT_CHARS = 65_000;

async function gateBaselinesDir(
  loaded: LoadedConfig,
  event: ActionEvent,
  suites: readonly string[],
): Promise<string | undefined> {
  const pr = event.pullRequest;
  if (!pr) return undefined;
  const base = await baselinesAtCommit(loaded.rootDir, pr.baseSha, suites);
  if (!base) {
    core.warning(
      `driftgate: could not read the base commit ${pr.baseSha.slice(0, 7)} with git; comparing with the baselines in the checkout instead`,
    );
    return undefined;
  }
  core.info(
    `driftgate: comparing with the baselines of ${pr.baseRef} (${pr.baseSha.slice(0, 7)}): ${base.found.join(', ') || 'none there yet'}`,
  );
  return base.dir;
}

async function runSuites(inputs: ActionInputs, loaded: LoadedConfig, event: ActionEvent): Promise<string> {
  const common = {
    configPath: loaded.file,
    progress: createProgress(),
    ...(inputs.batch ? { batch: true } : {}),
    ...(inputs.maxCostUsd !== undefined ? { maxCostUsd: inputs.maxCostUsd } : {}),
  };
  if (inputs.mode === 'drift') return weeklyDrift(loaded, common);
  const evalOptions = {
    ...common,
    ...(inputs.suites.length ? { suites: inputs.suites } : {}),
    ...(inputs.shard ? { shard: inputs.shard } : {}),
  };
  const first = inputs.merge ? await mergedRun(loaded, inputs.merge) : await runEval(evalOptions);
  if (!first.runDir || !first.meta)
    throw new DriftgateError(first.incompleteReason ?? 'the run did not start', first.exitCode);
  // A shard holds part of the cases: the gate job compares the merged run.
  if (inputs.shard) return first.runDir;
  const baselinesDir = inputs.mode === 'gate' ? await gateBaselinesDir(loaded, event, first.meta.suites) : undefined;
  // gate.adaptive: inconclusive metrics may get extra rounds of the same run before the verdict.
  const { result, gate } = await evalAndGate({
    loaded,
    first,
    evalOptions,
    rescore: { env: process.env, ...(inputs.maxCostUsd !== undefined ? { maxCostUsd: inputs.maxCostUsd } : {}) },
    baselinesDir,
  });
  if (!result.runDir || !result.meta)
    throw new DriftgateError(result.incompleteReason ?? 'the run did not start', result.exitCode);
  if (gate) await annotateRegressions(loaded, gate.report);
  return result.runDir;
}

/**
 * A platform source is pulled to a snapshot first and drift runs on it: the week's evidence, in
 * `.driftgate/logs/` for the workflow to keep beside the reports.
 */
async function weeklyDrift(loaded: LoadedConfig, options: DriftOptions): Promise<string> {
  const logs = loaded.config.drift?.logs;
  const run = async (o: DriftOptions) => {
    const r = await runDrift(o);
    if (r.notified?.warning) core.warning(`driftgate: ${r.notified.warning}`);
    return r.runDir;
  };
  if (!logs || typeof logs !== 'object' || Array.isArray(logs)) return run(options);
  const pulled = await pullLogs({ configPath: loaded.file });
  const { read, written, bad } = pulled.manifest.counts;
  core.info(
    `driftgate: pulled ${written} of ${read} records from ${pulled.manifest.source}${bad ? ` (${bad} bad)` : ''} to ${path.relative(loaded.rootDir, pulled.file)}`,
  );
  return run({ ...options, snapshot: pulled.file });
}

/** The gate job of a matrix: every run directory under `dir` (the downloaded shard artifacts), merged. */
async function mergedRun(loaded: LoadedConfig, dir: string): Promise<EvalResult> {
  const root = path.resolve(loaded.rootDir, dir);
  const found = (await readdir(root, { recursive: true }))
    .filter((f) => path.basename(f) === RUN_FILE)
    .map((f) => path.dirname(path.join(root, f)));
  core.info(`driftgate: merging ${found.length} shard runs from ${dir}`);
  const { runDir, meta, records } = await mergeShardRuns(
    loaded,
    found.sort(),
    path.join(loaded.rootDir, '.driftgate', 'runs'),
  );
  return { runDir, meta, readRecords: async () => [...records], exitCode: ExitCode.Ok };
}

/**
 * Posting is best effort: whatever GitHub answers (after retries), the verdict, outputs and the
 * step's result come from the gate alone; a failure is one warning line.
 */
async function bestEffort(what: string, permission: string, action: () => Promise<void>): Promise<void> {
  try {
    await action();
  } catch (err) {
    core.warning(scrubSecrets(describeGitHubFailure(what, permission, err)));
  }
}

async function publish(
  inputs: ActionInputs,
  event: ActionEvent,
  model: ReportModel,
  summary: RunSummaryJson,
): Promise<void> {
  if (!inputs.token) {
    core.info('driftgate: no github-token; nothing is posted to the pull request or issues');
    return;
  }
  const retryBaseMs = Number(process.env.DRIFTGATE_GITHUB_RETRY_BASE_MS);
  const api = new GitHubApi(inputs.token, event.owner, event.repo, {
    log: (line) => core.info(line),
    ...(retryBaseMs > 0 ? { retryBaseMs } : {}),
  });
  // Shard jobs stay silent: the gate job comments once, on the merged run.
  if (inputs.mode !== 'drift' && inputs.comment && event.pullRequest && !inputs.shard) {
    const pr = event.pullRequest;
    await bestEffort('post the pull request comment', PERMISSION_FOR.comment, async () => {
      const marker = markerFor('gate', inputs.config);
      const body = renderMarkdown(model, {
        prefix: `${marker}\n`,
        maxChars: COMMENT_CHARS,
        ...(event.runUrl ? { detailsUrl: event.runUrl } : {}),
      });
      const done = await api.upsertComment(pr.number, marker, body);
      core.info(`driftgate: ${done.action} the pull request comment ${done.url}`);
    });
  }
  if (inputs.mode === 'drift') {
    const marker = markerFor('drift', inputs.config);
    if (summary.verdict === 'drift') {
      await bestEffort('open or update the drift issue', PERMISSION_FOR.issue, async () => {
        const title = `driftgate: ${summary.driftKind === 'worse' ? 'quality worse' : 'behaviour changed'} (${summary.driftedSignals.join(', ')})`;
        const body = renderMarkdown(model, {
          prefix: `${marker}\n`,
          maxChars: COMMENT_CHARS,
          ...(event.runUrl ? { detailsUrl: event.runUrl } : {}),
        });
        const done = await api.upsertIssue('drift', marker, title, body);
        core.info(`driftgate: ${done.action} drift issue ${done.url}`);
      });
    } else {
      await bestEffort('look for an open drift issue', PERMISSION_FOR.issue, async () => {
        const open = await api.findOpenIssue('drift', marker);
        // Never closed silently: a person decides the drift was handled.
        if (open)
          core.notice(
            `driftgate: no drift this week; drift issue #${open.number} stays open until someone closes it (${open.url})`,
          );
      });
    }
  }
}

function setOutputs(summary: RunSummaryJson, reportPath: string): void {
  core.setOutput('verdict', summary.verdict);
  core.setOutput('regressions', String(summary.regressions.length));
  core.setOutput('drifted-signals', String(summary.driftedSignals.length));
  core.setOutput('cost-usd', summary.costUsd === null ? '' : summary.costUsd.toFixed(6));
  core.setOutput('report-path', reportPath);
}

function shouldFail(inputs: ActionInputs, summary: RunSummaryJson): string | undefined {
  if (inputs.failOn === 'never') return undefined;
  if (summary.verdict === 'incomplete')
    return `driftgate: the run is incomplete (${summary.incompleteReason ?? 'see the log'}); its verdict cannot be trusted`;
  if (summary.verdict === 'failed' && inputs.failOn === 'regression') return `driftgate: ${summary.headline}`;
  if (summary.verdict === 'drift' && (inputs.failOn === 'drift' || inputs.failOn === 'regression'))
    return `driftgate: ${summary.headline}`;
  return undefined;
}

export async function runAction(): Promise<void> {
  // Masked in every log line the runner prints, whatever prints them; scrubbed from everything driftgate writes.
  registerEnvSecrets(process.env);
  for (const secret of registeredSecrets()) core.setSecret(secret);
  try {
    const inputs = readInputs();
    const event = readEvent();
    if (event.pullRequest?.fromFork && !inputs.runOnForks) {
      // Every mode: with pull_request_target a fork's config would run with this repository's secrets.
      const message = `driftgate: skipped — this pull request comes from a fork. Its config (custom scorers, endpoints) is not run with this repository's secrets${event.name === 'pull_request_target' ? ' (pull_request_target gives a fork the secrets)' : ', and pull_request gives a fork none'}. A maintainer can run it by pushing the branch to this repository, or opt in with run-on-forks: true behind a required approval.`;
      core.notice(message);
      await core.summary.addHeading('driftgate: skipped', 3).addRaw(message).write();
      core.setOutput('verdict', 'skipped');
      for (const name of ['regressions', 'drifted-signals']) core.setOutput(name, '0');
      return;
    }
    const loaded = await loadConfig(inputs.config);
    // Relative to the workspace: the cache entry's version hashes its paths, and the workspace's
    // absolute path differs between runner images and self-hosted machines.
    const cacheDir = path.relative(process.cwd(), path.join(loaded.rootDir, '.driftgate', 'cache')) || '.';
    const keys = cacheKeys(loaded.hash, process.env, inputs.shard);
    if (inputs.cache) await restoreResponseCache(cacheDir, keys);
    const runDir = await runSuites(inputs, loaded, event);
    const model = await loadReportModel(runDir);
    await writeReports(model, REPORT_FORMATS, runDir);
    const summary = buildSummaryJson(model);
    await core.summary.addRaw(scrubSecrets(renderMarkdown(model, { maxChars: 1_000_000 })), true).write();
    setOutputs(summary, runDir);
    await publish(inputs, event, model, summary);
    if (inputs.cache) await saveResponseCache(cacheDir, keys);
    const failure = shouldFail(inputs, summary);
    if (failure) core.setFailed(scrubSecrets(failure));
    else core.info(scrubSecrets(`driftgate: ${summary.verdict} · ${summary.headline}`));
  } catch (err) {
    if (err instanceof DriftgateError) core.setFailed(`driftgate: ${scrubSecrets(err.message)}`);
    else {
      // A bug in the Action's own code (never a GitHub answer: those are warnings above): exit 4.
      core.setFailed(`driftgate: internal error: ${scrubSecrets(String((err as Error).message ?? err))}`);
      process.exitCode = 4;
    }
  }
}
