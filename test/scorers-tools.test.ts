/** The tool-use scorers on hand-made calls: names, arguments, parallel calls, malformed arguments. */
import { describe, expect, it } from 'vitest';
import type { RecordedToolCall } from '../src/conversation/types.js';
import { recordToolCall } from '../src/conversation/types.js';
import { scoreWith } from './support/scoring.js';

const call = (name: string, args: string, id = `call_${name}`): RecordedToolCall =>
  recordToolCall({ id, name, arguments: args });
const withCalls = (...toolCalls: RecordedToolCall[]) => ({ toolCalls, finishReason: 'tool_calls' });

describe('tool-call', () => {
  it('passes on the expected tool with the expected arguments (subset by default), fails naming what differs', async () => {
    const cfg = { type: 'tool-call', tool: 'search_orders', arguments: { email: 'jane@example.com' } };
    expect(
      (await scoreWith(cfg, '', {}, withCalls(call('search_orders', '{"email":"jane@example.com","limit":5}')))).pass,
    ).toBe(true);
    const wrong = await scoreWith(cfg, '', {}, withCalls(call('search_orders', '{"email":"john@example.com"}')));
    expect(wrong).toMatchObject({
      pass: false,
      reason: 'search_orders: email is "john@example.com", expected "jane@example.com"',
    });
    const other = await scoreWith(cfg, '', {}, withCalls(call('refund_order', '{"order_id":"A-1"}')));
    expect(other).toMatchObject({ pass: false, reason: 'no call to search_orders (called refund_order)' });
    const none = await scoreWith(cfg, 'I cannot help.', {}, {});
    expect(none).toMatchObject({ pass: false, reason: 'no tool call (expected search_orders)' });
  });

  it('exact forbids extra arguments; {{var}} fills from the case; {regex} matches a pattern', async () => {
    const exact = { type: 'tool-call', tool: 'search_orders', arguments: { email: '{{email}}' }, match: 'exact' };
    const extra = await scoreWith(
      exact,
      '',
      { email: 'jane@example.com' },
      withCalls(call('search_orders', '{"email":"jane@example.com","limit":5}')),
    );
    expect(extra).toMatchObject({ pass: false, reason: 'search_orders: unexpected limit' });
    expect(
      (
        await scoreWith(
          exact,
          '',
          { email: 'jane@example.com' },
          withCalls(call('search_orders', '{"email":"jane@example.com"}')),
        )
      ).pass,
    ).toBe(true);
    const pattern = { type: 'tool-call', tool: 'refund_order', arguments: { order_id: { regex: '^[A-Z]-\\d+$' } } };
    expect((await scoreWith(pattern, '', {}, withCalls(call('refund_order', '{"order_id":"B-22"}')))).pass).toBe(true);
    expect((await scoreWith(pattern, '', {}, withCalls(call('refund_order', '{"order_id":"b22"}')))).reason).toBe(
      'refund_order: order_id is "b22", expected /^[A-Z]-\\d+$/',
    );
  });

  it('parallel calls in another order still match, one call per expected call', async () => {
    const cfg = {
      type: 'tool-call',
      calls: [
        { tool: 'refund_order', arguments: { order_id: 'A-1' } },
        { tool: 'refund_order', arguments: { order_id: 'B-2' } },
      ],
    };
    const reversed = withCalls(
      call('refund_order', '{"order_id":"B-2"}', 'c1'),
      call('refund_order', '{"order_id":"A-1"}', 'c2'),
    );
    expect((await scoreWith(cfg, '', {}, reversed)).pass).toBe(true);
    // One call cannot stand for two expected ones.
    const once = await scoreWith(cfg, '', {}, withCalls(call('refund_order', '{"order_id":"A-1"}')));
    expect(once).toMatchObject({ pass: false, reason: 'refund_order: order_id is "A-1", expected "B-2"' });
  });

  it('malformed arguments give a failing score with the reason, never a crash', async () => {
    const s = await scoreWith(
      { type: 'tool-call', tool: 'search_orders' },
      '',
      {},
      withCalls(call('search_orders', '{"email": "jane@')),
    );
    expect(s).toMatchObject({
      value: 0,
      pass: false,
      reason: 'search_orders: arguments are not JSON ("{\\"email\\": \\"jane@")',
    });
  });

  it("reads the expected calls from the case's `expected` when the scorer names none", async () => {
    const expected = { tool_calls: [{ tool: 'search_orders', arguments: { email: 'a@b.co' } }] };
    expect(
      (await scoreWith({ type: 'tool-call' }, '', { expected }, withCalls(call('search_orders', '{"email":"a@b.co"}'))))
        .pass,
    ).toBe(true);
    // A ScoringError: the runner turns it into an error score naming the case.
    await expect(
      scoreWith({ type: 'tool-call' }, '', { question: 'q' }, withCalls(call('search_orders', '{}'))),
    ).rejects.toThrow(/case "c1" has no expected tool calls/);
  });

  it('checks the arguments against a JSON Schema', async () => {
    const cfg = {
      type: 'tool-call',
      tool: 'refund_order',
      schema: { type: 'object', properties: { amount: { type: 'number', maximum: 100 } }, required: ['order_id'] },
    };
    expect((await scoreWith(cfg, '', {}, withCalls(call('refund_order', '{"order_id":"A","amount":20}')))).pass).toBe(
      true,
    );
    expect(
      (await scoreWith(cfg, '', {}, withCalls(call('refund_order', '{"order_id":"A","amount":250}')))).reason,
    ).toBe('refund_order: arguments /amount must be <= 100');
  });
});

