/**
 * A stand-in of OpenAI's stored chat completions in its wire format: GET /v1/chat/completions
 * (cursor `after`, `limit`, `order`, `model`, `metadata[key]=value`, `{ object: list, data,
 * has_more, first_id, last_id }`) and GET /v1/chat/completions/{id}/messages. Bearer auth.
 */
import { FakePlatform, type PlatformRequest } from './fake-platform.js';

export interface StoredCompletion {
  readonly id: string;
  readonly created: number;
  readonly model: string;
  readonly metadata?: Record<string, string>;
  readonly messages: readonly Record<string, unknown>[];
  readonly message: Record<string, unknown>;
  readonly usage?: Record<string, unknown>;
  readonly system_fingerprint?: string;
  readonly finish_reason?: string;
}

export class FakeOpenaiStored extends FakePlatform {
  completions: StoredCompletion[] = [];

  constructor(readonly apiKey = 'sk-test-stored-0123456789abcdef') {
    super(
      (request) => this.answer(request),
      (headers) => headers.authorization === `Bearer ${apiKey}`,
    );
  }

  private answer(request: PlatformRequest) {
    if (request.method !== 'GET') return undefined;
    const messages = /^\/v1\/chat\/completions\/([^/]+)\/messages$/.exec(request.path);
    if (messages) {
      const found = this.completions.find((c) => c.id === decodeURIComponent(messages[1] ?? ''));
      if (!found) return { status: 404, json: { error: { message: 'not found' } } };
      const data = found.messages.map((m, i) => ({ id: `${found.id}-${i}`, ...m }));
      return {
        status: 200,
        json: { object: 'list', data, has_more: false, first_id: data[0]?.id, last_id: data.at(-1)?.id },
      };
    }
    if (request.path !== '/v1/chat/completions') return undefined;
    const limit = Number(request.query.get('limit') ?? 20);
    const order = request.query.get('order') ?? 'asc';
    const model = request.query.get('model');
    const metadata = [...request.query.entries()].flatMap(([k, v]) => {
      const m = /^metadata\[(.+)\]$/.exec(k);
      return m ? [[m[1] ?? '', v] as const] : [];
    });
    const selected = this.completions
      .filter((c) => (model ? c.model.startsWith(model) : true))
      .filter((c) => metadata.every(([k, v]) => c.metadata?.[k] === v))
      .sort((a, b) => (order === 'desc' ? b.created - a.created : a.created - b.created));
    const after = request.query.get('after');
    const start = after ? selected.findIndex((c) => c.id === after) + 1 : 0;
    return {
      page: Math.floor(start / limit) + 1,
      answer: () => {
        const data = selected.slice(start, start + limit).map((c) => ({
          id: c.id,
          object: 'chat.completion',
          created: c.created,
          model: c.model,
          metadata: c.metadata ?? {},
          system_fingerprint: c.system_fingerprint ?? null,
          choices: [{ index: 0, message: c.message, finish_reason: c.finish_reason ?? 'stop', logprobs: null }],
          usage: c.usage ?? null,
        }));
        return {
          status: 200,
          json: {
            object: 'list',
            data,
            has_more: start + limit < selected.length,
            first_id: data[0]?.id ?? null,
            last_id: data.at(-1)?.id ?? null,
          },
        };
      },
    };
  }
}
