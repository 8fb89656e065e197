/**
 * The readers fuzzed (issue 13, item 2), each as a function from bytes to a promise that must
 * resolve, or reject with a DriftgateError of exit code 2 and a message without a stack trace.
 * Shared by the bounded run in `npm test` and the long run in `npm run fuzz`.
 */
import fc from 'fast-check';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DriftgateError } from '../../src/errors.js';
import { parseConfigText } from '../../src/config/load.js';
import { loadDataset } from '../../src/datasets/load.js';
import { sampleLogs } from '../../src/drift/sample-logs.js';
import { PRESETS } from '../../src/sources/log-fields.js';
import { readBaseline } from '../../src/baselines/baseline-file.js';
import { readHistory } from '../../src/drift/history.js';

const dir = mkdtempSync(path.join(tmpdir(), 'driftgate-fuzz-'));
let n = 0;
const file = (ext: string, bytes: Uint8Array | string) => {
  const f = path.join(dir, `f${n++}.${ext}`);
  writeFileSync(f, bytes);
  return f;
};

export const VALID = {
  config:
    'version: 1\nmodels:\n  current: { provider: openai, model: gpt-4o-mini }\nsuites:\n  - name: s\n    dataset: d.jsonl\n    prompt: p.md\n    scorers: [{ type: contains, value: x }]\n',
  jsonl: '{"id": "a", "question": "Hi?", "expected": "Hello"}\n{"id": "b", "question": "Bye?"}\n',
  json: '[{"id": "a", "question": "Hi?"}, {"id": "b", "question": "Bye?", "tags": ["x"]}]',
  csv: 'id,question,expected\na,Hi?,Hello\nb,"Bye, now?",\n',
  logs: '{"input": "How do I reset my password?", "output": "Settings", "feature": "auth", "timestamp": "2026-11-20T00:00:00Z"}\n{"request": {"messages": [{"role": "user", "content": "hi"}]}, "response": {"choices": [{"message": {"content": "yo"}}]}}\n',
  baseline:
    '{"schemaVersion": 1, "suite": "s", "runId": "r", "configHash": "h", "gitSha": null, "acceptedAt": "2026-11-01T00:00:00Z", "scorers": [], "summary": [], "cases": [{"caseId": "a", "target": "current", "repeat": 0, "inputHash": "i", "output": "o", "costUsd": null, "latencyMs": 1, "outputTokens": 1, "scores": []}]}\n',
  history:
    '{"schemaVersion": 1, "suite": "drift", "runId": "r", "seed": "s", "finishedAt": "2026-11-01T00:00:00Z", "drifted": false, "models": {"pinned": [], "current": []}, "metrics": {"agreement": {"mean": 0.9, "se": 0.01, "n": 300}}}\n',
};

export type Target = {
  readonly name: string;
  readonly valid: string;
  readonly run: (bytes: Uint8Array) => Promise<unknown>;
};

export const TARGETS: readonly Target[] = [
  {
    name: 'config (YAML)',
    valid: VALID.config,
    run: async (b) => parseConfigText('driftgate.yaml', Buffer.from(b).toString('utf8')),
  },
  { name: 'dataset JSONL', valid: VALID.jsonl, run: (b) => loadDataset(file('jsonl', b)) },
  { name: 'dataset JSON', valid: VALID.json, run: (b) => loadDataset(file('json', b)) },
  { name: 'dataset CSV', valid: VALID.csv, run: (b) => loadDataset(file('csv', b)) },
  {
    name: 'logs JSONL (generic)',
    valid: VALID.logs,
    run: (b) =>
      sampleLogs([file('jsonl', b)], { mapping: PRESETS.generic as never, size: 5, seed: 's', maxBadFraction: 1 }),
  },
  {
    name: 'logs JSONL (openai-chat)',
    valid: VALID.logs,
    run: (b) =>
      sampleLogs([file('jsonl', b)], {
        mapping: PRESETS['openai-chat'] as never,
        size: 5,
        seed: 's',
        stratify: 'feature',
        maxBadFraction: 1,
      }),
  },
  {
    name: 'logs CSV',
    valid: 'input,feature\nhello,a\n"x, y",b\n',
    run: (b) =>
      sampleLogs([file('csv', b)], { mapping: PRESETS.generic as never, size: 5, seed: 's', maxBadFraction: 1 }),
  },
  { name: 'baseline', valid: VALID.baseline, run: (b) => readBaseline(file('json', b)) },
  { name: 'history', valid: VALID.history, run: (b) => readHistory(file('jsonl', b)) },
];

/** Bytes that stress a reader: arbitrary bytes, text, a valid input truncated, mutated, BOM-prefixed, with huge lines or deep nesting. */
export function inputs(valid: string): fc.Arbitrary<Uint8Array> {
  const enc = (s: string) => new Uint8Array(Buffer.from(s, 'utf8'));
  const validBytes = enc(valid);
  return fc.oneof(
    fc.uint8Array({ maxLength: 300 }),
    fc.string({ unit: 'binary', maxLength: 300 }).map(enc),
    fc.nat({ max: validBytes.length }).map((cut) => validBytes.slice(0, cut)),
    fc
      .tuple(fc.nat({ max: Math.max(0, validBytes.length - 1) }), fc.integer({ min: 0, max: 255 }))
      .map(([at, byte]) => {
        const copy = validBytes.slice();
        copy[at] = byte;
        return copy;
      }),
    fc.constantFrom(0xef, 0xff, 0xfe).map((b) => new Uint8Array([b, 0xbb, 0xbf, ...validBytes])),
    fc
      .integer({ min: 1, max: 3000 })
      .map((depth) =>
        enc(`${'['.repeat(depth)}${']'.repeat(depth)}\n${'{"a":'.repeat(depth % 500)}1${'}'.repeat(depth % 500)}`),
      ),
    fc.constantFrom(
      enc(`${'x'.repeat(200_000)}\n`),
      enc(`{"id": "a", "question": "${'q'.repeat(100_000)}"}\n`),
      enc('{"id": "a", "id": "b", "question": "dup"}\n'),
      enc('a: 1\na: 2\n'),
      new Uint8Array([0xc3, 0x28, 0xa0, 0xa1, 0x0a]),
    ),
  );
}

/** Whether `err` is the clean failure the property allows. */
export function cleanFailure(err: unknown): string | undefined {
  if (!(err instanceof DriftgateError))
    return `threw ${err instanceof Error ? `${err.constructor.name}: ${err.message}` : String(err)}`;
  if (err.exitCode !== 2) return `exit ${err.exitCode}: ${err.message}`;
  if (/\n\s+at .+\(.+:\d+:\d+\)/.test(err.message)) return `a stack trace in the message: ${err.message}`;
  return undefined;
}

/** Runs one target on one input: undefined when it behaved. */
export async function check(target: Target, bytes: Uint8Array): Promise<string | undefined> {
  try {
    await target.run(bytes);
    return undefined;
  } catch (err) {
    return cleanFailure(err);
  }
}
