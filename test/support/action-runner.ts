/**
 * Runs the bundled Action (`node dist/index.js`) the way the GitHub runner does: inputs as
 * `INPUT_*` variables, the event payload in a file named by GITHUB_EVENT_PATH, and the files the
 * runner reads back afterwards (GITHUB_OUTPUT, GITHUB_STEP_SUMMARY).
 */
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ACTION_ENTRY = fileURLToPath(new URL('../../dist/index.js', import.meta.url));

export interface ActionRun {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly outputs: Record<string, string>;
  readonly summary: string;
}

/** GITHUB_OUTPUT uses `name<<DELIMITER` blocks (see @actions/core's file commands). */
export function parseOutputFile(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const m = /^([^<=]+)<<(.+)$/.exec(lines[i] ?? '');
    if (!m) continue;
    const [, name = '', delimiter] = m;
    const value: string[] = [];
    while (++i < lines.length && lines[i] !== delimiter) value.push(lines[i] ?? '');
    out[name] = value.join('\n');
  }
  return out;
}

export async function runAction(options: {
  cwd: string;
  inputs: Record<string, string>;
  eventName: string;
  payload: unknown;
  env?: NodeJS.ProcessEnv;
}): Promise<ActionRun> {
  const runner = await mkdtemp(path.join(tmpdir(), 'driftgate-runner-'));
  const eventPath = path.join(runner, 'event.json');
  const outputPath = path.join(runner, 'output.txt');
  const summaryPath = path.join(runner, 'summary.md');
  await writeFile(eventPath, JSON.stringify(options.payload));
  await writeFile(outputPath, '');
  await writeFile(summaryPath, '');
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    CI: 'true',
    GITHUB_ACTIONS: 'true',
    GITHUB_EVENT_NAME: options.eventName,
    GITHUB_EVENT_PATH: eventPath,
    GITHUB_OUTPUT: outputPath,
    GITHUB_STEP_SUMMARY: summaryPath,
    GITHUB_REPOSITORY: 'acme/support-bot',
    GITHUB_WORKSPACE: options.cwd,
    GITHUB_SERVER_URL: 'https://github.com',
    GITHUB_RUN_ID: '4242',
    GITHUB_RUN_ATTEMPT: '1',
    RUNNER_TEMP: runner,
    ...Object.fromEntries(Object.entries(options.inputs).map(([k, v]) => [`INPUT_${k.toUpperCase()}`, v])),
    ...options.env,
  };
  const child = spawn(process.execPath, [ACTION_ENTRY], { cwd: options.cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  return {
    code,
    stdout,
    stderr,
    outputs: parseOutputFile(await readFile(outputPath, 'utf8')),
    summary: await readFile(summaryPath, 'utf8'),
  };
}

/** A pull_request `synchronize` payload shaped like GitHub's (the fields the Action and Octokit read, and their neighbours). */
export function pullRequestPayload(o: {
  number: number;
  baseSha: string;
  headSha: string;
  headRepo?: string;
}): unknown {
  const base = {
    full_name: 'acme/support-bot',
    name: 'support-bot',
    owner: { login: 'acme', type: 'Organization' },
    fork: false,
    private: false,
    default_branch: 'main',
  };
  const headRepo = o.headRepo ?? base.full_name;
  const [headOwner = 'acme', headName = 'support-bot'] = headRepo.split('/');
  return {
    action: 'synchronize',
    number: o.number,
    before: '0'.repeat(40),
    after: o.headSha,
    pull_request: {
      url: `https://api.github.com/repos/acme/support-bot/pulls/${o.number}`,
      id: 1_900_000_000 + o.number,
      number: o.number,
      state: 'open',
      title: 'Tighten the support prompt',
      user: { login: 'dev', type: 'User' },
      draft: false,
      head: {
        label: `${headOwner}:prompt-v2`,
        ref: 'prompt-v2',
        sha: o.headSha,
        repo: {
          ...base,
          full_name: headRepo,
          name: headName,
          owner: { login: headOwner, type: 'User' },
          fork: headRepo !== base.full_name,
        },
      },
      base: { label: 'acme:main', ref: 'main', sha: o.baseSha, repo: base },
    },
    repository: base,
    organization: { login: 'acme' },
    sender: { login: 'dev', type: 'User' },
  };
}

/** A `schedule` payload: GitHub sends only the cron expression (plus repository and sender). */
export function schedulePayload(): unknown {
  return {
    schedule: '17 6 * * 1',
    repository: { full_name: 'acme/support-bot', name: 'support-bot', owner: { login: 'acme' } },
    sender: { login: 'github-actions[bot]' },
  };
}
