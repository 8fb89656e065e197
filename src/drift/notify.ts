/**
 * `drift.notify: { webhook: SLACK_WEBHOOK_URL }`: the week's verdict posted where people look, as a
 * Slack-compatible incoming-webhook message (`text`, and one `mrkdwn` section block) — the
 * headline, the signals that fired, the production section's findings, and a link to the workflow
 * run when GitHub's variables are set. The address is read from the named environment variable and
 * treated as a secret (a webhook URL is a credential). A failing webhook is a warning, never a lost
 * verdict: the run's result and exit code are the same either way.
 */
import { driftHeadline } from '../signals/signals.js';
import { registerSecret, scrubSecrets } from '../util/secrets.js';
import type { DriftResult } from './drift-result.js';

export interface NotifyOutcome {
  readonly sent: boolean;
  readonly warning?: string;
}

export function notifyMessage(result: DriftResult, env: Readonly<Record<string, string | undefined>>) {
  const d = result.decision;
  const head = d.drifted
    ? `⚠️ driftgate: drift detected · ${driftHeadline(d)}`
    : `✅ driftgate: no drift · ${driftHeadline(d)}`;
  const fired = d.signals.filter((s) => s.drifted).map((s) => `• ${s.name}`);
  const production = (result.production?.sentences ?? []).slice(0, 5).map((s) => `• ${s}`);
  const link =
    env.GITHUB_SERVER_URL && env.GITHUB_REPOSITORY && env.GITHUB_RUN_ID
      ? `${env.GITHUB_SERVER_URL}/${env.GITHUB_REPOSITORY}/actions/runs/${env.GITHUB_RUN_ID}`
      : undefined;
  const body = [
    head,
    ...(fired.length ? ['', '*Signals*', ...fired.slice(0, 8)] : []),
    ...(production.length ? ['', '*Production*', ...production] : []),
    ...(result.incompleteReason ? ['', `Incomplete: ${result.incompleteReason}`] : []),
    ...(link ? ['', `<${link}|The run and its report>`] : []),
  ].join('\n');
  return { text: head, blocks: [{ type: 'section', text: { type: 'mrkdwn', text: body.slice(0, 2_900) } }] };
}

export async function notifyWebhook(
  result: DriftResult,
  variable: string,
  env: Readonly<Record<string, string | undefined>>,
): Promise<NotifyOutcome> {
  const url = env[variable];
  if (!url) return { sent: false, warning: `drift.notify: ${variable} is not set; nothing was posted` };
  registerSecret(url);
  const payload = JSON.stringify(notifyMessage(result, env));
  let last = '';
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: payload,
        signal: AbortSignal.timeout(10_000),
      });
      if (response.ok) return { sent: true };
      last = `HTTP ${response.status}`;
      // A refused message (bad URL, revoked hook) will not pass on a second try.
      if (response.status < 500 && response.status !== 429) break;
    } catch (err) {
      last = err instanceof Error ? err.message : String(err);
    }
  }
  return {
    sent: false,
    warning: scrubSecrets(
      `drift.notify: the webhook in ${variable} did not take the message (${last}); the verdict stands`,
    ),
  };
}
