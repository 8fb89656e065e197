/**
 * The batch endpoints of the local test server: OpenAI's Files + Batch API (multipart JSONL upload,
 * batch create and retrieve, output and error files) and Anthropic's Message Batches (create,
 * retrieve, JSONL results at `results_url`). Each request of a batch is answered by the server's own
 * chat handler, so a batch answer is exactly what the online call would have returned.
 *
 * Knobs: polls before a batch ends; a seeded share of requests that fail; expiry (nothing answered).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { mulberry32 } from '../../src/stats/rng.js';

export interface BatchOptions {
  /** Retrievals that still say "in progress" before a batch ends (default 1). */
  readonly pollsUntilDone?: number;
  /** Share of a batch's requests that fail (seeded, reproducible). */
  readonly failRate?: number;
  /** The batch expires: no request is answered. */
  readonly expire?: boolean;
  readonly seed?: number;
}

type Answerer = (body: Record<string, unknown>) => { status: number; body: unknown };

interface BatchState {
  readonly id: string;
  readonly requests: { custom_id: string; body: Record<string, unknown> }[];
  polls: number;
  ended: boolean;
  readonly createdAt: number;
  output?: string;
  errors?: string;
  counts: { succeeded: number; failed: number; expired: number };
}

export class FakeBatchApi {
  /** Batches created, per API: a resumed run must not create a second one. */
  readonly created = { openai: 0, anthropic: 0 };
  /** Requests answered inside batches. */
  answered = 0;
  options: BatchOptions = {};
  private readonly files = new Map<string, string>();
  private readonly batches = new Map<string, BatchState & { api: 'openai' | 'anthropic'; inputFileId?: string }>();
  private rng = mulberry32(7);
  private next = 0;

  constructor(
    private readonly baseUrl: () => string,
    private readonly openaiChat: Answerer,
    private readonly anthropicMessage: Answerer,
  ) {}

  configure(options: BatchOptions): void {
    this.options = { ...this.options, ...options };
    if (options.seed !== undefined) this.rng = mulberry32(options.seed);
  }

  /** True when the path is a batch endpoint (and the response was sent). */
  handles(path: string): boolean {
    return /\/v1\/(files|batches)(\/|$)/.test(path) || /\/v1\/messages\/batches(\/|$)/.test(path);
  }

  async handle(req: IncomingMessage, res: ServerResponse, raw: Buffer, path: string): Promise<void> {
    const method = req.method ?? 'GET';
    let m: RegExpMatchArray | null;
    if (method === 'POST' && /\/v1\/files$/.test(path)) return this.upload(req, res, raw);
    if (method === 'GET' && (m = path.match(/\/v1\/files\/([^/]+)\/content$/))) {
      const text = this.files.get(m[1] as string);
      if (text === undefined)
        return json(res, 404, { error: { message: 'no such file', type: 'invalid_request_error' } });
      res.writeHead(200, { 'content-type': 'application/octet-stream' });
      res.end(text);
      return;
    }
    if (method === 'POST' && /\/v1\/batches$/.test(path)) {
      const body = JSON.parse(raw.toString('utf8')) as { input_file_id: string; endpoint: string };
      const input = this.files.get(body.input_file_id);
      if (input === undefined)
        return json(res, 400, { error: { message: `no file ${body.input_file_id}`, type: 'invalid_request_error' } });
      const requests = input
        .split('\n')
        .filter((l) => l.trim())
        .map((l) => JSON.parse(l) as { custom_id: string; body: Record<string, unknown> });
      const state = this.newBatch('openai', `batch_${++this.next}`, requests, body.input_file_id);
      this.created.openai++;
      return json(res, 200, this.openaiView(state));
    }
    if (method === 'GET' && (m = path.match(/\/v1\/batches\/([^/]+)$/))) {
      const state = this.batches.get(m[1] as string);
      if (!state) return json(res, 404, { error: { message: 'no such batch', type: 'invalid_request_error' } });
      this.poll(state);
      return json(res, 200, this.openaiView(state));
    }
    if (method === 'POST' && /\/v1\/messages\/batches$/.test(path)) {
      const body = JSON.parse(raw.toString('utf8')) as {
        requests: { custom_id: string; params: Record<string, unknown> }[];
      };
      const state = this.newBatch(
        'anthropic',
        `msgbatch_${++this.next}`,
        body.requests.map((r) => ({ custom_id: r.custom_id, body: r.params })),
      );
      this.created.anthropic++;
      return json(res, 200, this.anthropicView(state));
    }
    if (method === 'GET' && (m = path.match(/\/v1\/messages\/batches\/([^/]+)\/results$/))) {
      const state = this.batches.get(m[1] as string);
      if (!state?.ended)
        return json(res, 404, { type: 'error', error: { type: 'not_found_error', message: 'results not ready' } });
      res.writeHead(200, { 'content-type': 'application/binary' });
      res.end(state.output);
      return;
    }
    if (method === 'GET' && (m = path.match(/\/v1\/messages\/batches\/([^/]+)$/))) {
      const state = this.batches.get(m[1] as string);
      if (!state)
        return json(res, 404, { type: 'error', error: { type: 'not_found_error', message: 'no such batch' } });
      this.poll(state);
      return json(res, 200, this.anthropicView(state));
    }
    return json(res, 404, { error: { message: `no batch route ${method} ${path}`, type: 'invalid_request_error' } });
  }

