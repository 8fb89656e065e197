/**
 * `driftgate init --from-logs FILE`: a golden dataset drafted from a production log for people to
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

export interface DraftOptions {
  /** Cases to draft (default 50). */
  readonly size?: number;
  readonly format?: PresetName;
}

const REDACT = ['email', 'phone', 'card', 'ip', 'secret'];

export async function draftFromLogs(
  file: string,
  options: DraftOptions = {},
): Promise<{ jsonl: string; cases: number }> {
  const sample = await sampleLogs([path.resolve(file)], {
    mapping: fieldMapping(options.format ?? 'generic'),
    size: options.size ?? 50,
    stratify: 'feature',
    minPerStratum: 2,
    seed: 'driftgate-init',
    maxBadFraction: 0.05,
    reader: readerOf(options.format ?? 'generic'),
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
