/**
 * Log source figures for `npm run bench -- sources` (bench/results.json under `sources`): for each
 * platform, its stand-in in a process of its own holding the calls (50,000 generations for
 * Langfuse and LangSmith, 5,000 stored completions, each with its messages request), 100 per page,
 * a 429 with retry-after 1 s on every 50th page and one 500. The week is sampled through the
 * official client in a child process (its peak RSS is the reader's alone), then the same records
 * are exported to JSONL and sampled from the file in another child: the two samples must be the
 * same (same seed), and the RSS ratio is source / JSONL. And the `sql` source (embedded DuckDB) over a
 * 1 GB log written as Parquet, beside the file reader on the same log as JSONL: the same sample, and
 * both throughputs.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createWriteStream, statSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const CHILD = path.join(root, 'bench/source-sample-child.mjs');

interface ChildFigures {
  readonly lines: number;
  readonly bad?: number;
  readonly sampled?: number;
  readonly sample?: string;
  readonly seconds?: number;
  readonly peakRssMB?: number;
  readonly productionLines?: number;
}

function child(args: string[]): ChildFigures {
  const r = spawnSync(process.execPath, [CHILD, ...args], { encoding: 'utf8', maxBuffer: 1 << 24 });
  if (r.status !== 0) throw new Error(`source-sample-child ${args[0]} failed: ${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').at(-1) ?? '{}') as ChildFigures;
}

async function startServer(platform: string, n: number): Promise<{ proc: ChildProcess; url: string; key: string }> {
  const proc = spawn(
    process.execPath,
    ['--import', 'tsx', path.join(root, 'bench/source-server.ts'), platform, String(n)],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  const ready = await new Promise<string>((resolve, reject) => {
    let out = '';
    proc.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
      const line = out.split('\n').find((l) => l.startsWith('READY '));
      if (line) resolve(line);
    });
    proc.on('exit', (code) => reject(new Error(`source server exited with ${code}`)));
  });
  const [, url = '', key = ''] = ready.split(' ');
  return { proc, url, key };
}

async function platformFigures(platform: string, n: number) {
  const dir = await mkdtemp(path.join(tmpdir(), `driftgate-bench-${platform}-`));
  const server = await startServer(platform, n);
  try {
    const pages = Math.ceil(n / 100);
    const throttled = Math.floor(pages / 50);
    const fromSource = child([platform, server.url, server.key]);
    const exported = path.join(dir, 'export.jsonl');
    child([platform, server.url, server.key, exported]);
    const fromFile = child(['jsonl', exported]);
    return {
      calls: n,
      pages,
      faults: { '429 (retry-after 1 s)': throttled, '500': 1 },
      source: fromSource,
      jsonl: fromFile,
      allCounted: fromSource.lines === n && fromSource.bad === 0,
      sameSample: fromSource.sample === fromFile.sample && fromSource.sampled === fromFile.sampled,
      rssRatio: Number(((fromSource.peakRssMB ?? 0) / (fromFile.peakRssMB ?? 1)).toFixed(2)),
      // The client waits out each 429's retry-after: the read can be no faster than that.
      secondsAtLeastRetryAfter: (fromSource.seconds ?? 0) >= throttled,
    };
  } finally {
    server.proc.kill('SIGTERM');
    await rm(dir, { recursive: true, force: true });
  }
}

export async function sourcesBench() {
  return {
    langfuse: await platformFigures('langfuse', 50_000),
    langsmith: await platformFigures('langsmith', 50_000),
    'openai-stored': await platformFigures('openai-stored', 5_000),
    sql: await sqlBench(),
    target: { rssRatio: '<= 1.2', sameSample: true, allCounted: true },
  };
}

/** A normalized JSONL log of about `bytes`, three weeks of calls over six features. */
export async function normalizedLog(file: string, bytes: number): Promise<number> {
  const out = createWriteStream(file);
  const features = ['billing', 'search', 'chat', 'export', 'sharing', 'security'];
  let written = 0;
  let i = 0;
  while (written < bytes) {
    const chunk: string[] = [];
    for (let k = 0; k < 5_000; k++, i++)
      chunk.push(
        JSON.stringify({
          schemaVersion: 1,
          source: 'warehouse',
          traceId: `t-${i}`,
          time: new Date(Date.UTC(2026, 10, 10) + (i % 1_814_400) * 1_000).toISOString(),
          feature: features[i % features.length],
          input: {
            messages: [
              { role: 'system', content: 'You are the support assistant. Answer in two sentences.' },
              {
                role: 'user',
                content: `How do I ${['reset', 'export', 'share', 'restore'][i % 4]} item ${i % 90_001}?`,
              },
            ],
          },
          output: { text: `Open Settings, then choose the option for item ${i % 90_001}.` },
          servedModel: 'gpt-4o-2024-08-06',
          usage: { inputTokens: 40 + (i % 9), outputTokens: 12 + (i % 5) },
          costUsd: 0.00021,
        }),
      );
    const text = `${chunk.join('\n')}\n`;
    written += Buffer.byteLength(text);
    if (!out.write(text)) await new Promise<void>((resolve) => out.once('drain', () => resolve()));
  }
  await new Promise<void>((resolve) => out.end(() => resolve()));
  return i;
}

