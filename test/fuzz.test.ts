/**
 * Property-based tests of every reader (issue 13, item 2): whatever the bytes — arbitrary, a valid
 * file truncated or mutated, BOMs, invalid UTF-8, huge lines, deep nesting, duplicate keys — the
 * reader returns, or fails with a one-line error and exit 2; never another exception. A bounded
 * run here (≥ 10,000 inputs in all); `npm run fuzz` runs long and records counts in bench/fuzz.json.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { TARGETS, check, inputs } from './fuzz/targets.js';

const RUNS = 1200;

describe('readers never crash on hostile bytes', () => {
  it.each(TARGETS.map((t) => [t.name, t] as const))(
    '%s',
    async (_, target) => {
      await fc.assert(
        fc.asyncProperty(inputs(target.valid), async (bytes) => {
          const problem = await check(target, bytes);
          expect(
            problem,
            `input: ${JSON.stringify(Buffer.from(bytes).toString('utf8').slice(0, 200))}`,
          ).toBeUndefined();
        }),
        { numRuns: RUNS, seed: 20261123 },
      );
    },
    120_000,
  );
});

describe('crashes the fuzzing found, kept as regression tests', () => {
  it('a JSON dataset with a YAML alias to no anchor is exit 2, not a ReferenceError', async () => {
    const target = TARGETS.find((t) => t.name === 'dataset JSON')!;
    expect(
      await check(target, new Uint8Array(Buffer.from('[{"id": "a", "question": "Hi?"}, {"id":*"b"}]'))),
    ).toBeUndefined();
    await expect(target.run(new Uint8Array(Buffer.from('[{"id":*"b"}]')))).rejects.toThrow(
      /:1: not valid JSON \(Unresolved alias/,
    );
  });
  it('a CSV log with a stray quote is exit 2 naming the file and line, not a CsvError', async () => {
    const target = TARGETS.find((t) => t.name === 'logs CSV')!;
    await expect(target.run(new Uint8Array(Buffer.from('[]\n{"a":1}')))).rejects.toThrow(
      /^f\d+\.csv:2: not valid CSV \(Invalid Opening Quote/,
    );
  });
});

describe('report renderers never crash on hostile model output', () => {
  it('Markdown, HTML and JUnit render any outputs and case ids', async () => {
    const { compareRun } = await import('../src/gate/compare.js');
    const { renderMarkdown } = await import('../src/report/markdown.js');
    const { renderHtml } = await import('../src/report/html.js');
    const { renderJunit } = await import('../src/report/junit.js');
    const { baselineOf, recordsOf } = await import('./support/gate-fixtures.js');
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            id: fc.string({ minLength: 1, maxLength: 20 }),
            output: fc.string({ unit: 'grapheme', maxLength: 300 }),
            pass: fc.boolean(),
          }),
          { minLength: 1, maxLength: 8 },
        ),
        (rows) => {
          const unique = rows.filter((r, i) => rows.findIndex((x) => x.id === r.id) === i);
          const cases = unique.map((r) => ({ id: r.id, pass: r.pass, output: r.output }));
          const records = recordsOf(cases.map((c) => ({ ...c, pass: !c.pass })));
          const report = compareRun([
            {
              suite: 's',
              baseline: baselineOf(cases),
              records,
              gate: { alpha: 0.05, minEffect: 0.03, minRelativeEffect: 0.1 },
            },
          ]);
          const model = {
            meta: {
              schemaVersion: 1,
              runId: 'r',
              status: 'complete',
              command: 'eval',
              configFile: 'c',
              configHash: 'h',
              gitSha: null,
              suites: ['s'],
              models: {},
              startedAt: 'now',
              resumedAt: [],
            },
            records,
            gate: { schemaVersion: 1, runId: 'r', report, withoutBaseline: [], distributions: [], baselineOutputs: {} },
          } as never;
          expect(typeof renderMarkdown(model)).toBe('string');
          expect(renderHtml(model)).not.toContain('<script>alert');
          expect(typeof renderJunit(model)).toBe('string');
        },
      ),
      { numRuns: 300, seed: 7 },
    );
  });
});
