/**
 * A local stand-in for the GitHub REST API, just the endpoints the Action uses (issue comments and
 * issues), in GitHub's JSON shapes. It records every request so tests can assert what the Action
 * did: one comment created then updated, one drift issue opened then updated.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface GitHubCall {
  readonly method: string;
  readonly path: string;
  readonly query: Record<string, string>;
  readonly body: Record<string, unknown> | undefined;
  readonly authorization: string | undefined;
}

interface Comment {
  id: number;
  issue: number;
  body: string;
}

interface Issue {
  number: number;
  title: string;
  body: string;
  state: 'open' | 'closed';
  labels: string[];
}

async function readBody(req: IncomingMessage): Promise<Record<string, unknown> | undefined> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  return text ? (JSON.parse(text) as Record<string, unknown>) : undefined;
}

export class FakeGitHubServer {
  readonly calls: GitHubCall[] = [];
  readonly comments: Comment[] = [];
  readonly issues: Issue[] = [];
  private nextId = 1000;
  private constructor(
    private readonly server: Server,
    readonly url: string,
  ) {}

  static async start(): Promise<FakeGitHubServer> {
    let self: FakeGitHubServer | undefined;
    const server = createServer((req, res) => {
      void self?.handle(req).then(
        ({ status, json }) => {
          res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
          res.end(JSON.stringify(json));
        },
        (err: Error) => {
          res.writeHead(500, { 'content-type': 'application/json' });
          res.end(JSON.stringify({ message: err.message }));
        },
      );
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    self = new FakeGitHubServer(server, `http://127.0.0.1:${port}`);
    return self;
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  reset(): void {
    this.calls.length = 0;
    this.comments.length = 0;
    this.issues.length = 0;
  }

  private commentJson(c: Comment, owner: string, repo: string) {
    return { id: c.id, body: c.body, html_url: `https://github.com/${owner}/${repo}/pull/${c.issue}#issuecomment-${c.id}`, user: { login: 'github-actions[bot]', type: 'Bot' } };
  }

  private issueJson(i: Issue, owner: string, repo: string) {
    return { number: i.number, title: i.title, body: i.body, state: i.state, labels: i.labels.map((name) => ({ name })), html_url: `https://github.com/${owner}/${repo}/issues/${i.number}` };
  }

  private async handle(req: IncomingMessage): Promise<{ status: number; json: unknown }> {
    const url = new URL(req.url ?? '/', this.url);
    const body = await readBody(req);
    const method = req.method ?? 'GET';
    this.calls.push({ method, path: url.pathname, query: Object.fromEntries(url.searchParams), body, authorization: req.headers.authorization });
    let m: RegExpExecArray | null;
    if ((m = /^\/repos\/([^/]+)\/([^/]+)\/issues\/(\d+)\/comments$/.exec(url.pathname))) {
      const [, owner = '', repo = '', n = ''] = m;
      if (method === 'GET') return { status: 200, json: this.comments.filter((c) => c.issue === Number(n)).map((c) => this.commentJson(c, owner, repo)) };
      if (method === 'POST') {
        const c = { id: this.nextId++, issue: Number(n), body: String(body?.body ?? '') };
        this.comments.push(c);
        return { status: 201, json: this.commentJson(c, owner, repo) };
      }
    }
    if ((m = /^\/repos\/([^/]+)\/([^/]+)\/issues\/comments\/(\d+)$/.exec(url.pathname)) && method === 'PATCH') {
      const [, owner = '', repo = '', id = ''] = m;
      const c = this.comments.find((x) => x.id === Number(id));
      if (!c) return { status: 404, json: { message: 'Not Found' } };
      c.body = String(body?.body ?? '');
      return { status: 200, json: this.commentJson(c, owner, repo) };
    }
    if ((m = /^\/repos\/([^/]+)\/([^/]+)\/issues$/.exec(url.pathname))) {
      const [, owner = '', repo = ''] = m;
      if (method === 'GET') {
        const label = url.searchParams.get('labels');
        const state = url.searchParams.get('state') ?? 'open';
        const found = this.issues.filter((i) => (state === 'all' || i.state === state) && (!label || i.labels.includes(label)));
        return { status: 200, json: found.map((i) => this.issueJson(i, owner, repo)) };
      }
      if (method === 'POST') {
        const i: Issue = { number: this.issues.length + 1, title: String(body?.title ?? ''), body: String(body?.body ?? ''), state: 'open', labels: (body?.labels as string[] | undefined) ?? [] };
        this.issues.push(i);
        return { status: 201, json: this.issueJson(i, owner, repo) };
      }
    }
    if ((m = /^\/repos\/([^/]+)\/([^/]+)\/issues\/(\d+)$/.exec(url.pathname)) && method === 'PATCH') {
      const [, owner = '', repo = '', n = ''] = m;
      const i = this.issues.find((x) => x.number === Number(n));
      if (!i) return { status: 404, json: { message: 'Not Found' } };
      if (typeof body?.title === 'string') i.title = body.title;
      if (typeof body?.body === 'string') i.body = body.body;
      if (body?.state === 'open' || body?.state === 'closed') i.state = body.state;
      return { status: 200, json: this.issueJson(i, owner, repo) };
    }
    return { status: 404, json: { message: `Not Found: ${method} ${url.pathname}` } };
  }
}
