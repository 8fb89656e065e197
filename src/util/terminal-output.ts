/**
 * What driftgate prints passes through one filter: secrets scrubbed, and every control character
 * but newline and tab removed (escape sequences whole). A case id, a model's answer or a judge's
 * error can carry ESC/OSC sequences — retitling the terminal, hiding lines, planting a hyperlink —
 * and text from a model is never trusted to drive the terminal. The progress bar, driftgate's own
 * text, draws its `\r` and erase-line codes through `writeRaw`, which only scrubs.
 */
import { scrubSecrets } from './secrets.js';

// CSI (ESC [ … final), OSC (ESC ] … BEL or ESC \), other two-byte ESC sequences, then lone controls (C0 but \t \n, DEL, C1).
const CSI = /\u001b\[[0-?]*[ -/]*[@-~]?/g;
const OSC = /\u001b\][^\u0007\u001b]*(?:\u0007|\u001b\\)?/g;
const ESC_PAIR = /\u001b[@-_]?/g;

const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g;

/** The text as it may reach a terminal: no control sequences, no secrets. */
export function cleanForTerminal(text: string): string {
  const scrubbed = scrubSecrets(text);

  if (!/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/.test(scrubbed)) return scrubbed;
  return scrubbed.replace(OSC, '').replace(CSI, '').replace(ESC_PAIR, '').replace(CONTROL, '');
}

type Write = NodeJS.WriteStream['write'];
const originals = new WeakMap<NodeJS.WriteStream, Write>();

/**
 * In a GitHub Actions log a line that starts with `::` is a workflow command. @actions/core writes
 * each of its commands as one write whose message has its newlines escaped, so a later line of a
 * write starting with `::` can only be untrusted text (a provider's error quoted in a log line)
 * forging an annotation or a mask: it gets a space in front.
 */
export function neutraliseWorkflowCommands(text: string): string {
  return text.includes('\n::') ? text.replace(/\n::/g, '\n ::') : text;
}

export interface GuardOptions {
  /** The stream is read by the Actions runner (neutraliseWorkflowCommands). */
  readonly actionsLog?: boolean;
}

/** Every later `stream.write` of text is cleaned (idempotent: a second call changes nothing). */
export function guardOutput(stream: NodeJS.WriteStream, options: GuardOptions = {}): void {
  if (originals.has(stream)) return;
  const original = stream.write.bind(stream) as Write;
  originals.set(stream, original);
  // `::add-mask::<secret>` is how the runner learns what to mask: the one write left as it is.
  const clean = options.actionsLog
    ? (text: string) => (text.startsWith('::add-mask::') ? text : neutraliseWorkflowCommands(cleanForTerminal(text)))
    : cleanForTerminal;
  // A reader that stops early (`driftgate report --help | head`) closes the pipe: what is left to
  // print is dropped, and the command goes on to finish its work and exit with its own code,
  // rather than dying on an unhandled EPIPE halfway through writing a run.
  let readerGone = false;
  stream.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code !== 'EPIPE') throw err;
    readerGone = true;
  });
  const guarded = (chunk: unknown, ...rest: unknown[]): boolean => {
    if (readerGone) return true;
    const text = typeof chunk === 'string' ? chunk : Buffer.isBuffer(chunk) ? chunk.toString('utf8') : undefined;
    return (original as (...args: unknown[]) => boolean)(text === undefined ? chunk : clean(text), ...rest);
  };
  stream.write = guarded as Write;
}

/** Driftgate's own control codes (the progress bar): scrubbed of secrets, controls kept. */
export function writeRaw(stream: NodeJS.WriteStream, text: string): void {
  const write = originals.get(stream) ?? (stream.write.bind(stream) as Write);
  write(scrubSecrets(text));
}