  private upload(req: IncomingMessage, res: ServerResponse, raw: Buffer): void {
    const boundary = /boundary=(?:"([^"]+)"|([^;]+))/.exec(String(req.headers['content-type'] ?? ''));
    const mark = `--${boundary?.[1] ?? boundary?.[2] ?? ''}`;
    const parts = raw.toString('utf8').split(mark);
    const filePart = parts.find((p) => /name="file"/.test(p));
    if (!boundary || !filePart)
      return json(res, 400, {
        error: { message: 'expected a multipart upload with a file part', type: 'invalid_request_error' },
      });
    const content = filePart.slice(filePart.indexOf('\r\n\r\n') + 4).replace(/\r\n$/, '');
    const id = `file-${++this.next}`;
    this.files.set(id, content);
    json(res, 200, {
      id,
      object: 'file',
      bytes: Buffer.byteLength(content),
      created_at: Math.floor(Date.now() / 1000),
      filename: 'batch.jsonl',
      purpose: 'batch',
      status: 'processed',
    });
  }

  private newBatch(api: 'openai' | 'anthropic', id: string, requests: BatchState['requests'], inputFileId?: string) {
    const state = {
      api,
      id,
      requests,
      polls: 0,
      ended: false,
      createdAt: Math.floor(Date.now() / 1000),
      counts: { succeeded: 0, failed: 0, expired: 0 },
      ...(inputFileId ? { inputFileId } : {}),
    };
    this.batches.set(id, state);
    return state;
  }

  /** Every retrieval counts; at `pollsUntilDone` the batch runs all its requests and ends. */
  private poll(state: BatchState & { api: 'openai' | 'anthropic' }): void {
    if (state.ended) return;
    state.polls++;
    if (state.polls < (this.options.pollsUntilDone ?? 1)) return;
    const out: string[] = [];
    const errors: string[] = [];
    for (const r of state.requests) {
      if (this.options.expire) {
        state.counts.expired++;
        if (state.api === 'openai')
          errors.push(
            JSON.stringify({
              id: `req_${r.custom_id}`,
              custom_id: r.custom_id,
              response: null,
              error: {
                code: 'batch_expired',
                message: 'This request could not be executed before the completion window expired.',
              },
            }),
          );
        else out.push(JSON.stringify({ custom_id: r.custom_id, result: { type: 'expired' } }));
        continue;
      }
      const failed = (this.options.failRate ?? 0) > 0 && this.rng() < (this.options.failRate ?? 0);
      if (failed) {
        state.counts.failed++;
        if (state.api === 'openai')
          errors.push(
            JSON.stringify({
              id: `req_${r.custom_id}`,
              custom_id: r.custom_id,
              response: {
                status_code: 500,
                request_id: `req_${r.custom_id}`,
                body: { error: { message: 'The server had an error processing your request', type: 'server_error' } },
              },
              error: null,
            }),
          );
        else
          out.push(
            JSON.stringify({
              custom_id: r.custom_id,
              result: {
                type: 'errored',
                error: { type: 'error', error: { type: 'api_error', message: 'Internal server error' } },
              },
            }),
          );
        continue;
      }
      this.answered++;
      if (state.api === 'openai') {
        const answer = this.openaiChat(r.body);
        out.push(
          JSON.stringify({
            id: `req_${r.custom_id}`,
            custom_id: r.custom_id,
            response: { status_code: answer.status, request_id: `req_${r.custom_id}`, body: answer.body },
            error: null,
          }),
        );
      } else {
        const answer = this.anthropicMessage(r.body);
        out.push(
          JSON.stringify({
            custom_id: r.custom_id,
            result:
              answer.status === 200
                ? { type: 'succeeded', message: answer.body }
                : { type: 'errored', error: answer.body },
          }),
        );
      }
      state.counts.succeeded++;
    }
    state.ended = true;
    state.output = out.join('\n') + (out.length ? '\n' : '');
    state.errors = errors.join('\n') + (errors.length ? '\n' : '');
    if (state.api === 'openai') {
      if (out.length) this.files.set(`${state.id}-output`, state.output);
      if (errors.length) this.files.set(`${state.id}-errors`, state.errors);
    }
  }

  private openaiView(s: BatchState & { inputFileId?: string }): unknown {
    const status = !s.ended
      ? s.polls === 0
        ? 'validating'
        : 'in_progress'
      : this.options.expire
        ? 'expired'
        : 'completed';
    return {
      id: s.id,
      object: 'batch',
      endpoint: '/v1/chat/completions',
      errors: null,
      input_file_id: s.inputFileId,
      completion_window: '24h',
      status,
      output_file_id: s.ended && s.counts.succeeded > 0 ? `${s.id}-output` : null,
      error_file_id: s.ended && s.counts.failed + s.counts.expired > 0 ? `${s.id}-errors` : null,
      created_at: s.createdAt,
      completed_at: s.ended ? Math.floor(Date.now() / 1000) : null,
      request_counts: {
        total: s.requests.length,
        completed: s.counts.succeeded,
        failed: s.counts.failed + s.counts.expired,
      },
    };
  }

  private anthropicView(s: BatchState): unknown {
    return {
      id: s.id,
      type: 'message_batch',
      processing_status: s.ended ? 'ended' : 'in_progress',
      request_counts: {
        processing: s.ended ? 0 : s.requests.length,
        succeeded: s.counts.succeeded,
        errored: s.counts.failed,
        canceled: 0,
        expired: s.counts.expired,
      },
      ended_at: s.ended ? new Date().toISOString() : null,
      created_at: new Date(s.createdAt * 1000).toISOString(),
      expires_at: new Date(s.createdAt * 1000 + 86_400_000).toISOString(),
      archived_at: null,
      cancel_initiated_at: null,
      results_url: s.ended ? `${this.baseUrl()}/v1/messages/batches/${s.id}/results` : null,
    };
  }
}

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}
