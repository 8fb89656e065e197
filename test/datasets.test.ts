import { describe, expect, it } from 'vitest';
import path from 'node:path';
import { loadDataset } from '../src/datasets/load.js';
import { loadPrompt, renderCaseMessages } from '../src/datasets/prompt.js';
import { renderTemplate, templateVariables } from '../src/datasets/template.js';
import { DatasetError } from '../src/errors.js';
import { makeProject } from './support/project.js';

async function load(name: string, content: string) {
  const dir = await makeProject({ [name]: content });
  return loadDataset(path.join(dir, name), name);
}

async function errorOf(name: string, content: string): Promise<string> {
  try {
    await load(name, content);
  } catch (err) {
    expect(err).toBeInstanceOf(DatasetError);
    expect((err as DatasetError).exitCode).toBe(2);
    return (err as Error).message;
  }
  throw new Error('expected a DatasetError');
}

describe('JSONL datasets', () => {
  it('reads one case per line with its line number, skipping blank lines', async () => {
    const cases = await load(
      'd.jsonl',
      '{"id":"a","question":"Q1","expected":"A1","tags":["billing"]}\n\n{"question":"Q2","metadata":{"tier":"pro"}}\n',
    );
    expect(cases.map((c) => [c.id.startsWith('h-') ? 'hash' : c.id, c.line])).toEqual([
      ['a', 1],
      ['hash', 3],
    ]);
    expect(cases[0]).toMatchObject({ vars: { question: 'Q1' }, expected: 'A1', tags: ['billing'] });
    expect(cases[1]?.metadata).toEqual({ tier: 'pro' });
  });

  it('gives a case without id a stable id from its input: same input, same id, across files and key order', async () => {
    const [a] = await load('a.jsonl', '{"question":"Q","product":"X"}\n');
    const [b] = await load('b.jsonl', '\n\n{"product":"X","question":"Q","expected":"ignored for identity"}\n');
    const [c] = await load('c.jsonl', '{"question":"Q?","product":"X"}\n');
    expect(a?.id).toMatch(/^h-[0-9a-f]{12}$/);
    expect(a?.id).toBe(b?.id);
    expect(a?.id).not.toBe(c?.id);
  });

  it('names file, line and reason for a malformed line', async () => {
    expect(await errorOf('d.jsonl', '{"id":"a","question":"Q"}\n{"id":"b", "question": }\n')).toMatch(
      /^d\.jsonl:2: not valid JSON \(/,
    );
  });

  it('rejects a line that is not an object, and bad reserved fields', async () => {
    expect(await errorOf('d.jsonl', '["a"]\n')).toBe('d.jsonl:1: expected an object per case, got a list');
    expect(await errorOf('d.jsonl', '{"question":"Q","tags":{"a":1}}\n')).toBe(
      'd.jsonl:1: tags: expected a list of strings or a comma-separated string',
    );
    expect(await errorOf('d.jsonl', '{"messages":[{"role":"robot","content":"x"}]}\n')).toBe(
      'd.jsonl:1: messages[0].role: expected "system", "user", "assistant" or "tool", got "robot"',
    );
  });

  it('rejects a duplicate id, naming both lines', async () => {
    expect(await errorOf('d.jsonl', '{"id":"a","q":"1"}\n{"id":"b","q":"2"}\n{"id":"a","q":"3"}\n')).toBe(
      'd.jsonl:3: id: duplicate id "a", first used on line 1',
    );
  });

  it('rejects an empty dataset and an unknown extension', async () => {
    expect(await errorOf('d.jsonl', '\n\n')).toBe('d.jsonl: no cases');
    expect(await errorOf('d.txt', 'x')).toMatch(/unsupported dataset format "\.txt"/);
  });
});

describe('CSV datasets', () => {
  it('reads a header row, quoted fields with commas and newlines, tags and metadata columns', async () => {
    const csv =
      'id,question,expected,tags,metadata.tier\nc1,"Hello, world?",Hi,"billing;refunds",pro\nc2,"line one\nline two",Bye,,free\n';
    const cases = await load('d.csv', csv);
    expect(cases).toHaveLength(2);
    expect(cases[0]).toMatchObject({
      id: 'c1',
      vars: { question: 'Hello, world?' },
      expected: 'Hi',
      tags: ['billing', 'refunds'],
      metadata: { tier: 'pro' },
    });
    expect(cases[1]?.vars.question).toBe('line one\nline two');
    expect(cases[0]?.line).toBe(2);
  });

  it('names the line of a row with the wrong number of fields', async () => {
    expect(await errorOf('d.csv', 'id,question\na,Q1\nb,Q2,extra\n')).toBe(
      'd.csv:3: expected 2 fields as in the header row, got 3',
    );
  });

  it('handles a byte-order mark', async () => {
    const cases = await load('d.csv', '\uFEFFid,question\na,Q\n');
    expect(cases[0]?.id).toBe('a');
  });
});

describe('JSON datasets', () => {
  it('reads an array and reports each case at its own line', async () => {
    const cases = await load('d.json', '[\n  {"id": "a", "question": "Q1"},\n\n  {"id": "b", "question": "Q2"}\n]\n');
    expect(cases.map((c) => c.line)).toEqual([2, 4]);
  });

  it('accepts {"cases": [...]} and names the line of a bad item', async () => {
    expect(await errorOf('d.json', '{"cases": [\n {"id": "a"},\n 42\n]}\n')).toBe(
      'd.json:3: expected an object per case, got 42',
    );
  });

  it('names the line of a syntax error', async () => {
    expect(await errorOf('d.json', '[\n {"id": "a"},\n {"id": \n]\n')).toMatch(/^d\.json:\d+: not valid JSON/);
  });
});

describe('templates and prompts', () => {
  it('substitutes {{var}}, dotted paths, numbers and objects', () => {
    expect(
      renderTemplate('Hi {{ name }}, order {{order.id}} x{{n}}', { name: 'Ana', order: { id: 'A-1' }, n: 3 }),
    ).toBe('Hi Ana, order A-1 x3');
    expect(templateVariables('{{a}} {{ b.c }} {{a}}')).toEqual(['a', 'b.c']);
  });

  it('renders unicode untouched', () => {
    expect(renderTemplate('«{{q}}»', { q: 'naïve — 日本語 🚀' })).toBe('«naïve — 日本語 🚀»');
  });

  it('a missing variable is an error naming the case line and the variable, not an empty string', async () => {
    const dir = await makeProject({
      'p.md': 'Customer asks: {{question}} (plan {{plan}})',
      'd.jsonl': '{"id":"a","question":"Q","plan":"pro"}\n{"id":"b","question":"Q2"}\n',
    });
    const prompt = await loadPrompt('p.md', dir, 'driftgate.yaml suites[0].prompt');
    const [a, b] = await loadDataset(path.join(dir, 'd.jsonl'), 'd.jsonl');
    expect(renderCaseMessages(prompt, a!)).toEqual([{ role: 'user', content: 'Customer asks: Q (plan pro)' }]);
    expect(() => renderCaseMessages(prompt, b!)).toThrow(
      'd.jsonl:2: plan: missing variable used by the prompt p.md (case "b")',
    );
  });

  it('loads chat prompts from YAML and appends the case messages', async () => {
    const dir = await makeProject({
      'p.yaml': '- role: system\n  content: You support {{product}}.\n',
      'd.jsonl': '{"id":"a","product":"Acme","messages":[{"role":"user","content":"hi"}]}\n',
    });
    const prompt = await loadPrompt('p.yaml', dir, 'x');
    const [a] = await loadDataset(path.join(dir, 'd.jsonl'), 'd.jsonl');
    expect(renderCaseMessages(prompt, a!)).toEqual([
      { role: 'system', content: 'You support Acme.' },
      { role: 'user', content: 'hi' },
    ]);
  });

  it('a case with neither prompt nor messages is an error', async () => {
    const dir = await makeProject({ 'd.jsonl': '{"id":"a","question":"Q"}\n' });
    const [a] = await loadDataset(path.join(dir, 'd.jsonl'), 'd.jsonl');
    expect(() => renderCaseMessages(undefined, a!)).toThrow(
      'd.jsonl:1: messages: case "a" has no messages and its suite has no prompt',
    );
  });
});
