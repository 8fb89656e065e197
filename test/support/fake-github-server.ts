/**
 * A local stand-in for the GitHub REST API, just the endpoints the Action uses (the authenticated
 * user, issue comments and issues), in GitHub's JSON shapes. It records every request so tests can
 * assert what the Action did: one comment created then updated, one drift issue opened then
 * updated. Comments and issues carry their author: an installation token (`ghs_…`) writes as
 * `github-actions[bot]` and is refused `GET /user`, as on GitHub; any other token is the user
 * `octocat`. `failNext` scripts failures: a missing permission (403), a server error (503), a
 * secondary rate limit (403 with `retry-after`).
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
  user: string;
}

interface Issue {
  number: number;
  title: string;
  body: string;
  state: 'open' | 'closed';
  labels: string[];
  user: string;
}

export type ScriptedFailure = '403' | '404' | '503' | 'secondary';

interface Answer {
  status: number;
  json: unknown;
  headers?: Record<string, string>;
}

const identityOf = (authorization: string | undefined): string =>
  /\bghs_/.test(authorization ?? '') ? 'github-actions[bot]' : 'octocat';

function failure(kind: ScriptedFailure): Answer {
  switch (kind) {
    case '403':
      return {
        status: 403,
        json: { message: 'Resource not accessible by integration', documentation_url: 'https://docs.github.com/rest' },
      };
    case '404':
      return { status: 404, json: { message: 'Not Found' } };
    case '503':
      return { status: 503, json: { message: 'Service Unavailable' } };
    case 'secondary':
      return {
        status: 403,
        json: { message: 'You have exceeded a secondary rate limit. Please wait a few minutes before you try again.' },
        headers: { 'retry-after': '1' },
      };
  }
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
  private readonly script: { method: string; path: RegExp; answers: ScriptedFailure[] }[] = [];
  private constructor(
    private readonly server: Server,
    readonly url: string,
  ) {}

  static async start(): Promise<FakeGitHubServer> {
    let self: FakeGitHubServer | undefined;
    const server = createServer((req, res) => {
      void self?.handle(req).then(
        ({ status, json, headers }) => {
          res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
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
    this.script.length = 0;
  }

  /** The next requests of `method` to a path matching `path` fail as listed, in order. */
  failNext(method: string, path: RegExp, ...answers: ScriptedFailure[]): void {
    this.script.push({ method, path, answers });
  }

  private userJson(login: string) {
    return { login, type: login.endsWith('[bot]') ? 'Bot' : 'User' };
  }

  private commentJson(c: Comment, owner: string, repo: string) {
    return {
      id: c.id,
      body: c.body,
      html_url: `https://github.com/${owner}/${repo}/pull/${c.issue}#issuecomment-${c.id}`,
      user: this.userJson(c.user),
    };
  }

  private issueJson(i: Issue, owner: string, repo: string) {
    return {
      number: i.number,
      title: i.title,
      body: i.body,
      state: i.state,
      labels: i.labels.map((name) => ({ name })),
      html_url: `https://github.com/${owner}/${repo}/issues/${i.number}`,
      user: this.userJson(i.user),
    };
  }

  private async handle(req: IncomingMessage): Promise<Answer> {
    const url = new URL(req.url ?? '/', this.url);
    const body = await readBody(req);
    const method = req.method ?? 'GET';
    this.calls.push({
      method,
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      body,
      authorization: req.headers.authorization,
    });
    const scripted = this.script.find((s) => s.method === method && s.path.test(url.pathname) && s.answers.length > 0);
    if (scripted) return failure(scripted.answers.shift() as ScriptedFailure);
    const me = identityOf(req.headers.authorization);
    if (url.pathname === '/user' && method === 'GET') {
      return me.endsWith('[bot]') ? failure('403') : { status: 200, json: this.userJson(me) };
    }
    let m: RegExpExecArray | null;
    if ((m = /^\/repos\/([^/]+)\/([^/]+)\/issues\/(\d+)\/comments$/.exec(url.pathname))) {
      const [, owner = '', repo = '', n = ''] = m;
      if (method === 'GET')
        return {
          status: 200,
          json: this.comments.filter((c) => c.issue === Number(n)).map((c) => this.commentJson(c, owner, repo)),
        };
      if (method === 'POST') {
        const c = { id: this.nextId++, issue: Number(n), body: String(body?.body ?? ''), user: me };
        this.comments.push(c);
        return { status: 201, json: this.commentJson(c, owner, repo) };
      }
    }
    if ((m = /^\/repos\/([^/]+)\/([^/]+)\/issues\/comments\/(\d+)$/.exec(url.pathname)) && method === 'PATCH') {
      const [, owner = '', repo = '', id = ''] = m;
      const c = this.comments.find((x) => x.id === Number(id));
      if (!c) return { status: 404, json: { message: 'Not Found' } };
      // As on GitHub: an installation token cannot edit another user's comment.
      if (c.user !== me) return failure('403');
      c.body = String(body?.body ?? '');
      return { status: 200, json: this.commentJson(c, owner, repo) };
    }
    if ((m = /^\/repos\/([^/]+)\/([^/]+)\/issues$/.exec(url.pathname))) {
      const [, owner = '', repo = ''] = m;
      if (method === 'GET') {
        const label = url.searchParams.get('labels');
        const state = url.searchParams.get('state') ?? 'open';
        const found = this.issues.filter(
          (i) => (state === 'all' || i.state === state) && (!label || i.labels.includes(label)),
        );
        return { status: 200, json: found.map((i) => this.issueJson(i, owner, repo)) };
      }
      if (method === 'POST') {
        const i: Issue = {
          number: this.issues.length + 1,
          title: String(body?.title ?? ''),
          body: String(body?.body ?? ''),
          state: 'open',
          labels: (body?.labels as string[] | undefined) ?? [],
          user: me,
        };
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
