/**
 * Annotations for regressed cases: each points at the case's line in its dataset file, so the
 * pull request's "Files changed" view and the check run show which golden case got worse.
 */
import * as core from '@actions/core';
import path from 'node:path';
import type { LoadedConfig } from '../config/load.js';
import { loadDataset } from '../datasets/load.js';
import type { GateReport } from '../gate/compare.js';

/** GitHub shows at most 10 error annotations per step; the rest are in the report. */
const MAX_ANNOTATIONS = 10;

export async function annotateRegressions(loaded: LoadedConfig, report: GateReport): Promise<number> {
  let count = 0;
  for (const s of report.suites) {
    const flips = s.flips.filter((f) => f.direction === 'regressed');
    if (flips.length === 0) continue;
    const suite = loaded.config.suites.find((x) => x.name === s.suite);
    const lines = new Map<string, number>();
    let file: string | undefined;
    if (suite) {
      const absolute = path.resolve(loaded.rootDir, suite.dataset);
      file = path.relative(process.env.GITHUB_WORKSPACE ?? process.cwd(), absolute);
      try {
        for (const c of await loadDataset(absolute)) lines.set(c.id, c.line);
      } catch {
        // The dataset was readable for the run; if it is not now, annotate without lines.
      }
    }
    for (const f of flips) {
      if (count >= MAX_ANNOTATIONS) return count;
      const line = lines.get(f.caseId);
      core.error(
        `${f.caseId}: ${f.checks.join(', ') || 'scores'} passed in the baseline and fail${f.checks.length === 1 ? 's' : ''} now (${s.target})`,
        {
          title: `driftgate: ${s.suite} regression`,
          ...(file ? { file } : {}),
          ...(line !== undefined ? { startLine: line } : {}),
        },
      );
      count++;
    }
  }
  for (const s of report.suites) {
    for (const m of s.metrics.filter((x) => x.gated && x.verdict === 'regressed')) {
      core.error(`${m.metric} regressed in ${s.suite} (${s.target}): p (adjusted) ${m.pAdjusted?.toPrecision(2)}`, {
        title: `driftgate: ${s.suite} ${m.metric}`,
      });
    }
  }
  return count;
}
