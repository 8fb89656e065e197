/**
 * The two things the Action writes to GitHub, each idempotent: one PR comment per config (found
 * again by a hidden marker and edited on every push), and one open issue labelled `drift` (found by
 * label and marker, updated each week it drifts). Octokit reads GITHUB_API_URL, so GitHub
 * Enterprise and the tests' local stand-in work the same way.
 */
import * as github from '@actions/github';

type Octokit = ReturnType<typeof github.getOctokit>;

export interface Upserted {
  readonly action: 'created' | 'updated';
  readonly id: number;
  readonly url: string;
}

export function markerFor(kind: 'gate' | 'drift', config: string): string {
  return `<!-- driftgate:${kind} config=${config.replace(/-->/g, '')} -->`;
}

export class GitHubApi {
  private readonly octokit: Octokit;
  constructor(
    token: string,
    private readonly owner: string,
    private readonly repo: string,
  ) {
    this.octokit = github.getOctokit(token);
  }

  async upsertComment(issueNumber: number, marker: string, body: string): Promise<Upserted> {
    const { owner, repo } = this;
    const comments = await this.octokit.paginate(this.octokit.rest.issues.listComments, { owner, repo, issue_number: issueNumber, per_page: 100 });
    const mine = comments.find((c) => c.body?.includes(marker));
    if (mine) {
      const { data } = await this.octokit.rest.issues.updateComment({ owner, repo, comment_id: mine.id, body });
      return { action: 'updated', id: data.id, url: data.html_url };
    }
    const { data } = await this.octokit.rest.issues.createComment({ owner, repo, issue_number: issueNumber, body });
    return { action: 'created', id: data.id, url: data.html_url };
  }

  /** The open issue with `label` whose body carries `marker`, if any. */
  async findOpenIssue(label: string, marker: string): Promise<{ number: number; url: string } | undefined> {
    const { owner, repo } = this;
    const issues = await this.octokit.paginate(this.octokit.rest.issues.listForRepo, { owner, repo, labels: label, state: 'open', per_page: 100 });
    const found = issues.find((i) => !i.pull_request && i.body?.includes(marker));
    return found ? { number: found.number, url: found.html_url } : undefined;
  }

  async upsertIssue(label: string, marker: string, title: string, body: string): Promise<Upserted> {
    const { owner, repo } = this;
    const open = await this.findOpenIssue(label, marker);
    if (open) {
      const { data } = await this.octokit.rest.issues.update({ owner, repo, issue_number: open.number, title, body });
      return { action: 'updated', id: data.number, url: data.html_url };
    }
    const { data } = await this.octokit.rest.issues.create({ owner, repo, title, body, labels: [label] });
    return { action: 'created', id: data.number, url: data.html_url };
  }
}
