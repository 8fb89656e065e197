/**
 * A stand-in of the LangSmith API's v2 run query in its wire format: `X-API-Key` auth, project
 * lookup by name (GET /api/v2/sessions → `{items, next_cursor}`), POST /api/v2/runs/query with
 * `project_ids`, `run_type`, `min_start_time`, `selects` (only the selected fields come back),
 * cursor pagination, and the filter language's functions driftgate sends (`eq`, `has`, `and`,
 * `or`, `not`; `metadata_key`/`metadata_value` pairs inside one `and`). A filter it cannot parse is
 * a 400, as LangSmith answers.
 */
import { FakePlatform, type PlatformRequest } from './fake-platform.js';

export interface FakeRun {
  readonly id: string;
  readonly project: string;
  readonly name: string;
  readonly run_type: string;
  readonly start_time: string;
  readonly trace_id?: string;
  readonly thread_id?: string;
  readonly status?: string;
  readonly error?: string;
  readonly latency_seconds?: number;
  readonly inputs: Record<string, unknown>;
  readonly outputs?: Record<string, unknown>;
  readonly extra?: Record<string, unknown>;
  readonly tags?: readonly string[];
  readonly prompt_tokens?: number;
  readonly completion_tokens?: number;
  readonly prompt_token_details?: Record<string, number>;
  readonly completion_token_details?: Record<string, number>;
  readonly total_cost?: number;
  readonly feedback_stats?: Record<string, unknown>;
}

type Term = { fn: string; args: Arg[] };
type Arg = Term | { ident: string } | { value: string | number };

/** A small recursive-descent reader of LangSmith's filter expressions. */
export function parseFilter(text: string): Term {
  let at = 0;
  const space = () => {
    while (/\s/.test(text[at] ?? '')) at++;
  };
  const arg = (): Arg => {
    space();
    if (text[at] === '"') {
      let end = at + 1;
      while (end < text.length && text[end] !== '"') end += text[end] === '\\' ? 2 : 1;
      const value = JSON.parse(text.slice(at, end + 1)) as string;
      at = end + 1;
      return { value };
    }
    const word = /^[A-Za-z_][A-Za-z0-9_]*|^-?\d+(\.\d+)?/.exec(text.slice(at))?.[0];
    if (!word) throw new Error(`unexpected ${JSON.stringify(text.slice(at, at + 10))}`);
    at += word.length;
    space();
    if (text[at] !== '(') return /^-?\d/.test(word) ? { value: Number(word) } : { ident: word };
    at++;
    const args: Arg[] = [];
    space();
    while (text[at] !== ')') {
      args.push(arg());
      space();
      if (text[at] === ',') at++;
      else if (text[at] !== ')') throw new Error(`expected , or ) at ${at}`);
    }
    at++;
    return { fn: word, args };
  };
  const term = arg();
  space();
  if (!('fn' in term) || at !== text.length) throw new Error('a filter is one function call');
  return term;
}

const FIELDS = new Set(['name', 'tags', 'metadata_key', 'metadata_value', 'status', 'run_type']);

function fieldOf(run: FakeRun, field: string): unknown {
  if (field === 'tags') return run.tags ?? [];
  return (run as unknown as Record<string, unknown>)[field];
}

function holds(run: FakeRun, term: Term): boolean {
  const [first, second] = term.args;
  const field = first && 'ident' in first ? first.ident : undefined;
  const value = second && 'value' in second ? second.value : undefined;
  const metadata = (run.extra?.metadata ?? {}) as Record<string, unknown>;
  switch (term.fn) {
    case 'and': {
      const pair = (name: string) =>
        term.args.find(
          (a): a is Term => 'fn' in a && a.fn === 'eq' && 'ident' in a.args[0]! && a.args[0].ident === name,
        );
      const key = pair('metadata_key');
      const val = pair('metadata_value');
      if (key && val) {
        const k = (key.args[1] as { value: string }).value;
        return metadata[k] === (val.args[1] as { value: string }).value;
      }
      return term.args.every((a) => 'fn' in a && holds(run, a));
    }
    case 'or':
      return term.args.some((a) => 'fn' in a && holds(run, a));
    case 'not':
      return !('fn' in first! && holds(run, first));
    case 'eq':
      if (!field || !FIELDS.has(field)) throw new Error(`unknown field ${field}`);
      return fieldOf(run, field) === value;
    case 'has':
      if (field !== 'tags') throw new Error(`has() on ${field}`);
      return (run.tags ?? []).includes(String(value));
    default:
      throw new Error(`unknown function ${term.fn}`);
  }
}

