/**
 * A local HTTP server that speaks the OpenAI (chat completions, embeddings) and Anthropic
 * (messages) wire formats, so tests and benchmarks run the real SDKs without the internet.
 *
 * Knobs: latency; a token-bucket rate limit answering 429 with `retry-after` and `retry-after-ms`;
 * random 5xx / connection-reset / malformed-body rates (seeded, reproducible); a script of exact
 * behaviours for the next requests; a request counter and log.
 */
import { mulberry32 } from '../../src/stats/rng.js';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { createHash } from 'node:crypto';
import { checkAnthropicMessages, checkOpenAIChat } from './wire-checks.js';
import { FakeBatchApi } from './fake-batch-api.js';

/** A scripted answer that calls tools (with optional text before the calls). */
export interface ToolAnswer {
  readonly text?: string;
  readonly toolCalls: readonly { readonly name: string; readonly arguments: string | Record<string, unknown> }[];
}

export type Answer = string | { refusal: string } | ToolAnswer;

/** Usage details a test plants: prompt-cache reads and writes, reasoning tokens. */
export interface UsageExtras {
  readonly inputTokens?: number;
  readonly outputTokens?: number;
  readonly cachedTokens?: number;
  readonly cacheWriteTokens?: number;
  readonly reasoningTokens?: number;
}

export type Behaviour = 'ok' | '429' | '500' | '503' | 'reset' | 'malformed' | 'hang' | '401-echo';

export interface ChatCall {
  readonly api: 'openai' | 'anthropic';
  readonly model: string;
  /** The messages' text (parts and blocks joined); `body` holds them as sent. */
  readonly messages: { role: string; content: string }[];
  readonly system?: string;
  readonly body: Record<string, unknown>;
}

export interface FakeServerOptions {
  /** Fixed, or drawn per request. */
  latencyMs?: number | (() => number);
  rateLimit?: { requestsPerMinute: number; burst?: number };
  /** Probabilities in [0, 1] per request, drawn from a seeded generator. */
  errorRate?: number;
  resetRate?: number;
  malformedRate?: number;
  seed?: number;
  /**
   * The answer text; default echoes the last user message. `{ refusal }` answers with OpenAI's
   * refusal field (Anthropic: plain text). When the request forces an Anthropic tool, a JSON answer
   * becomes that tool's input, as the real API returns it.
   */
  respond?: (call: ChatCall) => Answer;
  /** Planted usage details (cached input, cache writes, reasoning tokens, exact token counts). */
  usage?: (call: ChatCall) => UsageExtras;
  /** The model id reported back; default: the requested one with `-2024-08-06` appended to undated names. */
  reportedModel?: (requested: string) => string;
  systemFingerprint?: string | null;
  embeddingDimensions?: number;
  /** retry-after for scripted 429s (rate-limit 429s say when the next token arrives). Default 50 ms. */
  retryAfterMs?: number;
}

export interface LoggedRequest {
  readonly path: string;
  readonly headers: IncomingMessage['headers'];
  readonly body: unknown;
  readonly behaviour: Behaviour;
}

export class FakeLlmServer {
  requestCount = 0;
  rateLimited = 0;
  readonly requests: LoggedRequest[] = [];
  private readonly script: Behaviour[] = [];
  private tokens: number;
  private lastRefill = Date.now();
  private rng: () => number;
  private readonly sockets = new Set<Socket>();
  /** OpenAI Batch API and Anthropic Message Batches (fake-batch-api.ts); `batches.configure(...)` sets its knobs. */
  readonly batches = new FakeBatchApi(
    () => this.url,
    (body) => this.openaiChat(body),
    (body) => this.anthropicMessage(body),
  );

  private constructor(
    private readonly server: Server,
    public options: FakeServerOptions,
  ) {
    this.tokens = options.rateLimit ? this.burst() : 0;
    this.rng = mulberry32(options.seed ?? 1);
  }

