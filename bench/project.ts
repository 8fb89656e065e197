/** A throwaway project for a benchmark: n cases asking `question <i>`, one OpenAI target at `baseURL`, the given suite. */
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';

export interface BenchProject {
  readonly cases: number;
  readonly baseURL: string;
  readonly concurrency: number;
  /** The question of case i is `${question} ${i}: how do I reset my password?`. */
  readonly question: string;
  /** The suite as YAML lines under `suites:` (dataset d.jsonl, prompt p.md). */
  readonly suite: string;
}

export async function benchProject(p: BenchProject): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'driftgate-bench-'));
  const cases = Array.from({ length: p.cases }, (_, i) =>
    JSON.stringify({ id: `c${i}`, question: `${p.question} ${i}: how do I reset my password?` }),
  ).join('\n');
  await writeFile(path.join(dir, 'd.jsonl'), `${cases}\n`);
  await writeFile(path.join(dir, 'p.md'), 'Customer: {{question}}');
  await writeFile(
    path.join(dir, 'driftgate.yaml'),
    `version: 1
models:
  current: { provider: openai, model: gpt-4o-mini, baseURL: ${p.baseURL}/v1, params: { temperature: 0 } }
runner: { concurrency: ${p.concurrency} }
suites:
${p.suite}`,
  );
  return dir;
}
