/**
 * A baseline read a case at a time. driftgate writes one case per line after its header
 * (baseline-file.ts), so the gate can hold each case without its answer — the numbers and verdicts
 * it compares — and fetch answers only where a report shows them. A 100,000-case baseline is 55 MB
 * of JSON; parsed whole it was most of the gate's memory. A file that is not laid out as driftgate
 * writes it (edited by hand, reformatted) is read whole instead, with the same checks.
 */
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { RunStateError } from '../errors.js';
import { renderAnswer } from '../conversation/types.js';
import { DEPTH_PROBLEM, depthField, tooDeep } from '../util/depth.js';
import { checkBaseline, readBaseline, type Baseline, type BaselineCase } from './baseline-file.js';
import { FactsProjector } from '../records/record-facts.js';

const CASES_OPEN = /^\s*"cases"\s*:\s*\[\s*$/;

type Header = Omit<Baseline, 'cases'>;

/**
 * Calls `visit` for each case line, in file order, and answers the header; undefined when the file
 * does not exist, or is not laid out one case per line (then the caller reads it whole).
 */
async function forEachCaseLine(
  file: string,
  visit: (c: BaselineCase, line: number) => void,
): Promise<Header | undefined | 'not-streamable'> {
  const input = createReadStream(file, { encoding: 'utf8' });
  try {
    await new Promise<void>((resolve, reject) => input.once('open', () => resolve()).once('error', reject));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new RunStateError(`${file}: cannot be read (${(err as NodeJS.ErrnoException).code ?? String(err)})`);
  }
  const headerLines: string[] = [];
  let inCases = false;
  let closed = false;
  let lineNo = 0;
  for await (const raw of createInterface({ input, crlfDelay: Infinity })) {
    lineNo++;
    if (!inCases) {
      if (CASES_OPEN.test(raw)) inCases = true;
      else headerLines.push(raw);
      continue;
    }
    const text = raw.trim();
    if (closed) {
      if (text !== '' && text !== '}') {
        input.destroy();
        return 'not-streamable';
      }
      continue;
    }
    if (text === ']') {
      closed = true;
      continue;
    }
    let value: unknown;
    try {
      value = JSON.parse(text.endsWith(',') ? text.slice(0, -1) : text);
    } catch {
      input.destroy();
      return 'not-streamable';
    }
    const deep = tooDeep(value);
    if (deep) throw new RunStateError(`${file}:${lineNo}: ${depthField(['cases', '…', ...deep])}: ${DEPTH_PROBLEM}`);
    visit(value as BaselineCase, lineNo);
  }
  if (!inCases || !closed) return 'not-streamable';
  let header: unknown;
  try {
    header = JSON.parse(`${headerLines.join('\n')}\n"cases": []\n}`);
  } catch {
    return 'not-streamable';
  }
  return header as Header;
}

/** The case as the gate compares it: everything but the answer (held back; `answersOf` reads them). */
function withoutAnswer(c: BaselineCase, sharing: FactsProjector): BaselineCase {
  return {
    caseId: c.caseId,
    target: c.target,
    repeat: c.repeat,
    inputHash: c.inputHash,
    output: '',
    costUsd: c.costUsd,
    latencyMs: c.latencyMs,
    outputTokens: c.outputTokens,
    scores: sharing.scoreList(c.scores),
  };
}

/**
 * The baseline without its answers (each case's `output` is '' and it has no tool calls), read a
 * case at a time; undefined when there is none. Same checks and messages as `readBaseline`.
 */
export async function readBaselineForGate(file: string): Promise<Baseline | undefined> {
  const sharing = new FactsProjector();
  const cases: BaselineCase[] = [];
  const header = await forEachCaseLine(file, (c) => cases.push(withoutAnswer(c, sharing)));
  if (header === undefined) return undefined;
  if (header === 'not-streamable') {
    const whole = await readBaseline(file);
    return whole && { ...whole, cases: whole.cases.map((c) => withoutAnswer(c, sharing)) };
  }
  return checkBaseline(file, { ...header, cases } as Baseline);
}

/** `target/caseId` → the answer of the case's first repeat, for the cases `wanted` keeps (default all). */
export async function answersOf(file: string, wanted?: (key: string) => boolean): Promise<Map<string, string>> {
  const out = new Map<string, { repeat: number; answer: string }>();
  const take = (c: BaselineCase) => {
    const key = `${c.target}/${c.caseId}`;
    if (wanted && !wanted(key)) return;
    const held = out.get(key);
    if (!held || c.repeat < held.repeat)
      out.set(key, { repeat: c.repeat, answer: renderAnswer(c.output, c.toolCalls) });
  };
  const header = await forEachCaseLine(file, take);
  if (header === 'not-streamable') for (const c of (await readBaseline(file))?.cases ?? []) take(c);
  return new Map([...out].map(([k, v]) => [k, v.answer]));
}
