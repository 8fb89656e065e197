/**
 * The two things the Action writes to GitHub, each idempotent: one PR comment per config (found
 * again by a hidden marker and edited on every push), and one open issue labelled `drift` (found by
 * label and marker, updated each week it drifts). Only a comment or issue written by the identity
 * the token acts as counts as ours: someone else's text that happens to carry the marker is left
 * alone.
 *
 * 5xx answers are retried with backoff (@octokit/plugin-retry) and rate limits, primary and
 * secondary, are waited out (@octokit/plugin-throttling); each retry is one line in the log.
 * Octokit reads GITHUB_API_URL, so GitHub Enterprise and the tests' local stand-in work the same way.
 */
import * as github from '@actions/github';
import type { Octokit as CoreOctokit } from '@octokit/core';
import { retry } from '@octokit/plugin-retry';
import { throttling } from '@octokit/plugin-throttling';
import { scrubSecrets } from '../util/secrets.js';

type Octokit = ReturnType<typeof github.getOctokit>;

/** Who writes as the workflow's own GITHUB_TOKEN (an installation token cannot read `GET /user`). */
export const WORKFLOW_BOT = 'github-actions[bot]';
/** Retries of a rate-limited request before it fails (each waits what GitHub says). */
const RATE_LIMIT_RETRIES = 3;

export interface Upserted {
  readonly action: 'created' | 'updated';
  readonly id: number;
  readonly url: string;
}

export function markerFor(kind: 'gate' | 'drift', config: string): string {
  return `<!-- driftgate:${kind} config=${config.replace(/-->|[\r\n]/g, '')} -->`;
}

/**
 * Ours when the body's first line is the marker, exactly: a report that quotes an answer holding
 * another config's marker (or a person's comment that pastes one) is never mistaken for it.
 */
export function carriesMarker(body: string | null | undefined, marker: string): boolean {
  if (!body) return false;
  const nl = body.indexOf('\n');
  return (nl === -1 ? body : body.slice(0, nl)).replace(/\r$/, '') === marker;
}

/** `/repos/{owner}/{repo}/issues` with its parameters filled in, for a log line. */
function requestPath(options: { method: string; url: string } & Record<string, unknown>): string {
  return `${options.method} ${options.url.replace(/\{(\w+)\}/g, (whole, name: string) => (options[name] === undefined ? whole : String(options[name])))}`;
}

/** A plugin registered before the retry plugin, so its error hook sees every attempt, not only the last. */
function attemptLogger(log: (line: string) => void) {
  return (octokit: CoreOctokit) => {
    octokit.hook.error('request', (error, options) => {
      const status = (error as { status?: number }).status;
      if (status !== undefined && status >= 500)
        log(`driftgate: GitHub answered ${status} to ${requestPath(options as never)}; retrying with backoff`);
      throw error;
    });
  };
}

export interface GitHubApiOptions {
  /** One line per retry or wait. */
  readonly log?: (line: string) => void;
  /** First backoff after a 5xx, in ms (default 1,000; it grows with each retry). */
  readonly retryBaseMs?: number;
}

export class GitHubApi {
  private readonly octokit: Octokit;
  private identity?: Promise<string>;

  constructor(
    token: string,
    private readonly owner: string,
    private readonly repo: string,
    options: GitHubApiOptions = {},
  ) {
    const log = options.log ?? (() => undefined);
    const onLimit =
      (kind: string) =>
      (retryAfter: number, request: { method: string; url: string }, _octokit: unknown, retryCount: number) => {
        const again = retryCount < RATE_LIMIT_RETRIES;
        log(
          `driftgate: GitHub ${kind} on ${requestPath(request as never)}; ${again ? `retrying after ${retryAfter} s` : 'giving up'}`,
        );
        return again;
      };
    this.octokit = github.getOctokit(
      token,
      {
        retry: { retryAfterBaseValue: options.retryBaseMs ?? 1000 },
        throttle: { onRateLimit: onLimit('rate limit'), onSecondaryRateLimit: onLimit('secondary rate limit') },
      },
      attemptLogger(log),
      retry,
      throttling,
    );
  }

  /**
   * The login the token writes as: the user of a personal token, else the workflow's bot (an
   * installation token is refused `GET /user`).
   */
  whoAmI(): Promise<string> {
    this.identity ??= this.octokit.rest.users.getAuthenticated().then(
      ({ data }) => data.login,
      (err: { status?: number }) => {
        if (err.status === 401 || err.status === 403 || err.status === 404) return WORKFLOW_BOT;
        throw err;
      },
    );
    return this.identity;
  }

  async upsertComment(issueNumber: number, marker: string, text: string): Promise<Upserted> {
    const { owner, repo } = this;
    const body = scrubSecrets(text);
    const me = await this.whoAmI();
    const comments = await this.octokit.paginate(this.octokit.rest.issues.listComments, {
      owner,
      repo,
      issue_number: issueNumber,
      per_page: 100,
    });
    const mine = comments.find((c) => c.user?.login === me && carriesMarker(c.body, marker));
    if (mine) {
      const { data } = await this.octokit.rest.issues.updateComment({ owner, repo, comment_id: mine.id, body });
      return { action: 'updated', id: data.id, url: data.html_url };
    }
    const { data } = await this.octokit.rest.issues.createComment({ owner, repo, issue_number: issueNumber, body });
    return { action: 'created', id: data.id, url: data.html_url };
  }

  /** The open issue with `label`, opened by us, whose body carries `marker`, if any. */
  async findOpenIssue(label: string, marker: string): Promise<{ number: number; url: string } | undefined> {
    const { owner, repo } = this;
    const me = await this.whoAmI();
    const issues = await this.octokit.paginate(this.octokit.rest.issues.listForRepo, {
      owner,
      repo,
      labels: label,
      state: 'open',
      per_page: 100,
    });
    const found = issues.find((i) => !i.pull_request && i.user?.login === me && carriesMarker(i.body, marker));
    return found ? { number: found.number, url: found.html_url } : undefined;
  }

  async upsertIssue(label: string, marker: string, titleText: string, text: string): Promise<Upserted> {
    const { owner, repo } = this;
    const [title, body] = [scrubSecrets(titleText), scrubSecrets(text)];
    const open = await this.findOpenIssue(label, marker);
    if (open) {
      const { data } = await this.octokit.rest.issues.update({ owner, repo, issue_number: open.number, title, body });
      return { action: 'updated', id: data.number, url: data.html_url };
    }
    const { data } = await this.octokit.rest.issues.create({ owner, repo, title, body, labels: [label] });
    return { action: 'created', id: data.number, url: data.html_url };
  }
}

/** The permission a failed write most likely lacked, by what was written. */
export const PERMISSION_FOR = { comment: 'pull-requests: write', issue: 'issues: write' } as const;

/**
 * One line for a GitHub failure that must not change the verdict: a missing permission (401, 403,
 * 404) names the permission and the README section; anything else says the verdict is unaffected.
 */
export function describeGitHubFailure(what: string, permission: string, err: unknown): string {
  const status = (err as { status?: number }).status;
  const message = String((err as Error).message ?? err).split('\n')[0];
  const docs = 'see "Permissions" in the driftgate docs (docs/action.md)';
  if (status === 401 || status === 403 || status === 404) {
    return `driftgate: could not ${what}: GitHub answered ${status} (${message}). The workflow's token needs \`permissions: ${permission}\` (${docs}). The verdict is unaffected.`;
  }
  return `driftgate: could not ${what}${status ? `: GitHub answered ${status} after retries` : ''} (${message}). The verdict is unaffected.`;
}
