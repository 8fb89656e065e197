/**
 * A normalized log record with personal data and secrets taken out of every text a person wrote or
 * a model answered: the messages (tool arguments and results included), the logged answer, the
 * user and session, feedback comments, the error and the metadata's strings. Ids, times, model ids
 * and tool definitions are the application's own and stay. The messages are redacted as
 * `driftCases` redacts a sampled input, so a redacted record replays as its original would.
 */
import type { NormalizedLog, NormalizedMessage, NormalizedToolCall } from '../sources/normalized-log.js';
import { redact } from './redact.js';

export interface RedactedLog {
  readonly record: NormalizedLog;
  /** Findings per type (`EMAIL`, `SECRET`, …). */
  readonly findings: Readonly<Record<string, number>>;
}

export function redactLog(record: NormalizedLog, kinds: readonly string[]): RedactedLog {
  const findings: Record<string, number> = {};
  const text = (value: string): string => {
    const r = redact(value, kinds);
    for (const f of r.findings) findings[f.type] = (findings[f.type] ?? 0) + 1;
    return r.text;
  };
  const deep = (value: unknown): unknown =>
    typeof value === 'string'
      ? text(value)
      : Array.isArray(value)
        ? value.map(deep)
        : typeof value === 'object' && value !== null
          ? Object.fromEntries(Object.entries(value).map(([k, v]) => [k, deep(v)]))
          : value;
  const calls = (list: readonly NormalizedToolCall[]) =>
    list.map((c) => ({ ...c, function: { ...c.function, arguments: text(c.function.arguments) } }));
  const message = (m: NormalizedMessage): NormalizedMessage => {
    switch (m.role) {
      case 'assistant':
        return {
          ...m,
          content: m.content === null ? null : text(m.content),
          ...(m.tool_calls ? { tool_calls: calls(m.tool_calls) } : {}),
        };
      case 'tool':
        return { ...m, content: text(m.content) };
      default:
        return {
          role: m.role,
          content:
            typeof m.content === 'string'
              ? text(m.content)
              : m.content.map((p) =>
                  p.type === 'text' && typeof p.text === 'string' ? { ...p, text: text(p.text) } : p,
                ),
        };
    }
  };
  const { output, feedback, attributes } = record;
  const redacted: NormalizedLog = {
    ...record,
    input: { ...record.input, messages: record.input.messages.map(message) },
    ...(output
      ? { output: { text: text(output.text), ...(output.tool_calls ? { tool_calls: calls(output.tool_calls) } : {}) } }
      : {}),
    ...(record.user !== undefined ? { user: text(record.user) } : {}),
    ...(record.session !== undefined ? { session: text(record.session) } : {}),
    ...(record.error !== undefined ? { error: text(record.error) } : {}),
    ...(feedback
      ? { feedback: feedback.map((f) => (f.comment === undefined ? f : { ...f, comment: text(f.comment) })) }
      : {}),
    ...(attributes ? { attributes: Object.fromEntries(Object.entries(attributes).map(([k, v]) => [k, deep(v)])) } : {}),
  };
  return { record: redacted, findings };
}
