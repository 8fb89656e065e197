/**
 * Log snapshots (`driftgate logs pull`): a source's window written to a JSONL file, redacted, with
 * a manifest of what was read, skipped and why, so a weekly job can be reproduced, cached between
 * jobs and inspected. Each line is one record as the source yielded it — `{line, id, inputKey,
 * record}` or `{line, id, error}` — so `drift --snapshot` sees the stream the source gave: the same
 * bad lines, and (through `inputKey`, the key of the input before redaction) the same sample.
 * The file is written to a temp sibling and renamed, its sha256 kept in the manifest and checked
 * when read: a snapshot edited after the pull is refused.
 */
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, open, readFile, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { DatasetError } from '../errors.js';
import { fieldMapping, getPath, inputMessages, requestOptionsOf } from '../sources/log-fields.js';
import type { LogOrigin, LogRecord } from '../sources/log-origin.js';
import { isNormalizedLog } from '../sources/normalized-log.js';
import { isRecord } from '../sources/values.js';
import { writeJsonAtomic } from '../util/atomic-write.js';
import { scrubSecrets } from '../util/secrets.js';
import { redactLog } from './redact-log.js';
import { fileRecords, logInputKey } from './sample-logs.js';

export const SNAPSHOT_SCHEMA_VERSION = 1;
const KEPT_REASONS = 100;

export interface SnapshotManifest {
  readonly schemaVersion: typeof SNAPSHOT_SCHEMA_VERSION;
  readonly kind: 'driftgate-log-snapshot';
  readonly pulledAt: string;
  /** The origin's name (`langfuse`, a file) and the `drift.logs` it was opened with (no credentials). */
  readonly source: string;
  readonly config: unknown;
  readonly since?: string;
  readonly file: { readonly name: string; readonly bytes: number; readonly sha256: string };
  readonly counts: {
    readonly read: number;
    readonly written: number;
    readonly bad: number;
    readonly outsideWindow: number;
  };
  /** The first bad records, with the source's reason. */
  readonly bad: readonly { readonly line: number; readonly id?: string; readonly reason: string }[];
  readonly redaction: { readonly kinds: readonly string[]; readonly findings: Readonly<Record<string, number>> };
}

/** `week.jsonl` → `week.manifest.json`, beside it. */
export const manifestPathOf = (file: string): string => `${file.replace(/\.jsonl$/i, '')}.manifest.json`;

export interface PullOptions {
  readonly origin: LogOrigin;
  readonly config: unknown;
  readonly out: string;
  readonly since?: Date;
  readonly redact: readonly string[];
  readonly now: Date;
}

const mapping = fieldMapping('normalized');

