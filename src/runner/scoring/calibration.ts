/**
 * How far the judge can be trusted: on cases that carry human labels, agreement between each judge
 * scorer's verdicts and the humans'. `human_score` (on the rubric's scale) → quadratic weighted
 * Cohen's kappa and Spearman's ρ; `human_pass` → agreement rate and Cohen's kappa on pass/fail.
 */
import { judgeScaleOf } from '../../records/score-details.js';
import { spearman, weightedKappa } from '../../stats/agreement.js';
import type { Case } from '../../datasets/case.js';
import type { RecordFacts } from '../../records/record-facts.js';

export interface Calibration {
  readonly scorer: string;
  readonly scoreLabels: number;
  readonly weightedKappa: number | null;
  readonly spearman: number | null;
  readonly passLabels: number;
  readonly passAgreement: number | null;
  readonly passKappa: number | null;
}

const finite = (x: number): number | null => (Number.isFinite(x) ? x : null);

export function calibrate(records: readonly RecordFacts[], cases: ReadonlyMap<string, Case>): Calibration[] {
  const out: Calibration[] = [];
  const judgeNames = [
    ...new Set(records.flatMap((r) => r.scores.filter((s) => Array.isArray(s.details?.scale)).map((s) => s.name))),
  ];
  for (const name of judgeNames) {
    const pairs: { judge: number; human: number; scale: [number, number] }[] = [];
    const passPairs: { judge: boolean; human: boolean }[] = [];
    for (const r of records) {
      const s = r.scores.find((x) => x.name === name && x.error === undefined);
      const labels = cases.get(r.caseId)?.labels;
      if (!s || !labels) continue;
      const scale = judgeScaleOf(s);
      if (scale && labels.humanScore !== undefined && typeof s.details?.score === 'number')
        pairs.push({ judge: Math.round(s.details.score), human: labels.humanScore, scale: [scale[0], scale[1]] });
      if (labels.humanPass !== undefined && s.pass !== undefined)
        passPairs.push({ judge: s.pass, human: labels.humanPass });
    }
    if (pairs.length === 0 && passPairs.length === 0) continue;
    const [lo, hi] = pairs[0]?.scale ?? [0, 1];
    const inScale = pairs.filter((p) => p.human >= lo && p.human <= hi);
    const toInt = (b: boolean) => (b ? 1 : 0);
    out.push({
      scorer: name,
      scoreLabels: inScale.length,
      weightedKappa: inScale.length
        ? finite(
            weightedKappa(
              inScale.map((p) => p.judge),
              inScale.map((p) => p.human),
              lo,
              hi,
            ),
          )
        : null,
      spearman:
        inScale.length > 1
          ? finite(
              spearman(
                inScale.map((p) => p.judge),
                inScale.map((p) => p.human),
              ),
            )
          : null,
      passLabels: passPairs.length,
      passAgreement: passPairs.length ? passPairs.filter((p) => p.judge === p.human).length / passPairs.length : null,
      passKappa: passPairs.length
        ? finite(
            weightedKappa(
              passPairs.map((p) => toInt(p.judge)),
              passPairs.map((p) => toInt(p.human)),
              0,
              1,
              'none',
            ),
          )
        : null,
    });
  }
  return out;
}
