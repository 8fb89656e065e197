/**
 * A local stand-in for the Actions cache service, both protocols `@actions/cache` speaks:
 * - v1 (`ACTIONS_CACHE_URL`, GitHub Enterprise Server): REST — look up by key and prefix, reserve,
 *   upload in `Content-Range` chunks, commit, download;
 * - v2 (`ACTIONS_RESULTS_URL` + `ACTIONS_CACHE_SERVICE_V2`, github.com): Twirp JSON —
 *   CreateCacheEntry returns a signed upload URL that the Azure Blob SDK PUTs the archive to,
 *   FinalizeCacheEntryUpload, GetCacheEntryDownloadURL.
 * Enough to run the Action's real restore and save.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

interface Entry {
  id: number;
  key: string;
  version: string;
  chunks: { start: number; data: Buffer }[];
  archive?: Buffer;
}

async function body(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

export class FakeCacheServer {
  readonly entries: Entry[] = [];
  readonly calls: { method: string; path: string }[] = [];
  private constructor(
    private readonly server: Server,
    /** With the trailing slash @actions/cache expects. */
    readonly url: string,
  ) {}

  static async start(): Promise<FakeCacheServer> {
    let self: FakeCacheServer | undefined;
    const server = createServer((req, res) => {
      void self?.handle(req).then(({ status, json, bytes }) => {
        if (bytes) {
          res.writeHead(status, { 'content-type': 'application/octet-stream', 'content-length': String(bytes.length) });
          res.end(bytes);
        } else {
          res.writeHead(status, json === undefined ? {} : { 'content-type': 'application/json' });
          res.end(json === undefined ? undefined : JSON.stringify(json));
        }
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    self = new FakeCacheServer(server, `http://127.0.0.1:${(server.address() as AddressInfo).port}/`);
    return self;
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  /** GitHub's matching: for each key in order, an exact match, else the newest entry it prefixes. */
  private find(keys: string[], version: string): Entry | undefined {
    const ready = this.entries.filter((e) => e.archive && e.version === version);
    for (const key of keys) {
      const exact = ready.find((e) => e.key === key);
      if (exact) return exact;
      const prefixed = ready.filter((e) => e.key.startsWith(key)).at(-1);
      if (prefixed) return prefixed;
    }
    return undefined;
  }

  private async handle(req: IncomingMessage): Promise<{ status: number; json?: unknown; bytes?: Buffer }> {
    const url = new URL(req.url ?? '/', this.url);
    const method = req.method ?? 'GET';
    this.calls.push({ method, path: url.pathname });
    const data = await body(req);
    let m: RegExpExecArray | null;
    if (method === 'GET' && url.pathname === '/_apis/artifactcache/cache') {
      const hit = this.find((url.searchParams.get('keys') ?? '').split(','), url.searchParams.get('version') ?? '');
      return hit
        ? {
            status: 200,
            json: { cacheKey: hit.key, scope: 'refs/heads/main', archiveLocation: `${this.url}archives/${hit.id}` },
          }
        : { status: 204 };
    }
    if (method === 'POST' && url.pathname === '/_apis/artifactcache/caches') {
      const { key, version } = JSON.parse(data.toString()) as { key: string; version: string };
      if (this.entries.some((e) => e.key === key && e.version === version))
        return { status: 409, json: { message: `Cache already exists: ${key}` } };
      const entry: Entry = { id: this.entries.length + 1, key, version, chunks: [] };
      this.entries.push(entry);
      return { status: 201, json: { cacheId: entry.id } };
    }
    if ((m = /^\/_apis\/artifactcache\/caches\/(\d+)$/.exec(url.pathname))) {
      const entry = this.entries.find((e) => e.id === Number(m?.[1]));
      if (!entry) return { status: 404, json: { message: 'no such cache' } };
      if (method === 'PATCH') {
        const start = Number(/bytes (\d+)-/.exec(String(req.headers['content-range']))?.[1]);
        entry.chunks.push({ start, data });
        return { status: 204 };
      }
      if (method === 'POST') {
        const { size } = JSON.parse(data.toString()) as { size: number };
        const archive = Buffer.concat(entry.chunks.sort((a, b) => a.start - b.start).map((c) => c.data));
        if (archive.length !== size) return { status: 400, json: { message: `size ${archive.length} != ${size}` } };
        entry.archive = archive;
        return { status: 204 };
      }
    }
    if (
      method === 'POST' &&
      (m = /^\/twirp\/github\.actions\.results\.api\.v1\.CacheService\/(\w+)$/.exec(url.pathname))
    ) {
      const req = JSON.parse(data.toString()) as {
        key: string;
        version: string;
        restore_keys?: string[];
        size_bytes?: string;
      };
      if (m[1] === 'CreateCacheEntry') {
        if (this.entries.some((e) => e.key === req.key && e.version === req.version))
          return { status: 200, json: { ok: false, message: `cache entry ${req.key} already exists` } };
        const entry: Entry = { id: this.entries.length + 1, key: req.key, version: req.version, chunks: [] };
        this.entries.push(entry);
        return {
          status: 200,
          json: { ok: true, signed_upload_url: `${this.url}devstoreaccount1/caches/${entry.id}?sig=test` },
        };
      }
      if (m[1] === 'FinalizeCacheEntryUpload') {
        const entry = this.entries.find((e) => e.key === req.key && e.version === req.version);
        if (!entry?.archive || String(entry.archive.length) !== req.size_bytes)
          return { status: 200, json: { ok: false, message: 'upload incomplete' } };
        return { status: 200, json: { ok: true, entry_id: String(entry.id) } };
      }
      if (m[1] === 'GetCacheEntryDownloadURL') {
        const hit = this.find([req.key, ...(req.restore_keys ?? [])], req.version);
        return {
          status: 200,
          json: hit
            ? { ok: true, signed_download_url: `${this.url}archives/${hit.id}`, matched_key: hit.key }
            : { ok: false },
        };
      }
    }
    // The Azure Blob SDK's single-shot upload (small archives): PUT the whole blob.
    if (method === 'PUT' && (m = /^\/devstoreaccount1\/caches\/(\d+)$/.exec(url.pathname))) {
      const entry = this.entries.find((e) => e.id === Number(m?.[1]));
      if (!entry || req.headers['x-ms-blob-type'] !== 'BlockBlob')
        return { status: 400, json: { message: 'not a block blob upload' } };
      entry.archive = data;
      return { status: 201 };
    }
    if (method === 'GET' && (m = /^\/archives\/(\d+)$/.exec(url.pathname))) {
      const entry = this.entries.find((e) => e.id === Number(m?.[1]));
      return entry?.archive ? { status: 200, bytes: entry.archive } : { status: 404, json: { message: 'gone' } };
    }
    return { status: 404, json: { message: `Not Found: ${method} ${url.pathname}` } };
  }
}