export async function pullSnapshot(options: PullOptions): Promise<SnapshotManifest> {
  const { origin, out, since } = options;
  await mkdir(path.dirname(out), { recursive: true });
  const tmp = `${out}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  const hash = createHash('sha256');
  const findings: Record<string, number> = {};
  const bad: { line: number; id?: string; reason: string }[] = [];
  let bytes = 0;
  let read = 0;
  let written = 0;
  let badCount = 0;
  let outsideWindow = 0;
  const handle = await open(tmp, 'w');
  try {
    for await (const batch of origin.batches()) {
      let chunk = '';
      for (const item of batch) {
        read++;
        const id = item.id ? { id: item.id } : {};
        if (item.error !== undefined || !isNormalizedLog(item.record)) {
          const reason = item.error ?? 'not a normalized log record';
          badCount++;
          if (bad.length < KEPT_REASONS) bad.push({ line: item.line, ...id, reason });
          chunk += `${JSON.stringify({ line: item.line, ...id, error: reason })}\n`;
          continue;
        }
        const time = item.record.time === undefined ? NaN : Date.parse(item.record.time);
        if (since && Number.isFinite(time) && time < since.getTime()) {
          outsideWindow++;
          continue;
        }
        const input = inputMessages(getPath(item.record, mapping.input));
        const inputKey = input ? logInputKey(input, requestOptionsOf(item.record, mapping)) : undefined;
        const redacted = redactLog(item.record, options.redact);
        for (const [type, n] of Object.entries(redacted.findings)) findings[type] = (findings[type] ?? 0) + n;
        chunk += `${JSON.stringify({ line: item.line, ...id, ...(inputKey ? { inputKey } : {}), record: redacted.record })}\n`;
        written++;
      }
      const text = scrubSecrets(chunk);
      hash.update(text);
      bytes += Buffer.byteLength(text);
      await handle.write(text);
    }
    await handle.sync();
    await handle.close();
    await rename(tmp, out);
  } catch (err) {
    await handle.close().catch(() => undefined);
    await rm(tmp, { force: true });
    throw err;
  }
  const manifest: SnapshotManifest = {
    schemaVersion: SNAPSHOT_SCHEMA_VERSION,
    kind: 'driftgate-log-snapshot',
    pulledAt: options.now.toISOString(),
    source: origin.name,
    config: options.config,
    ...(since ? { since: since.toISOString() } : {}),
    file: { name: path.basename(out), bytes, sha256: hash.digest('hex') },
    counts: { read, written, bad: badCount, outsideWindow },
    bad,
    redaction: { kinds: options.redact, findings },
  };
  await writeJsonAtomic(manifestPathOf(out), manifest);
  return manifest;
}

const refuse = (file: string, why: string) => new DatasetError(`${path.basename(file)}: ${why}`);

async function fileDigest(file: string): Promise<{ bytes: number; sha256: string }> {
  const hash = createHash('sha256');
  let bytes = 0;
  for await (const chunk of createReadStream(file) as AsyncIterable<Buffer>) {
    hash.update(chunk);
    bytes += chunk.length;
  }
  return { bytes, sha256: hash.digest('hex') };
}

const manifestSchema = z.object({
  schemaVersion: z.number(),
  kind: z.literal('driftgate-log-snapshot'),
  pulledAt: z.string(),
  source: z.string(),
  config: z.unknown(),
  since: z.string().optional(),
  file: z.object({ name: z.string(), bytes: z.number(), sha256: z.string() }),
  counts: z.object({ read: z.number(), written: z.number(), bad: z.number(), outsideWindow: z.number() }),
  bad: z.array(z.object({ line: z.number(), id: z.string().optional(), reason: z.string() })),
  redaction: z.object({ kinds: z.array(z.string()), findings: z.record(z.string(), z.number()) }),
});

function readManifest(file: string, text: string): SnapshotManifest {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw refuse(file, 'the manifest is not valid JSON');
  }
  const parsed = manifestSchema.safeParse(value);
  if (!parsed.success) throw refuse(file, 'not a driftgate log snapshot manifest');
  const { schemaVersion, ...rest } = parsed.data;
  if (schemaVersion !== SNAPSHOT_SCHEMA_VERSION)
    throw refuse(
      file,
      `schemaVersion ${schemaVersion} is not one this driftgate reads (${SNAPSHOT_SCHEMA_VERSION}); pull it again`,
    );
  return { schemaVersion, ...rest };
}

/** One snapshot line back as the record the source yielded. */
function logRecordOf(value: unknown, line: number): LogRecord {
  if (!isRecord(value)) return { line, error: 'not a snapshot line' };
  const at = typeof value.line === 'number' ? value.line : line;
  const id = typeof value.id === 'string' ? { id: value.id } : {};
  if (typeof value.error === 'string') return { line: at, ...id, error: value.error };
  if (!isNormalizedLog(value.record)) return { line: at, ...id, error: 'not a snapshot line' };
  const inputKey = typeof value.inputKey === 'string' ? { inputKey: value.inputKey } : {};
  return { line: at, ...id, ...inputKey, record: value.record };
}

/** A snapshot, checked against its manifest, as the origin it was pulled from. */
export async function openSnapshot(file: string): Promise<{ origin: LogOrigin; manifest: SnapshotManifest }> {
  const manifestFile = manifestPathOf(file);
  const text = await readFile(manifestFile, 'utf8').catch(() => {
    throw refuse(
      file,
      `no manifest beside it (${path.basename(manifestFile)}); write snapshots with driftgate logs pull`,
    );
  });
  const manifest = readManifest(manifestFile, text);
  const digest = await fileDigest(file).catch(() => {
    throw refuse(file, 'cannot be read');
  });
  if (digest.sha256 !== manifest.file.sha256 || digest.bytes !== manifest.file.bytes)
    throw refuse(file, 'changed since it was pulled (its sha256 differs from the manifest); pull it again');
  return {
    manifest,
    origin: {
      name: manifest.source,
      async *batches() {
        for await (const batch of fileRecords(file, 'lines'))
          yield batch.map((item) => (item.error ? item : logRecordOf(item.record, item.line)));
      },
    },
  };
}