/** The `sql` source over a 1 GB log as Parquet, beside the file reader on the same log as JSONL. */
export async function sqlBench() {
  const dir = await mkdtemp(path.join(tmpdir(), 'driftgate-bench-sql-'));
  try {
    const jsonl = path.join(dir, 'week.jsonl');
    const rows = await normalizedLog(jsonl, 1e9);
    const { DuckDBInstance } = await import('@duckdb/node-api');
    const db = await DuckDBInstance.create(':memory:');
    const c = await db.connect();
    const converting = performance.now();
    await c.run(`COPY (SELECT * FROM read_json('${jsonl}')) TO '${path.join(dir, 'week.parquet')}' (FORMAT parquet)`);
    const conversionSeconds = (performance.now() - converting) / 1000;
    c.closeSync();
    db.closeSync();
    const since = '2026-11-24T00:00:00.000Z';
    const env = { ...process.env, BENCH_SINCE: since };
    const run = (args: string[]): ChildFigures => {
      const r = spawnSync(process.execPath, [CHILD, ...args], { encoding: 'utf8', env, maxBuffer: 1 << 24 });
      if (r.status !== 0) throw new Error(`source-sample-child ${args[0]} failed: ${r.stderr}`);
      return JSON.parse(r.stdout.trim().split('\n').at(-1) ?? '{}') as ChildFigures;
    };
    const fileReader = run(['jsonl', jsonl]);
    // The same pass with the production section counting every line (drift's default).
    const withProduction = run(['production', jsonl]);
    const sql = run(['sql', dir, `SELECT * FROM 'week.parquet' WHERE time >= '${since}'::TIMESTAMPTZ`]);
    const jsonlBytes = statSync(jsonl).size;
    const parquetBytes = statSync(path.join(dir, 'week.parquet')).size;
    return {
      rows,
      jsonlMB: Math.round(jsonlBytes / 1e6),
      parquetMB: Math.round(parquetBytes / 1e6),
      conversionSeconds: Number(conversionSeconds.toFixed(1)),
      fileReader: { ...fileReader, mbPerSecond: Number((jsonlBytes / 1e6 / (fileReader.seconds ?? 1)).toFixed(1)) },
      sqlParquet: {
        ...sql,
        // Throughput in the log's JSONL megabytes, so the two rates compare the same data.
        jsonlMbPerSecond: Number((jsonlBytes / 1e6 / (sql.seconds ?? 1)).toFixed(1)),
      },
      fileReaderWithProduction: {
        ...withProduction,
        mbPerSecond: Number((jsonlBytes / 1e6 / (withProduction.seconds ?? 1)).toFixed(1)),
        target: { mbPerSecond: '>= 50', peakRssMB: '<= 250' },
      },
      sameSample: fileReader.sample === sql.sample && fileReader.sampled === sql.sampled,
      speedup: Number(((fileReader.seconds ?? 0) / (sql.seconds ?? 1)).toFixed(2)),
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
