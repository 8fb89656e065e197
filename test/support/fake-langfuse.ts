/**
 * A stand-in of the Langfuse public API's v2 observations listing (GET /api/public/v2/observations)
 * in its wire format: Basic auth with the project's key pair, cursor pagination (`meta.cursor`,
 * base64), `limit`, the JSON `filter` language for the columns driftgate sends (an unknown column
 * is a 400, as Langfuse answers), input/output/metadata as raw strings as v2 returns them.
 */
import { FakePlatform, type PlatformRequest } from './fake-platform.js';

export interface FakeObservation {
  readonly id: string;
  readonly traceId: string;
  readonly type: string;
  readonly name: string;
  readonly traceName?: string;
  readonly traceTags?: readonly string[];
  readonly startTime: string;
  readonly endTime?: string;
  readonly userId?: string;
  readonly sessionId?: string;
  readonly environment?: string;
  readonly model?: string;
  readonly version?: string;
  readonly level?: string;
  readonly statusMessage?: string;
  readonly input: unknown;
  readonly output?: unknown;
  readonly metadata?: Record<string, unknown>;
  readonly usageDetails?: Record<string, number>;
  readonly costDetails?: Record<string, number>;
  readonly totalCost?: number;
  readonly promptName?: string;
  readonly promptVersion?: number;
}

export interface FakeScore {
  readonly id: string;
  readonly observationId?: string;
  readonly traceId: string;
  readonly name: string;
  readonly dataType: 'NUMERIC' | 'BOOLEAN' | 'CATEGORICAL' | 'TEXT';
  readonly value?: number;
  readonly stringValue?: string;
  readonly source: 'API' | 'EVAL' | 'ANNOTATION';
  readonly comment?: string;
}

type Condition = { type: string; column: string; operator: string; value: unknown; key?: string };

const COLUMNS: Record<string, (o: FakeObservation) => unknown> = {
  type: (o) => o.type,
  name: (o) => o.name,
  traceName: (o) => o.traceName,
  userId: (o) => o.userId,
  sessionId: (o) => o.sessionId,
  environment: (o) => o.environment ?? 'default',
  model: (o) => o.model,
  version: (o) => o.version,
  startTime: (o) => o.startTime,
  traceTags: (o) => o.traceTags ?? [],
  metadata: (o) => o.metadata ?? {},
};

function matches(o: FakeObservation, c: Condition): boolean {
  const value = COLUMNS[c.column]?.(o);
  switch (`${c.type} ${c.operator}`) {
    case 'string =':
      return value === c.value;
    case 'stringOptions any of':
      return (c.value as string[]).includes(String(value));
    case 'arrayOptions all of':
      return (c.value as string[]).every((t) => (value as string[]).includes(t));
    case 'stringObject =':
      return String((value as Record<string, unknown>)[c.key ?? '']) === c.value;
    case 'datetime >=':
      return Date.parse(String(value)) >= Date.parse(String(c.value));
    default:
      throw new Error(`unsupported condition ${c.type} ${c.operator}`);
  }
}

const raw = (v: unknown) => (v === undefined ? undefined : typeof v === 'string' ? v : JSON.stringify(v));

export class FakeLangfuse extends FakePlatform {
  observations: FakeObservation[] = [];
  scores: FakeScore[] = [];

  constructor(readonly keys = { publicKey: 'pk-lf-test-0123456789abcdef', secretKey: 'sk-lf-test-fedcba9876543210' }) {
    super(
      (request) => this.answer(request),
      (headers) =>
        headers.authorization === `Basic ${Buffer.from(`${keys.publicKey}:${keys.secretKey}`).toString('base64')}`,
    );
  }

  /** The filters each listing request sent, parsed. */
  get filters(): Condition[][] {
    return this.requests
      .filter((r) => r.path === '/api/public/v2/observations')
      .map((r) => JSON.parse(r.query.get('filter') ?? '[]') as Condition[]);
  }

  private answer(request: PlatformRequest) {
    if (request.method === 'GET' && request.path === '/api/public/v2/scores') return this.scoresPage(request);
    if (request.method !== 'GET' || request.path !== '/api/public/v2/observations') return undefined;
    const limit = Number(request.query.get('limit') ?? 50);
    const offset = Number(Buffer.from(request.query.get('cursor') ?? 'MA==', 'base64').toString('utf8'));
    let conditions: Condition[];
    try {
      conditions = JSON.parse(request.query.get('filter') ?? '[]') as Condition[];
    } catch {
      return { status: 400, json: { message: 'Invalid filter' } };
    }
    const unknown = conditions.find((c) => !(c.column in COLUMNS));
    if (unknown) return { status: 400, json: { message: `Invalid filter column: ${unknown.column}` } };
    return {
      page: Math.floor(offset / limit) + 1,
      answer: () => {
        const selected = this.observations.filter((o) => conditions.every((c) => matches(o, c)));
        const data = selected.slice(offset, offset + limit).map((o) => ({
          ...o,
          projectId: 'project-1',
          parentObservationId: null,
          input: raw(o.input),
          output: raw(o.output),
          metadata: raw(o.metadata),
          modelId: null,
          inputPrice: null,
          outputPrice: null,
          totalPrice: null,
        }));
        const next =
          offset + limit < selected.length ? Buffer.from(String(offset + limit)).toString('base64') : undefined;
        return { status: 200, json: { data, meta: next ? { cursor: next } : {} } };
      },
    };
  }

  /** GET /api/public/v2/scores: `observationId` a comma-separated list, page-number pagination. */
  private scoresPage(request: PlatformRequest) {
    const limit = Number(request.query.get('limit') ?? 50);
    if (limit > 100) return { status: 400, json: { message: 'limit must be at most 100' } };
    const page = Number(request.query.get('page') ?? 1);
    const ids = new Set((request.query.get('observationId') ?? '').split(',').filter(Boolean));
    const matching = this.scores.filter((s) => ids.size === 0 || (s.observationId && ids.has(s.observationId)));
    const data = matching.slice((page - 1) * limit, page * limit).map((s) => ({
      timestamp: '2026-11-25T10:00:00.000Z',
      createdAt: '2026-11-25T10:00:00.000Z',
      updatedAt: '2026-11-25T10:00:00.000Z',
      authorUserId: null,
      configId: null,
      queueId: null,
      environment: 'default',
      observationId: null,
      comment: null,
      ...s,
    }));
    return {
      status: 200,
      json: {
        data,
        meta: { page, limit, totalItems: matching.length, totalPages: Math.ceil(matching.length / limit) },
      },
    };
  }
}