describe('tool-calls-f1', () => {
  it('is the set F1 of expected vs actual calls: 2·hits / (expected + actual)', async () => {
    const cfg = {
      type: 'tool-calls-f1',
      calls: [{ tool: 'search_orders' }, { tool: 'get_order', arguments: { order_id: 'A-1' } }],
    };
    // Both made plus one extra: 2·2 / (2 + 3) = 0.8.
    const s = await scoreWith(
      cfg,
      '',
      {},
      withCalls(
        call('get_order', '{"order_id":"A-1"}'),
        call('search_orders', '{"email":"x"}'),
        call('refund_order', '{}'),
      ),
    );
    expect(s.value).toBeCloseTo(0.8, 12);
    expect(s.details).toEqual({ precision: 2 / 3, recall: 1 });
    // Wrong arguments on one: 2·1 / (2 + 2) = 0.5; by name only: 1.
    const wrongArgs = withCalls(call('get_order', '{"order_id":"Z-9"}'), call('search_orders', '{}'));
    expect((await scoreWith(cfg, '', {}, wrongArgs)).value).toBeCloseTo(0.5, 12);
    expect((await scoreWith({ ...cfg, arguments: false }, '', {}, wrongArgs)).value).toBe(1);
    expect((await scoreWith(cfg, 'no calls', {}, {})).value).toBe(0);
  });

  it('is 1 when no call was expected and none was made', async () => {
    expect((await scoreWith({ type: 'tool-calls-f1' }, 'hello', { expected: { tool_calls: [] } }, {})).value).toBe(1);
  });
});

describe('no-tool-call, and JSON checks on tool arguments', () => {
  it('no-tool-call passes on a plain answer and fails naming the tool called', async () => {
    expect((await scoreWith({ type: 'no-tool-call' }, 'Hello!', {}, {})).pass).toBe(true);
    expect(await scoreWith({ type: 'no-tool-call' }, '', {}, withCalls(call('search_orders', '{}')))).toMatchObject({
      pass: false,
      reason: 'called search_orders',
    });
  });

  it('is-json and json-schema with of: tool_arguments check every call, malformed ones included', async () => {
    expect(
      (await scoreWith({ type: 'is-json', of: 'tool_arguments' }, 'not json', {}, withCalls(call('a', '{"x":1}'))))
        .pass,
    ).toBe(true);
    expect(
      (
        await scoreWith(
          { type: 'is-json', of: 'tool_arguments' },
          '{}',
          {},
          withCalls(call('a', '{"x":1}'), call('b', '{x:1}')),
        )
      ).reason,
    ).toBe('b: arguments are not valid JSON ("{x:1}")');
    expect((await scoreWith({ type: 'is-json', of: 'tool_arguments' }, '{}', {}, {})).reason).toBe(
      'no tool call to check',
    );
    const schema = { type: 'object', required: ['email'] };
    expect(
      (
        await scoreWith(
          { type: 'json-schema', of: 'tool_arguments', schema },
          '',
          {},
          withCalls(call('s', '{"email":"e"}')),
        )
      ).pass,
    ).toBe(true);
    expect(
      (await scoreWith({ type: 'json-schema', of: 'tool_arguments', schema }, '', {}, withCalls(call('s', '{}'))))
        .reason,
    ).toBe("s: (root) must have required property 'email'");
  });
});

describe('tool-args-valid', () => {
  const tools = [
    {
      name: 'refund_order',
      parameters: {
        type: 'object',
        properties: { order_id: { type: 'string', pattern: '^A-\\d+$' }, amount: { type: 'number' } },
        required: ['order_id'],
        additionalProperties: false,
      },
    },
    {
      name: 'search_orders',
      parameters: { type: 'object', properties: { email: { type: 'string' } }, required: ['email'] },
    },
  ];
  const score = (record: object, config: Record<string, unknown> = {}) =>
    scoreWith({ type: 'tool-args-valid', ...config }, '', {}, record, { tools });

  it("passes when every call fits its own tool's schema, and names the first that does not", async () => {
    expect(
      (
        await score(
          withCalls(call('refund_order', '{"order_id":"A-1","amount":5}'), call('search_orders', '{"email":"a@b.c"}')),
        )
      ).pass,
    ).toBe(true);
    expect(await score(withCalls(call('refund_order', '{"order_id":"B7"}')))).toMatchObject({
      pass: false,
      reason: 'refund_order: arguments /order_id must match pattern "^A-\\d+$"',
    });
    expect(await score(withCalls(call('refund_order', '{"order_id":"A-1","note":"x"}')))).toMatchObject({
      pass: false,
      reason: 'refund_order: arguments (root) must NOT have additional properties',
    });
    expect(await score(withCalls(call('cancel_order', '{}')))).toMatchObject({
      pass: false,
      reason: 'called cancel_order, which the request does not define (refund_order, search_orders)',
    });
    expect(await score(withCalls(call('search_orders', '{"email":')))).toMatchObject({
      pass: false,
      reason: 'search_orders: arguments are not JSON ("{\\"email\\":")',
    });
  });

  it('an answer without calls passes unless require_call', async () => {
    expect((await score({})).pass).toBe(true);
    expect(await score({}, { require_call: true })).toMatchObject({ pass: false, reason: 'no tool call' });
  });
});
