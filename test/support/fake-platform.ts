/**
 * What the stand-ins of the log platforms (Langfuse, LangSmith, OpenAI stored completions) share:
 * a local HTTP server that records each request, checks the credential, and answers a listing a
 * page at a time with scripted faults — a 429 with retry-after, a 5xx, a reset connection, a page
 * of garbage — decided per page and attempt, so a test can say "a 429 every 50 pages and one 500".
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { LogOrigin, LogRecord } from '../../src/sources/log-origin.js';

/** `echo`: a 400 whose body repeats the request's headers, as some proxies answer. */
export type Fault = '429' | '500' | '503' | 'reset' | 'garbage' | '401' | 'echo';

/** The fault for the `attempt`-th request (0 first) of page `page` (1 first), if any. */
export type FaultScript = (page: number, attempt: number) => Fault | undefined;

export interface PlatformRequest {
  readonly method: string;
  readonly path: string;
  readonly query: URLSearchParams;
  readonly body: unknown;
  readonly headers: IncomingMessage['headers'];
}

export interface PlatformAnswer {
  readonly status: number;
  readonly json: unknown;
}

export type Route = (
  request: PlatformRequest,
) => PlatformAnswer | { readonly page: number; readonly answer: () => PlatformAnswer } | undefined;

async function readBody(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  if (!text) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

export class FakePlatform {
  readonly requests: PlatformRequest[] = [];
  faults: FaultScript = () => undefined;
  private readonly attempts = new Map<number, number>();
  private server: Server | undefined;

  constructor(
    private readonly route: Route,
    /** True when the request carries the credential the platform expects. */
    private readonly authorized: (headers: IncomingMessage['headers']) => boolean,
  ) {}

  get url(): string {
    const address = this.server?.address() as AddressInfo | null;
    if (!address) throw new Error('not started');
    return `http://127.0.0.1:${address.port}`;
  }

  /** How many listing pages were served whole. */
  pagesServed = 0;

  async start(): Promise<this> {
    this.server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
    return this;
  }

  async close(): Promise<void> {
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const request: PlatformRequest = {
      method: req.method ?? 'GET',
      path: url.pathname,
      query: url.searchParams,
      body: await readBody(req),
      headers: req.headers,
    };
    this.requests.push(request);
    const send = (status: number, json: unknown, headers: Record<string, string> = {}) => {
      res.writeHead(status, { 'content-type': 'application/json', ...headers });
      res.end(JSON.stringify(json));
    };
    if (!this.authorized(req.headers))
      return send(401, { message: 'Invalid credentials. Confirm that you have used the correct keys.' });
    const routed = this.route(request);
    if (!routed) return send(404, { message: `no route ${request.method} ${request.path}` });
    if (!('page' in routed)) return send(routed.status, routed.json);
    const attempt = this.attempts.get(routed.page) ?? 0;
    this.attempts.set(routed.page, attempt + 1);
    switch (this.faults(routed.page, attempt)) {
      case '429':
        return send(429, { message: 'rate limit exceeded' }, { 'retry-after': '1' });
      case '500':
        return send(500, { message: 'internal error' });
      case '503':
        return send(503, { message: 'service unavailable' });
      case '401':
        return send(401, { message: 'Invalid credentials' });
      case 'echo':
        return send(400, { message: 'bad request', headers: req.headers });
      case 'reset':
        req.socket.destroy();
        return;
      case 'garbage':
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end('<html><body>502 Bad Gateway</body></html>');
        return;
      case undefined: {
        const answer = routed.answer();
        this.pagesServed++;
        return send(answer.status, answer.json);
      }
    }
  }
}

/** Every record an opened source yields, in order. */
export async function readOrigin(origin: LogOrigin): Promise<LogRecord[]> {
  const out: LogRecord[] = [];
  for await (const batch of origin.batches()) out.push(...batch);
  return out;
}
