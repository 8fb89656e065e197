/**
 * Keeps secrets out of everything driftgate writes. Every API key the process can read is
 * registered here (the variables a config names, and every variable whose name says it holds a
 * secret), and everything that leaves a call or a scorer — answers, tool arguments, refusals, error
 * messages, reasons — passes through `scrubSecrets` / `scrubDeep` before it reaches the cache, the
 * journal, a report, a PR comment or a log line. The writers (journal, atomic files, terminal
 * output, the Action's comment) scrub once more, so a path that forgot still cannot leak.
 * Provider and judge errors can echo a key (a proxy's 401 page, a misconfigured gateway), so the
 * values themselves are replaced, and common token shapes are masked as a second line of defence.
 */
const known = new Set<string>();
/** Longest first, so a key that contains another registered value is replaced whole. */
let ordered: string[] = [];

export const REDACTED = '[redacted]';

/** Shorter values are too likely to occur in ordinary text to be replaced everywhere. */
const MIN_SECRET_CHARS = 8;

export function registerSecret(value: string | undefined): void {
  if (!value || value.length < MIN_SECRET_CHARS || known.has(value)) return;
  known.add(value);
  ordered = [...known].sort((a, b) => b.length - a.length);
}

/** Variable names that hold credentials by convention (OPENAI_API_KEY, GITHUB_TOKEN, LANGFUSE_SECRET_KEY, …). */
const SECRET_NAME = /(?:^|[_-])(?:API[_-]?KEY|KEY|TOKEN|SECRET|PASSWORD|PASSWD|CREDENTIALS?)(?:[_-]|$)/i;

/** Registers every value of `env` whose variable name says it is a secret, plus the names given. */
export function registerEnvSecrets(env: NodeJS.ProcessEnv, names: Iterable<string> = []): void {
  for (const [name, value] of Object.entries(env)) if (SECRET_NAME.test(name)) registerSecret(value);
  for (const name of names) registerSecret(env[name]);
}

/** The registered values, for masking in another channel (the Actions log's `::add-mask::`). */
export function registeredSecrets(): readonly string[] {
  return ordered;
}

const KEY_SHAPES: readonly RegExp[] = [
  // OpenAI (sk-, sk-proj-, sk-svcacct-) and Anthropic (sk-ant-…) keys
  /\bsk-[A-Za-z0-9_-]{16,}/g,
  // An Authorization header echoed back
  /\b(?:Bearer|bearer|BEARER|Basic|basic)\s+[A-Za-z0-9._~+/=-]{16,}/g,
  // GitHub tokens (classic, OAuth, app, refresh, fine-grained)
  /\bgh[pousr]_[A-Za-z0-9]{30,}/g,
  /\bgithub_pat_[A-Za-z0-9_]{30,}/g,
  // Langfuse keys, Google API keys, AWS access key ids, Slack tokens
  /\b(?:sk|pk)-lf-[A-Za-z0-9-]{16,}/g,
  /\bAIza[0-9A-Za-z_-]{35}/g,
  /\b(?:AKIA|ASIA)[0-9A-Z]{16}\b/g,
  /\bxox[abprs]-[A-Za-z0-9-]{10,}/g,
];
/** x-api-key: … / api_key=… as a proxy echoes request headers or query strings: the name is kept. */
const NAMED_KEY = /\b(x-api-key|api[_-]?key)(["']?\s*[:=]\s*["']?)[A-Za-z0-9._~+/=-]{16,}/gi;

export function scrubSecrets(text: string): string {
  let out = text;
  for (const secret of ordered) if (out.includes(secret)) out = out.split(secret).join(REDACTED);
  for (const shape of KEY_SHAPES) out = out.replace(shape, REDACTED);
  return out.replace(NAMED_KEY, `$1$2${REDACTED}`);
}

/**
 * The same value with every string in it scrubbed (object keys included). Returns the value itself
 * when nothing changed, so the common case allocates nothing.
 */
export function scrubDeep<T>(value: T): T {
  return scrubValue(value, 0) as T;
}

/** Deeper than any record, score or response driftgate makes; deeper input is left as it is. */
const MAX_SCRUB_DEPTH = 64;

function scrubValue(value: unknown, depth: number): unknown {
  if (typeof value === 'string') return scrubSecrets(value);
  if (value === null || typeof value !== 'object' || depth > MAX_SCRUB_DEPTH) return value;
  if (Array.isArray(value)) {
    let changed: unknown[] | undefined;
    value.forEach((item, i) => {
      const next = scrubValue(item, depth + 1);
      if (next !== item) (changed ??= [...value])[i] = next;
    });
    return changed ?? value;
  }
  if (Object.getPrototypeOf(value) !== Object.prototype && Object.getPrototypeOf(value) !== null) return value;
  let changed: Record<string, unknown> | undefined;
  for (const [k, item] of Object.entries(value)) {
    const next = scrubValue(item, depth + 1);
    const key = scrubSecrets(k);
    if (next !== item || key !== k) {
      changed ??= { ...(value as Record<string, unknown>) };
      if (key !== k) delete changed[k];
      changed[key] = next;
    }
  }
  return changed ?? value;
}
