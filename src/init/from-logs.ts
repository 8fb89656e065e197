/**
 * `driftgate init --from-logs FILE|SOURCE`: a golden dataset drafted from a production log (a file,
 * or a week of a platform source) for people to
 * label — a stratified sample (the drift job's bottom-k sampler, by the `feature` field when the log
 * has one), redacted before it is written, one case per distinct input with an empty `expected`
 * and, as a hint, the answer the log recorded.
 */
import { messageText } from '../conversation/types.js';
import { redactMessage } from '../drift/drift-plan.js';
import path from 'node:path';
import { fieldMapping, readerOf, type PresetName } from '../sources/log-fields.js';
import { redact } from '../drift/redact.js';
import { sampleLogs } from '../drift/sample-logs.js';
import type { LogOrigin } from '../sources/log-origin.js';

export interface DraftOptions {
  /** Cases to draft (default 50). */
  readonly size?: number;
  readonly format?: PresetName;
  /** The window a source is read for (files are read whole). */
  readonly since?: Date;
}

const REDACT = ['email', 'phone', 'card', 'ip', 'secret'];

/** A log file, or an opened platform source (whose records are normalized). */
export async function draftFromLogs(
  from: string | LogOrigin,
  options: DraftOptions = {},
): Promise<{ jsonl: string; cases: number }> {
  const format = typeof from === 'string' ? (options.format ?? 'generic') : 'normalized';
  const sample = await sampleLogs([typeof from === 'string' ? path.resolve(from) : from], {
    mapping: fieldMapping(format),
    size: options.size ?? 50,
    stratify: 'feature',
    minPerStratum: 2,
    seed: 'driftgate-init',
    maxBadFraction: 0.05,
    reader: readerOf(format),
    ...(options.since ? { since: options.since } : {}),
  });
  const lines = sample.items.map((item) => {
    // A conversation with tools, tool results or images is kept whole, as the case's messages.
    if (
      item.options ||
      item.input.some(
        (m) => m.role === 'tool' || (m.role === 'assistant' && m.toolCalls?.length) || typeof m.content !== 'string',
      )
    ) {
      return JSON.stringify({
        id: `log-${item.inputKey.slice(0, 12)}`,
        messages: item.input.map((m) => redactMessage(m, (text) => redact(text, REDACT).text)),
        ...(item.options ?? {}),
        expected: '',
        metadata: { stratum: item.stratum, source: `${path.basename(item.file)}:${item.line}` },
      });
    }
    const lastUser =
      [...item.input].reverse().find((m) => m.role !== 'assistant' && m.role !== 'system') ?? item.input.at(-1);
    const earlier = item.input
      .filter((m) => m !== lastUser)
      .map((m) => `${m.role}: ${redact(messageText(m), REDACT).text}`);
    return JSON.stringify({
      id: `log-${item.inputKey.slice(0, 12)}`,
      input: redact(lastUser ? messageText(lastUser) : '', REDACT).text,
      expected: '',
      metadata: {
        stratum: item.stratum,
        source: `${path.basename(item.file)}:${item.line}`,
        ...(item.output !== undefined ? { logged_answer: redact(item.output, REDACT).text } : {}),
        ...(earlier.length ? { earlier_messages: earlier } : {}),
      },
    });
  });
  return { jsonl: `${lines.join('\n')}\n`, cases: lines.length };
}
