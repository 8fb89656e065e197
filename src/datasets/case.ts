/**
 * A case: one input plus optional reference, tags and metadata (SPEC "Vocabulary").
 *
 * Record shape (JSONL / JSON item / CSV row): `id`, `expected`, `tags`, `metadata`, `messages`,
 * `vars`, `human_score` and `human_pass` are reserved; when `vars` is absent every other field is a
 * template variable.
 */
import { DatasetError, locate } from '../errors.js';
import { canonicalHash } from '../util/hash.js';
import { parseMessages } from '../conversation/parse.js';
import type { ChatMessage } from '../conversation/types.js';

export interface Case {
  /** Stable identity: the record's `id`, else `h-` + 12 hex of the input hash. */
  readonly id: string;
  readonly file: string;
  readonly line: number;
  readonly vars: Readonly<Record<string, unknown>>;
  readonly messages?: readonly ChatMessage[];
  readonly expected?: unknown;
  readonly tags: readonly string[];
  readonly metadata: Readonly<Record<string, unknown>>;
  /** Hash of what is sent (vars and messages); a baseline uses it to spot edited cases. */
  readonly inputHash: string;
  /** Human labels for judge calibration (`human_score`, `human_pass`); not part of the input. */
  readonly labels: { readonly humanScore?: number; readonly humanPass?: boolean };
  /**
   * The case's own `tools`, `tool_choice` and `response_format` as written; read and checked with
   * the suite's (which they override) when the suite is prepared, where ajv is at hand.
   */
  readonly requestOptions?: Readonly<Record<string, unknown>>;
}

const RESERVED = new Set([
  'id',
  'expected',
  'tags',
  'metadata',
  'messages',
  'vars',
  'human_score',
  'human_pass',
  'tools',
  'tool_choice',
  'response_format',
]);
const OPTION_FIELDS = ['tools', 'tool_choice', 'response_format'] as const;

// Most cases have no tags, metadata or labels: one frozen empty value serves them all (a
// 100,000-case suite would otherwise hold 300,000 empty objects).
const NO_TAGS: readonly string[] = Object.freeze([]);
const NO_METADATA: Readonly<Record<string, unknown>> = Object.freeze({});
const NO_LABELS: Case['labels'] = Object.freeze({});

export function toCase(record: unknown, file: string, line: number): Case {
  const fail = (field: string | undefined, message: string): never => {
    throw new DatasetError(locate(file, line, field, message));
  };
  if (record === null || typeof record !== 'object' || Array.isArray(record)) {
    return fail(
      undefined,
      `expected an object per case, got ${Array.isArray(record) ? 'a list' : JSON.stringify(record)}`,
    );
  }
  const r = record as Record<string, unknown>;

  let vars: Record<string, unknown>;
  if (r.vars !== undefined) {
    if (r.vars === null || typeof r.vars !== 'object' || Array.isArray(r.vars))
      return fail('vars', 'expected an object of template variables');
    vars = { ...(r.vars as Record<string, unknown>) };
  } else {
    vars = Object.fromEntries(Object.entries(r).filter(([k]) => !RESERVED.has(k)));
  }

  const messages: ChatMessage[] | undefined =
    r.messages !== undefined ? parseMessages(r.messages, 'messages', fail) : undefined;
  const options = OPTION_FIELDS.filter((k) => r[k] !== undefined && r[k] !== null);
  const requestOptions = options.length > 0 ? Object.fromEntries(options.map((k) => [k, r[k]])) : undefined;

  let tags: readonly string[] = NO_TAGS;
  if (typeof r.tags === 'string')
    tags = r.tags
      .split(/[,;|]/)
      .map((t) => t.trim())
      .filter(Boolean);
  else if (Array.isArray(r.tags) && r.tags.every((t) => typeof t === 'string')) tags = r.tags as string[];
  else if (r.tags !== undefined && r.tags !== null)
    return fail('tags', 'expected a list of strings or a comma-separated string');

  let metadata: Readonly<Record<string, unknown>> = NO_METADATA;
  if (r.metadata !== undefined && r.metadata !== null) {
    if (typeof r.metadata !== 'object' || Array.isArray(r.metadata)) return fail('metadata', 'expected an object');
    metadata = r.metadata as Record<string, unknown>;
  }

  const labels: { humanScore?: number; humanPass?: boolean } = {};
  const hasLabels = () => labels.humanScore !== undefined || labels.humanPass !== undefined;
  if (r.human_score !== undefined && r.human_score !== null && r.human_score !== '') {
    const score = Number(r.human_score);
    if (!Number.isFinite(score)) return fail('human_score', `expected a number, got ${JSON.stringify(r.human_score)}`);
    labels.humanScore = score;
  }
  if (r.human_pass !== undefined && r.human_pass !== null && r.human_pass !== '') {
    const text = String(r.human_pass).toLowerCase();
    if (['true', '1', 'yes', 'pass'].includes(text)) labels.humanPass = true;
    else if (['false', '0', 'no', 'fail'].includes(text)) labels.humanPass = false;
    else return fail('human_pass', `expected true or false, got ${JSON.stringify(r.human_pass)}`);
  }

  const inputHash = canonicalHash({ vars, messages, requestOptions });
  let id: string;
  if (r.id === undefined || r.id === null || r.id === '') id = `h-${inputHash.slice(0, 12)}`;
  else if (typeof r.id === 'string' || typeof r.id === 'number') id = String(r.id);
  else return fail('id', 'expected a string or a number');

  return {
    id,
    file,
    line,
    vars,
    ...(messages ? { messages } : {}),
    ...(r.expected !== undefined ? { expected: r.expected } : {}),
    tags,
    metadata,
    inputHash,
    labels: hasLabels() ? labels : NO_LABELS,
    ...(requestOptions ? { requestOptions } : {}),
  };
}