const SELECT_FIELDS: Record<string, (run: FakeRun) => unknown> = {
  ID: (r) => ({ id: r.id }),
  NAME: (r) => ({ name: r.name }),
  STATUS: (r) => ({ status: r.status ?? 'SUCCESS' }),
  START_TIME: (r) => ({ start_time: r.start_time }),
  END_TIME: () => ({}),
  LATENCY_SECONDS: (r) => ({ latency_seconds: r.latency_seconds }),
  ERROR: (r) => ({ error: r.error }),
  EXTRA: (r) => ({ extra: r.extra }),
  METADATA: (r) => ({ metadata: r.extra?.metadata }),
  INPUTS: (r) => ({ inputs: r.inputs }),
  OUTPUTS: (r) => ({ outputs: r.outputs }),
  TRACE_ID: (r) => ({ trace_id: r.trace_id ?? r.id }),
  THREAD_ID: (r) => ({ thread_id: r.thread_id }),
  PROMPT_TOKENS: (r) => ({ prompt_tokens: r.prompt_tokens }),
  COMPLETION_TOKENS: (r) => ({ completion_tokens: r.completion_tokens }),
  PROMPT_TOKEN_DETAILS: (r) => ({ prompt_token_details: r.prompt_token_details }),
  COMPLETION_TOKEN_DETAILS: (r) => ({ completion_token_details: r.completion_token_details }),
  TOTAL_COST: (r) => ({ total_cost: r.total_cost }),
  TAGS: (r) => ({ tags: r.tags ?? [] }),
  FEEDBACK_STATS: (r) => ({ feedback_stats: r.feedback_stats }),
  LS_USER_ID: () => ({}),
};

export class FakeLangsmith extends FakePlatform {
  runs: FakeRun[] = [];
  readonly projects = new Map([
    ['support-bot', 'f3a2c1d0-0000-4000-8000-000000000001'],
    ['billing-bot', 'f3a2c1d0-0000-4000-8000-000000000002'],
  ]);

  constructor(readonly apiKey = 'lsv2_pt_test0123456789abcdef0123456789_abcdef0123') {
    super(
      (request) => this.answer(request),
      (headers) => headers['x-api-key'] === apiKey,
    );
  }

  /** The bodies of every run query sent. */
  get queries(): Record<string, unknown>[] {
    return this.requests.filter((r) => r.path === '/api/v2/runs/query').map((r) => r.body as Record<string, unknown>);
  }

  private answer(request: PlatformRequest) {
    if (request.method === 'GET' && request.path === '/api/v2/sessions') {
      const name = request.query.get('name');
      const items = [...this.projects]
        .filter(([n]) => name === null || n === name)
        .map(([n, id]) => ({ id, name: n, tenant_id: 't-1' }));
      return { status: 200, json: { items, next_cursor: '' } };
    }
    if (request.method !== 'POST' || request.path !== '/api/v2/runs/query') return undefined;
    const body = request.body as Record<string, unknown>;
    const limit = Number(body.page_size ?? 100);
    const offset = Number(Buffer.from(String(body.cursor ?? 'MA=='), 'base64').toString('utf8'));
    let filter: Term | undefined;
    try {
      filter = typeof body.filter === 'string' ? parseFilter(body.filter) : undefined;
      if (filter) this.runs.slice(0, 1).forEach((run) => holds(run, filter!));
    } catch (err) {
      return { status: 400, json: { detail: `Invalid filter: ${(err as Error).message}` } };
    }
    const projects = new Set(body.project_ids as string[]);
    const since = Date.parse(String(body.min_start_time ?? new Date(Date.now() - 86_400_000).toISOString()));
    const selects = (body.selects as string[] | undefined) ?? ['ID'];
    return {
      page: Math.floor(offset / limit) + 1,
      answer: () => {
        const selected = this.runs.filter(
          (run) =>
            projects.has(this.projects.get(run.project) ?? '') &&
            run.run_type.toUpperCase() === String(body.run_type ?? run.run_type).toUpperCase() &&
            Date.parse(run.start_time) >= since &&
            (!filter || holds(run, filter)),
        );
        const items = selected
          .slice(offset, offset + limit)
          .map((run) => Object.assign({}, ...selects.map((field) => SELECT_FIELDS[field]?.(run) ?? {})) as object);
        const next = offset + limit < selected.length ? Buffer.from(String(offset + limit)).toString('base64') : '';
        return { status: 200, json: { items, next_cursor: next } };
      },
    };
  }
}
