/**
 * `gate.require_calibration`: a judge's metric may gate only when the judge agrees with human labels
 * (quadratic weighted κ on scores, else κ on pass/fail) at least `min_kappa`; otherwise it is
 * reported, not gated, with the reason ("judge κ 0.41 < 0.6").
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { DatasetError, locate } from '../errors.js';
import { DEPTH_PROBLEM, depthField, tooDeep } from '../util/depth.js';
import type { Case } from '../datasets/case.js';
import type { PreparedSuite } from '../runner/plan/plan.js';
import type { CallRecord } from '../records/call-record.js';
import { calibrate } from '../runner/scoring/calibration.js';

/** The suite's cases with their labels replaced by those of a labels file (JSONL: id, human_score, human_pass). */
function labelledCases(rootDir: string, suite: PreparedSuite, labelsFile: string | undefined): Map<string, Case> {
  const cases = new Map(suite.cases.map((c) => [c.case.id, c.case]));
  if (!labelsFile) return cases;
  const file = path.resolve(rootDir, labelsFile);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new DatasetError(
      `${labelsFile}: cannot read the calibration labels (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`,
    );
  }
  const out = new Map<string, Case>([...cases].map(([id, c]) => [id, { ...c, labels: {} }]));
  text.split(/\r?\n/).forEach((line, i) => {
    if (!line.trim()) return;
    let row: { id?: unknown; human_score?: unknown; human_pass?: unknown };
    try {
      row = JSON.parse(line) as typeof row;
    } catch {
      throw new DatasetError(locate(labelsFile, i + 1, undefined, 'not valid JSON'));
    }
    const deep = tooDeep(row);
    if (deep) throw new DatasetError(locate(labelsFile, i + 1, depthField(deep), DEPTH_PROBLEM));
    if (typeof row.id !== 'string')
      throw new DatasetError(locate(labelsFile, i + 1, 'id', 'expected the case id as a string'));
    if (row.human_score !== undefined && typeof row.human_score !== 'number')
      throw new DatasetError(locate(labelsFile, i + 1, 'human_score', 'expected a number on the rubric scale'));
    if (row.human_pass !== undefined && typeof row.human_pass !== 'boolean')
      throw new DatasetError(locate(labelsFile, i + 1, 'human_pass', 'expected true or false'));
    const c = out.get(row.id);
    if (c)
      out.set(row.id, {
        ...c,
        labels: {
          ...(row.human_score !== undefined ? { humanScore: row.human_score } : {}),
          ...(row.human_pass !== undefined ? { humanPass: row.human_pass } : {}),
        },
      });
  });
  return out;
}

/** Judge metrics that may not gate, with why. */
export function uncalibratedJudges(
  rootDir: string,
  suite: PreparedSuite,
  records: readonly CallRecord[],
  required: { labels?: string; min_kappa: number },
): Map<string, string> {
  const cases = labelledCases(rootDir, suite, required.labels);
  const ok = records.filter((r) => r.status === 'ok');
  const calibrations = new Map(calibrate(ok, cases).map((c) => [c.scorer, c]));
  const out = new Map<string, string>();
  for (const judge of suite.scorers.filter((s) => s.type === 'judge')) {
    const c = calibrations.get(judge.name);
    const kappa = c?.weightedKappa ?? c?.passKappa ?? null;
    if (kappa === null) out.set(judge.name, `${judge.name}: no human labels to calibrate it against`);
    else if (kappa < required.min_kappa)
      out.set(judge.name, `${judge.name} κ ${kappa.toFixed(2)} < ${required.min_kappa}`);
  }
  return out;
}
