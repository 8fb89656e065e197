/**
 * Scorer figures for `npm run bench`:
 * - embedding requests for 2,000 similarity scores, counted at the server, in three shapes:
 *   each output against its own reference (4,000 distinct texts); the same suite again after a
 *   prompt change (2,000 new outputs; the references' embeddings are in the cache from the first
 *   run, as they are for a golden dataset from its second run on); and 2,000 outputs against 20
 *   shared references (2,020 texts). The bound is ⌈texts not yet embedded / batch size⌉;
 * - the local embedder's throughput on 2,000 texts of about 200 words.
 */
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { runEval } from '../src/runner/eval-run.js';
import { localEmbedding } from '../src/scorers/similarity/local-embedder.js';
import { mulberry32 } from '../src/stats/rng.js';

type StartServer = (
  options: Record<string, unknown>,
) => Promise<{ url: string; stats: () => Promise<{ requestCount: number }>; stop: () => void }>;

const BATCH = 256;

async function similarityProject(url: string, sharedReferences: boolean): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'driftgate-bench-sim-'));
  const cases = Array.from({ length: 2000 }, (_, i) =>
    JSON.stringify({
      id: `c${i}`,
      question: `Question ${i}`,
      expected: sharedReferences ? `Reference answer ${i % 20}` : `Reference answer for question ${i}`,
    }),
  ).join('\n');
  await writeFile(path.join(dir, 'd.jsonl'), `${cases}\n`);
  await writeFile(path.join(dir, 'p.md'), '{{question}}');
  await writeFile(
    path.join(dir, 'driftgate.yaml'),
    `version: 1
models:
  current:  { provider: openai, model: gpt-4o-mini, baseURL: ${url}/v1 }
  embedder: { provider: openai, model: text-embedding-3-small, baseURL: ${url}/v1 }
runner: { concurrency: 50, embedding_batch_size: ${BATCH} }
suites:
  - name: sim
    dataset: d.jsonl
    prompt: p.md
    targets: [current]
    scorers: [{ type: similarity, reference: "{{expected}}" }]
`,
  );
  return dir;
}

export async function similarityRequests(startServer: StartServer) {
  const out: Record<string, unknown> = {};
  for (const shared of [false, true]) {
    const server = await startServer({ embeddingDimensions: 1536 });
    try {
      const dir = await similarityProject(server.url, shared);
      const result = await runEval({
        configPath: path.join(dir, 'driftgate.yaml'),
        env: { OPENAI_API_KEY: 'sk-bench' },
      });
      const requests = (await server.stats()).requestCount;
      const embeddingRequests = requests - 2000; // the rest are the 2,000 answers
      const scored = (await result.readRecords()).filter(
        (r) => r.scores[0]?.value !== null && r.scores[0]?.value !== undefined,
      ).length;
      const texts = shared ? 2000 + 20 : 4000;
      out[shared ? 'sharedReferences' : 'ownReferences'] = {
        similarityScores: scored,
        distinctTexts: texts,
        batchSize: BATCH,
        embeddingRequests,
        bound: Math.ceil(texts / BATCH),
        issueFormulaBound: Math.ceil(2000 / BATCH),
      };
      if (!shared) {
        // A prompt change: every answer is new, every reference is already embedded.
        await writeFile(path.join(dir, 'p.md'), 'Answer briefly: {{question}}');
        const before = (await server.stats()).requestCount;
        const again = await runEval({
          configPath: path.join(dir, 'driftgate.yaml'),
          env: { OPENAI_API_KEY: 'sk-bench' },
        });
        const embeddingAgain = (await server.stats()).requestCount - before - 2000;
        out.ownReferencesAfterPromptChange = {
          similarityScores: (await again.readRecords()).filter((r) => typeof r.scores[0]?.value === 'number').length,
          textsNotYetEmbedded: 2000,
          batchSize: BATCH,
          embeddingRequests: embeddingAgain,
          bound: Math.ceil(2000 / BATCH),
          issueFormulaBound: Math.ceil(2000 / BATCH),
        };
      }
    } finally {
      server.stop();
    }
  }
  return out;
}

export function localEmbedderThroughput() {
  const rng = mulberry32(7);
  const vocabulary =
    'account billing refund storage plan upgrade password security folder share link sync desktop mobile offline photo backup invoice card tax export privacy region encryption version restore trash delete limit quota team member admin support chat email status outage api token rate'.split(
      ' ',
    );
  const texts = Array.from({ length: 2000 }, () =>
    Array.from({ length: 200 }, () => vocabulary[Math.floor(rng() * vocabulary.length)]).join(' '),
  );
  localEmbedding(texts[0] as string); // warm-up
  const started = performance.now();
  for (const t of texts) localEmbedding(t);
  const seconds = (performance.now() - started) / 1000;
  return {
    texts: 2000,
    wordsPerText: 200,
    seconds: Number(seconds.toFixed(3)),
    textsPerSecond: Math.round(2000 / seconds),
  };
}
