/** What the triggering event says: the pull request (and whether it comes from a fork), the repository. */
import { readFileSync } from 'node:fs';

export interface PullRequestInfo {
  readonly number: number;
  readonly baseSha: string;
  readonly baseRef: string;
  readonly headSha: string;
  /** Head and base in different repositories: the workflow has no secrets and a read-only token. */
  readonly fromFork: boolean;
}

export interface ActionEvent {
  readonly name: string;
  readonly owner: string;
  readonly repo: string;
  readonly pullRequest?: PullRequestInfo;
  readonly runUrl?: string;
}

interface Payload {
  pull_request?: {
    number: number;
    base: { sha: string; ref: string; repo: { full_name: string } };
    head: { sha: string; repo: { full_name: string; fork?: boolean } | null };
  };
}

export function readEvent(env: NodeJS.ProcessEnv = process.env): ActionEvent {
  const [owner = '', repo = ''] = (env.GITHUB_REPOSITORY ?? '/').split('/');
  let payload: Payload = {};
  if (env.GITHUB_EVENT_PATH) {
    try {
      payload = JSON.parse(readFileSync(env.GITHUB_EVENT_PATH, 'utf8')) as Payload;
    } catch {
      payload = {};
    }
  }
  const pr = payload.pull_request;
  const runUrl =
    env.GITHUB_SERVER_URL && env.GITHUB_REPOSITORY && env.GITHUB_RUN_ID
      ? `${env.GITHUB_SERVER_URL}/${env.GITHUB_REPOSITORY}/actions/runs/${env.GITHUB_RUN_ID}`
      : undefined;
  return {
    name: env.GITHUB_EVENT_NAME ?? '',
    owner,
    repo,
    ...(runUrl ? { runUrl } : {}),
    ...(pr
      ? {
          pullRequest: {
            number: pr.number,
            baseSha: pr.base.sha,
            baseRef: pr.base.ref,
            headSha: pr.head.sha,
            // A deleted fork has head.repo null: still not this repository.
            fromFork: pr.head.repo === null || pr.head.repo.full_name !== pr.base.repo.full_name,
          },
        }
      : {}),
  };
}
