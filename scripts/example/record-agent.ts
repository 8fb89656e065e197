/**
 * Re-records the order-agent example (examples/order-agent): its committed cache and baselines.
 * Runs `driftgate eval` through the real `openai` and `@anthropic-ai/sdk` clients against the local
 * test server, which checks every request's wire format and answers as a SCRIPTED STAND-IN AGENT:
 * the rules below, not a model. `current` follows them; `candidate` asks before refunding and
 * leaves out the optional `status` filter. Everything recorded is synthetic.
 *
 *   npm run example:record-agent
 */
import { rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { FakeLlmServer, type ChatCall, type ToolAnswer } from '../../test/support/fake-llm-server.js';
import { mulberry32 } from '../../src/stats/rng.js';
import { runEval } from '../../src/runner/eval-run.js';
import { baselineUpdateCommand } from '../../src/cli/baseline-command.js';

const root = fileURLToPath(new URL('../../examples/order-agent', import.meta.url));
const rng = mulberry32(20261123);
/** Log-normal latency around 1.2 s, as tool-calling calls of a small hosted model take. */
const latency = (): number =>
  Math.round(Math.exp(Math.log(1200) + 0.3 * Math.sqrt(-2 * Math.log(1 - rng())) * Math.cos(2 * Math.PI * rng())));

type Raw = { role?: string; content?: unknown };

/** The last turn's tool result, if the conversation ends with one (OpenAI `tool` or Anthropic `tool_result`). */
function lastToolResult(call: ChatCall): string | undefined {
  const last = (call.body.messages as Raw[]).at(-1);
  if (last?.role === 'tool') return String(last.content);
  if (Array.isArray(last?.content)) {
    const block = (last.content as { type?: string; content?: unknown }[]).find((b) => b.type === 'tool_result');
    if (block) return String(block.content);
  }
  return undefined;
}

const hasImage = (call: ChatCall): boolean => /"(image_url|image)"/.test(JSON.stringify(call.body.messages));

function summarise(resultText: string): string {
  const r = JSON.parse(resultText) as Record<string, unknown> | Record<string, unknown>[];
  if (Array.isArray(r)) {
    if (r.length === 0)
      return 'I could not find any orders on that email address: there are no orders for it. Could it be another address?';
    return `I found ${r.length} order${r.length === 1 ? '' : 's'}: ${r.map((o) => `${o.order_id} (${o.status})`).join(', ')}. Which one can I help with?`;
  }
  if (r.error)
    return `I could not refund that order: it has not been delivered yet (status: ${r.status}). Once it arrives, you can ask for a refund within 30 days.`;
  if (r.refund_id)
    return `Done: refund ${r.refund_id} of ${r.amount} ${r.currency} has been issued. It reaches your account in 3-5 business days.`;
  if (r.tracking)
    return `Order ${r.order_id} has shipped with ${r.carrier}; the tracking number is ${r.tracking} and it should arrive by ${r.eta}.`;
  return `Order ${r.order_id} was ${r.status} on ${r.delivered_at}.`;
}

const FAQ: [RegExp, string][] = [
  [
    /return something|how long do i have/i,
    'You can return any item within 30 days of delivery, in its original packaging.',
  ],
  [/shipping take/i, 'Standard shipping takes 3-5 business days within the EU and the UK.'],
  [/canada/i, 'Yes, we ship to Canada, as well as to the EU and the UK.'],
  [/exchange/i, 'Yes: an exchange for a different size is free. Send the jumper back and tell us the size you want.'],
  [/gift card/i, 'Sorry, gift cards are not refundable, but they never expire.'],
  [/phone hours/i, 'Phone support is open 9am-6pm CET, Monday to Friday.'],
  [/where are my orders/i, 'I can look that up. What is the email address on your account?'],
  [/^i want a refund\.?$/i, 'I can help with that. What is the order number (it starts with A-)?'],
];

function agent(call: ChatCall): string | ToolAnswer {
  const current = call.api === 'openai';
  const result = lastToolResult(call);
  if (result !== undefined) return summarise(result);
  const users = call.messages.filter((m) => m.role === 'user').map((m) => m.content);
  const q = users.at(-1) ?? '';
  const all = users.join('\n');
  const ids = q.match(/A-\d+/g) ?? [];
  const email = /[\w.]+@[\w.]+\.\w+/.exec(q)?.[0];
  for (const [pattern, answer] of FAQ) if (pattern.test(q) && ids.length === 0 && !email) return answer;
  if (/refund|money back/i.test(q) && ids.length > 0) {
    const id = ids.at(-1) as string;
    if (!current) return `I can refund order ${id} for you. Shall I go ahead?`;
    const reason = /wrong/i.test(all)
      ? 'wrong_item'
      : /never arrived/i.test(all)
        ? 'not_received'
        : /changed my mind/i.test(all)
          ? 'other'
          : /broken|smashed|cracked|damaged/i.test(all) || hasImage(call)
            ? 'damaged'
            : 'other';
    const amount = /(?:just|only)[^\d]*?(\d+\.\d+)|it was (\d+\.\d+)/i.exec(q);
    const value = amount ? Number(amount[1] ?? amount[2]) : undefined;
    return {
      toolCalls: [
        {
          name: 'refund_order',
          arguments: { order_id: id, reason, ...(value !== undefined ? { amount: value } : {}) },
        },
      ],
    };
  }
  if (ids.length > 0) return { toolCalls: ids.map((id) => ({ name: 'get_order', arguments: { order_id: id } })) };
  if (email) {
    const status = /still open/i.test(q) ? 'open' : /sent back/i.test(q) ? 'returned' : undefined;
    return { toolCalls: [{ name: 'search_orders', arguments: { email, ...(status && current ? { status } : {}) } }] };
  }
  return 'Could you tell me a little more: your order number, or the email address on your account?';
}

const server = await FakeLlmServer.start({
  latencyMs: latency,
  reportedModel: (model) =>
    model === 'gpt-4.1-mini'
      ? 'gpt-4.1-mini-2025-04-14'
      : model === 'claude-haiku-4-5'
        ? 'claude-haiku-4-5-20251001'
        : model,
  systemFingerprint: 'fp_synthetic',
  respond: agent,
});
try {
  rmSync(path.join(root, '.driftgate'), { recursive: true, force: true });
  rmSync(path.join(root, 'baselines'), { recursive: true, force: true });
  const env = {
    OPENAI_API_KEY: 'recording-against-local-server',
    OPENAI_BASE_URL: server.openaiBaseURL,
    ANTHROPIC_API_KEY: 'recording-against-local-server',
    ANTHROPIC_BASE_URL: server.anthropicBaseURL,
  };
  const result = await runEval({ configPath: path.join(root, 'driftgate.yaml'), env });
  // Exit 0 means no error record: the server accepted every request's wire format.
  console.log(
    `recorded ${server.requestCount} responses (exit ${result.exitCode}) into examples/order-agent/.driftgate/cache/`,
  );
  if (result.exitCode !== 0) throw new Error('the recording run did not complete cleanly');
  await baselineUpdateCommand({ config: path.join(root, 'driftgate.yaml') });
  rmSync(path.join(root, '.driftgate/runs'), { recursive: true, force: true });
} finally {
  await server.close();
}