  static async start(options: FakeServerOptions = {}): Promise<FakeLlmServer> {
    let instance: FakeLlmServer | undefined;
    const server = createServer((req, res) => void instance?.handle(req, res));
    server.keepAliveTimeout = 30_000;
    instance = new FakeLlmServer(server, options);
    server.on('connection', (socket) => {
      instance?.sockets.add(socket);
      socket.on('close', () => instance?.sockets.delete(socket));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return instance;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }
  /** For the openai SDK (its paths start after /v1). */
  get openaiBaseURL(): string {
    return `${this.url}/v1`;
  }
  /** For @anthropic-ai/sdk (it adds /v1 itself). */
  get anthropicBaseURL(): string {
    return this.url;
  }

  /** The next requests behave as listed, in order, before the random knobs apply again. */
  queue(...behaviours: Behaviour[]): void {
    this.script.push(...behaviours);
  }

  configure(options: Partial<FakeServerOptions>): void {
    this.options = { ...this.options, ...options };
    if (options.rateLimit) {
      this.tokens = this.burst();
      this.lastRefill = Date.now();
    }
    if (options.seed !== undefined) this.rng = mulberry32(options.seed);
  }

  resetCounters(): void {
    this.requestCount = 0;
    this.rateLimited = 0;
    this.requests.length = 0;
  }

  async close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private burst(): number {
    const rl = this.options.rateLimit;
    return rl ? (rl.burst ?? Math.max(1, rl.requestsPerMinute / 60)) : 0;
  }

  private takeToken(): number | undefined {
    const rl = this.options.rateLimit;
    if (!rl) return undefined;
    const perMs = rl.requestsPerMinute / 60_000;
    const now = Date.now();
    this.tokens = Math.min(this.burst(), this.tokens + (now - this.lastRefill) * perMs);
    this.lastRefill = now;
    if (this.tokens >= 1) {
      this.tokens -= 1;
      return undefined;
    }
    return (1 - this.tokens) / perMs; // ms until the next token
  }

  private pick(): Behaviour {
    const scripted = this.script.shift();
    if (scripted) return scripted;
    const o = this.options;
    if (o.resetRate && this.rng() < o.resetRate) return 'reset';
    if (o.errorRate && this.rng() < o.errorRate) return '500';
    if (o.malformedRate && this.rng() < o.malformedRate) return 'malformed';
    return 'ok';
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const batchPath = (req.url ?? '').split('?')[0] ?? '';
    if (this.batches.handles(batchPath)) return this.batches.handle(req, res, Buffer.concat(chunks), batchPath);
    let body: Record<string, unknown> = {};
    try {
      body = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as Record<string, unknown>;
    } catch {
      return send(res, 400, { error: { message: 'request body is not JSON', type: 'invalid_request_error' } });
    }
    const path = (req.url ?? '').split('?')[0] ?? '';
    // Out-of-band counters for a server running in another process (benchmarks); not counted.
    if (path === '/__stats') return send(res, 200, { requestCount: this.requestCount, rateLimited: this.rateLimited });
    this.requestCount++;
    const api = path.endsWith('/messages') ? 'anthropic' : 'openai';
    let behaviour = this.pick();
    const wait = behaviour === 'ok' ? this.takeToken() : undefined;
    if (wait !== undefined) behaviour = '429';
    this.requests.push({ path, headers: req.headers, body, behaviour });

    const latency = typeof this.options.latencyMs === 'function' ? this.options.latencyMs() : this.options.latencyMs;
    if (latency) await delay(latency);
    switch (behaviour) {
      case 'hang':
        return; // never answers: the client's timeout must fire
      case 'reset':
        req.socket.destroy();
        return;
      case 'malformed':
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end('{"id": "chatcmpl-broken", "choices": [{"message": ');
        return;
      case '429': {
        this.rateLimited++;
        const ms = Math.max(1, Math.ceil(wait ?? this.options.retryAfterMs ?? 50));
        return send(res, 429, errorBody(api, 'rate_limit', 'Rate limit reached'), {
          'retry-after': String(Math.ceil(ms / 1000)),
          'retry-after-ms': String(ms),
        });
      }
      case '500':
      case '503':
        return send(
          res,
          Number(behaviour),
          errorBody(api, 'server', 'The server had an error processing your request'),
        );
      case '401-echo': {
        // Like a misconfigured gateway that echoes the credential it was given.
        const key = String(req.headers.authorization ?? req.headers['x-api-key'] ?? '');
        return send(res, 401, errorBody(api, 'auth', `Incorrect API key provided: ${key}`));
      }
      case 'ok':
        break;
    }
    if (path.endsWith('/chat/completions')) {
      const out = this.openaiChat(body);
      return send(res, out.status, out.body);
    }
    if (path.endsWith('/embeddings')) return send(res, 200, this.openaiEmbeddings(body));
    if (path.endsWith('/messages')) {
      const out = this.anthropicMessage(body);
      return send(res, out.status, out.body);
    }
    return send(res, 404, errorBody(api, 'not_found', `no route ${path}`));
  }

  private answer(call: ChatCall): Answer {
    if (this.options.respond) return this.options.respond(call);
    const lastUser = [...call.messages].reverse().find((m) => m.role === 'user');
    return `Answer to: ${lastUser?.content ?? ''}`;
  }

  private reported(model: string): string {
    return this.options.reportedModel
      ? this.options.reportedModel(model)
      : /\d{4}-\d{2}-\d{2}$/.test(model)
        ? model
        : `${model}-2024-08-06`;
  }

  private openaiChat(body: Record<string, unknown>): { status: number; body: unknown } {
    const problem = checkOpenAIChat(body);
    if (problem) return { status: 400, body: errorBody('openai', 'bad_request', `Invalid request: ${problem}`) };
    const messages = textView(body.messages);
    const model = String(body.model);
    const call = { api: 'openai' as const, model, messages, body };
    const answer = this.answer(call);
    const extras = this.options.usage?.(call) ?? {};
    const refusal = typeof answer === 'object' && 'refusal' in answer ? answer.refusal : null;
    const calls = typeof answer === 'object' && 'toolCalls' in answer ? answer.toolCalls : [];
    const text = typeof answer === 'string' ? answer : 'refusal' in answer ? answer.refusal : (answer.text ?? '');
    const toolCalls = calls.map((c, i) => ({
      id: `call_${this.requestCount}_${i}`,
      type: 'function',
      function: {
        name: c.name,
        arguments: typeof c.arguments === 'string' ? c.arguments : JSON.stringify(c.arguments),
      },
    }));
    const promptTokens = extras.inputTokens ?? tokens(messages.map((m) => m.content).join(' ')) + 3 * messages.length;
    const completionTokens = extras.outputTokens ?? tokens(text + JSON.stringify(toolCalls));
    const content = refusal !== null ? null : calls.length > 0 && text === '' ? null : text;
    return {
      status: 200,
      body: {
        id: `chatcmpl-${this.requestCount}`,
        object: 'chat.completion',
        created: Math.floor(Date.now() / 1000),
        model: this.reported(model),
        system_fingerprint:
          this.options.systemFingerprint === undefined ? 'fp_test0001' : this.options.systemFingerprint,
        choices: [
          {
            index: 0,
            message: { role: 'assistant', content, refusal, ...(toolCalls.length ? { tool_calls: toolCalls } : {}) },
            logprobs: null,
            finish_reason: toolCalls.length ? 'tool_calls' : 'stop',
          },
        ],
        usage: {
          prompt_tokens: promptTokens,
          completion_tokens: completionTokens,
          total_tokens: promptTokens + completionTokens,
          ...(extras.cachedTokens !== undefined
            ? { prompt_tokens_details: { cached_tokens: extras.cachedTokens, audio_tokens: 0 } }
            : {}),
          ...(extras.reasoningTokens !== undefined
            ? { completion_tokens_details: { reasoning_tokens: extras.reasoningTokens } }
            : {}),
        },
      },
    };
  }

  private anthropicMessage(body: Record<string, unknown>): { status: number; body: unknown } {
    const problem = checkAnthropicMessages(body);
    if (problem) return { status: 400, body: errorBody('anthropic', 'bad_request', problem) };
    const messages = textView(body.messages);
    const model = String(body.model);
    const system = typeof body.system === 'string' ? body.system : undefined;
    const call = { api: 'anthropic' as const, model, messages, ...(system ? { system } : {}), body };
    const answer = this.answer(call);
    const extras = this.options.usage?.(call) ?? {};
    const text = typeof answer === 'string' ? answer : 'refusal' in answer ? answer.refusal : (answer.text ?? '');
    const forcedTool =
      (body.tool_choice as { type?: string; name?: string } | undefined)?.type === 'tool'
        ? (body.tool_choice as { name: string }).name
        : undefined;
    let toolInput: unknown;
    if (forcedTool && typeof answer === 'string') {
      try {
        toolInput = JSON.parse(answer);
      } catch {
        toolInput = undefined; // not JSON: the model "answered in prose", as a refusing model would
      }
    }
    const calls = typeof answer === 'object' && 'toolCalls' in answer ? answer.toolCalls : [];
    const content =
      toolInput !== undefined
        ? [{ type: 'tool_use', id: `toolu_${this.requestCount}`, name: forcedTool, input: toolInput }]
        : [
            ...(text !== '' || calls.length === 0 ? [{ type: 'text', text }] : []),
            ...calls.map((c, i) => ({
              type: 'tool_use',
              id: `toolu_${this.requestCount}_${i}`,
              name: c.name,
              input: typeof c.arguments === 'string' ? JSON.parse(c.arguments) : c.arguments,
            })),
          ];
    const usesTools = toolInput !== undefined || calls.length > 0;
    const allInput = extras.inputTokens ?? tokens([system ?? '', ...messages.map((m) => m.content)].join(' '));
    const read = extras.cachedTokens ?? 0;
    const written = extras.cacheWriteTokens ?? 0;
    return {
      status: 200,
      body: {
        id: `msg_${this.requestCount}`,
        type: 'message',
        role: 'assistant',
        model: this.reported(model),
        content,
        stop_reason: usesTools ? 'tool_use' : 'end_turn',
        stop_sequence: null,
        // As the API counts: input_tokens excludes cache reads and writes.
        usage: {
          input_tokens: allInput - read - written,
          output_tokens: extras.outputTokens ?? tokens(text + JSON.stringify(calls)),
          ...(extras.cachedTokens !== undefined || extras.cacheWriteTokens !== undefined
            ? { cache_read_input_tokens: read, cache_creation_input_tokens: written }
            : {}),
        },
      },
    };
  }

  private openaiEmbeddings(body: Record<string, unknown>): unknown {
    const inputs = Array.isArray(body.input) ? (body.input as string[]) : [String(body.input)];
    const dims = Number(body.dimensions ?? this.options.embeddingDimensions ?? 8);
    const base64 = body.encoding_format === 'base64';
    return {
      object: 'list',
      model: String(body.model),
      data: inputs.map((text, index) => {
        const vector = pseudoEmbedding(text, dims);
        return {
          object: 'embedding',
          index,
          embedding: base64 ? Buffer.from(new Float32Array(vector).buffer).toString('base64') : vector,
        };
      }),
      usage: { prompt_tokens: tokens(inputs.join(' ')), total_tokens: tokens(inputs.join(' ')) },
    };
  }
}

function errorBody(api: 'openai' | 'anthropic', kind: string, message: string): unknown {
  const type =
    {
      rate_limit: 'rate_limit_error',
      server: 'api_error',
      auth: 'authentication_error',
      not_found: 'not_found_error',
      bad_request: 'invalid_request_error',
    }[kind] ?? 'api_error';
  return api === 'anthropic' ? { type: 'error', error: { type, message } } : { error: { message, type, code: null } };
}

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

function textView(raw: unknown): ChatCall['messages'] {
  return Array.isArray(raw)
    ? raw.map((m: { role?: unknown; content?: unknown }) => ({
        role: String(m?.role),
        content: contentText(m?.content),
      }))
    : [];
}

/** The text of a message's content as sent (a string, or parts/blocks with text). */
export function contentText(content: unknown): string {
  if (typeof content === 'string') return content;
  if (Array.isArray(content))
    return content
      .map((p) =>
        p && typeof p === 'object' && typeof (p as { text?: unknown }).text === 'string'
          ? (p as { text: string }).text
          : '',
      )
      .join('');
  return '';
}

const tokens = (text: string): number => Math.max(1, Math.ceil(text.length / 4));
const delay = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** A unit vector derived from the text's hash: identical texts embed identically. */
function pseudoEmbedding(text: string, dims: number): number[] {
  const out: number[] = [];
  let block = createHash('sha256').update(text).digest();
  for (let i = 0; i < dims; i++) {
    if (i > 0 && i % 8 === 0) block = createHash('sha256').update(block).digest();
    out.push(block.readInt32LE((i % 8) * 4) / 2 ** 31);
  }
  const norm = Math.hypot(...out) || 1;
  return out.map((v) => v / norm);
}
