/**
 * Drift in tool use, end to end through `runDrift` on logs in the openai-chat shape with tools:
 * the current model calls search_orders on 20% fewer inputs (60% → 48%) — flagged at n = 300 by
 * the paired tool-use signal; the same model on both sides (A/A) is not flagged.
 *
 * The simulated models: each input has a latent propensity u (from its hash); a model calls
 * search_orders when u < θ, and 5% of its decisions are flipped at random (sampling noise), each
 * call drawing from its own seeded stream, so reruns are identical.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import path from 'node:path';
import { FakeLlmServer, type ChatCall } from './support/fake-llm-server.js';
import { makeProject } from './support/project.js';
import { runDrift } from '../src/drift/run-drift.js';
import { mulberry32 } from '../src/stats/rng.js';

const unit = (text: string): number => createHash('sha256').update(text).digest().readUInt32LE(0) / 2 ** 32;

let thetaCurrent = 0.6;
const seen = new Map<string, number>();
let server: FakeLlmServer;

function agent(call: ChatCall) {
  const question = call.messages.filter((m) => m.role === 'user').at(-1)?.content ?? '';
  const key = `${call.model}\u0000${question}`;
  const nth = seen.get(key) ?? 0;
  seen.set(key, nth + 1);
  const noise = mulberry32(Math.floor(unit(`${key}\u0000${nth}`) * 2 ** 32))();
  const theta = call.model === 'gpt-4o' ? thetaCurrent : 0.6;
  const calls = unit(question) < theta !== noise < 0.05;
  const email = /[\w.]+@[\w.]+/.exec(question)?.[0] ?? 'unknown@example.com';
  return calls
    ? { toolCalls: [{ name: 'search_orders', arguments: { email } }] }
    : `I can help with that. Could you tell me your order number so I can look into "${question.slice(0, 30)}"?`;
}

beforeAll(async () => {
  server = await FakeLlmServer.start({ respond: agent });
});
afterAll(() => server.close());

const tools = [
  {
    type: 'function',
    function: {
      name: 'search_orders',
      description: 'Find orders by email',
      parameters: { type: 'object', properties: { email: { type: 'string' } }, required: ['email'] },
    },
  },
  {
    type: 'function',
    function: {
      name: 'refund_order',
      description: 'Refund an order',
      parameters: { type: 'object', properties: { order_id: { type: 'string' } }, required: ['order_id'] },
    },
  },
];

function logLine(i: number): string {
  const question = `Customer ${i} (user${i}@shop.test) asks about order trouble #${i}`;
  // Every fifth conversation carries an earlier tool round trip.
  const earlier =
    i % 5 === 0
      ? [
          { role: 'user', content: 'Hi, I ordered last week.' },
          {
            role: 'assistant',
            content: null,
            tool_calls: [
              {
                id: `call_${i}`,
                type: 'function',
                function: { name: 'search_orders', arguments: `{"email":"user${i}@shop.test"}` },
              },
            ],
          },
          { role: 'tool', tool_call_id: `call_${i}`, content: '[{"order_id":"A-1","status":"shipped"}]' },
          { role: 'assistant', content: 'I found order A-1; it has shipped.' },
        ]
      : [];
  return JSON.stringify({
    created_at: '2026-11-20T10:00:00Z',
    request: {
      model: 'gpt-4o',
      messages: [
        { role: 'system', content: 'You are the order-support agent.' },
        ...earlier,
        { role: 'user', content: question },
      ],
      tools,
      tool_choice: 'auto',
      user: `u${i % 7}`,
    },
    response: { model: 'gpt-4o-2024-08-06', choices: [{ message: { role: 'assistant', content: 'ok' } }] },
    metadata: { feature: 'support' },
  });
}

async function project(): Promise<string> {
  return makeProject({
    'driftgate.yaml': `version: 1
models:
  pinned:   { provider: openai, model: gpt-4o-2024-08-06, baseURL: ${server.openaiBaseURL} }
  current:  { provider: openai, model: gpt-4o, baseURL: ${server.openaiBaseURL} }
  embedder: { provider: local }
runner: { retry_base_ms: 5, concurrency: 32 }
drift:
  logs: logs/*.jsonl
  format: openai-chat
  sample: { size: 300, seed: week-1 }
  pinned_samples: 1
  redact: []
  behaviour: { permutations: 2000 }
`,
    'logs/week.jsonl': `${Array.from({ length: 400 }, (_, i) => logLine(i)).join('\n')}\n`,
  });
}

const env = { OPENAI_API_KEY: 'sk-test-drift-tools-0000' };

describe('drift on tool use', () => {
  it('A/A: the same tool habits on both sides are not flagged', async () => {
    thetaCurrent = 0.6;
    seen.clear();
    const dir = await project();
    const r = await runDrift({ configPath: path.join(dir, 'driftgate.yaml'), env });
    const toolUse = r.decision.signals.find((s) => s.name === 'tool use (paired)');
    expect(toolUse?.n).toBe(300);
    expect(toolUse?.drifted).toBe(false);
    expect(r.decision.drifted).toBe(false);
    expect(r.exitCode).toBe(0);
    // The request's tools reached both models with every call.
    const sent = server.requests.filter((q) => q.path.endsWith('/chat/completions')).slice(-1)[0]?.body as {
      tools?: unknown[];
      tool_choice?: unknown;
    };
    expect(sent.tools).toHaveLength(2);
    expect(sent.tool_choice).toBe('auto');
  });

  it('current calls search_orders on 20% fewer inputs: flagged at n = 300, led by the tool-use signal', async () => {
    thetaCurrent = 0.48;
    seen.clear();
    const dir = await project();
    const r = await runDrift({ configPath: path.join(dir, 'driftgate.yaml'), env });
    const toolUse = r.decision.signals.find((s) => s.name === 'tool use (paired)');
    expect(toolUse?.drifted).toBe(true);
    expect(toolUse?.pAdjusted).toBeLessThan(0.01);
    expect(toolUse?.details?.tool).toBe('search_orders');
    // Planted: 60% → 48% of inputs; the estimate lands near −12 points.
    expect(toolUse?.effect).toBeGreaterThan(-0.2);
    expect(toolUse?.effect).toBeLessThan(-0.05);
    expect(r.decision.drifted).toBe(true);
    expect(r.exitCode).toBe(1);
    // Arguments stayed valid on both sides: that signal does not fire.
    const validity = r.decision.signals.find((s) => s.name === 'tool argument validity');
    expect(validity?.drifted).not.toBe(true);
    expect(validity?.details).toMatchObject({ validPinned: 1, validCurrent: 1 });
  });
});

describe('the tool-use signal by simulation (known ground truth)', () => {
  const week = (rng: () => number, thetaNow: number, n = 300) =>
    Array.from({ length: n }, () => {
      const u = rng();
      const decide = (theta: number) => u < theta !== rng() < 0.05;
      const call = (yes: boolean) => (yes ? [{ id: 'c', name: 'search_orders', arguments: {} }] : []);
      return { pinned: call(decide(0.6)), current: call(decide(thetaNow)) };
    });

  it('A/A: flagged at α 0.05 in about 5% of 2,000 weeks (McNemar mid-p); the planted −20% in nearly all', async () => {
    const { toolUseSignals } = await import('../src/signals/tool-use.js');
    const rng = mulberry32(20261123);
    const weeks = 2000;
    let alarms = 0;
    for (let w = 0; w < weeks; w++) if ((toolUseSignals(week(rng, 0.6))[0]?.p ?? 1) < 0.05) alarms++;
    // 95% binomial band around 5% for 2,000 weeks is about ±1 point; mid-p runs close to nominal.
    expect(alarms / weeks).toBeGreaterThan(0.03);
    expect(alarms / weeks).toBeLessThan(0.065);
    let hits = 0;
    for (let w = 0; w < 200; w++) if ((toolUseSignals(week(rng, 0.48))[0]?.p ?? 1) < 0.01) hits++;
    expect(hits / 200).toBeGreaterThan(0.9); // 0.96 measured with this seed
  });
});
