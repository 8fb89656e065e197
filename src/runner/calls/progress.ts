/**
 * Progress on stderr: a bar redrawn in place on a TTY; in CI, plain lines — at each further 10% but
 * no more than one per 2 s, at least one per 10 s while work goes on, and a final one — so logs
 * stay readable. `NO_COLOR` turns colour off.
 */
import type { CallRecord } from '../../records/call-record.js';
import { cleanForTerminal, writeRaw } from '../../util/terminal-output.js';

export interface Progress {
  start(total: number): void;
  tick(record: CallRecord): void;
  finish(): void;
  /** A line of news outside the bar (a batch submitted, a batch ended). */
  note?(line: string): void;
}

export const silentProgress: Progress = { start() {}, tick() {}, finish() {} };

export function createProgress(
  stream: NodeJS.WriteStream = process.stderr,
  env: NodeJS.ProcessEnv = process.env,
): Progress {
  const tty = Boolean(stream.isTTY) && !env.CI;
  const color = tty && !env.NO_COLOR;
  let total = 0;
  let done = 0;
  let errors = 0;
  let cached = 0;
  let spent = 0;
  let lastDecile = -1;
  const started = Date.now();
  let lastLineAt = started;

  const status = (): string => {
    const secs = ((Date.now() - started) / 1000).toFixed(1);
    return `${done}/${total} calls · ${cached} cached · ${errors} errors · $${spent.toFixed(4)} spent · ${secs}s`;
  };
  const draw = (): void => {
    const width = 24;
    const filled = total === 0 ? width : Math.round((done / total) * width);
    const bar = '█'.repeat(filled) + '░'.repeat(width - filled);
    const errText = color && errors > 0 ? `\u001b[31m${status()}\u001b[0m` : status();
    writeRaw(stream, `\r${bar} ${errText}\u001b[K`);
  };
  return {
    start(n) {
      total = n;
      if (tty) draw();
      else stream.write(`driftgate: ${n} calls to make\n`);
    },
    tick(record) {
      done++;
      if (record.status === 'error') errors++;
      if (record.cached) cached++;
      else spent += record.costUsd ?? 0;
      if (tty) return draw();
      const decile = total === 0 ? 10 : Math.floor((done / total) * 10);
      const since = Date.now() - lastLineAt;
      if ((decile > lastDecile && since >= 2_000) || since >= 10_000) {
        lastDecile = decile;
        lastLineAt = Date.now();
        stream.write(`driftgate: ${status()}\n`);
      }
    },
    note(line) {
      // The line may quote a provider's words: cleaned; the erase-line code is ours.
      writeRaw(stream, `${tty ? '\r\u001b[K' : ''}driftgate: ${cleanForTerminal(line)}\n`);
    },
    finish() {
      if (tty) stream.write('\n');
      else if (total > 0) stream.write(`driftgate: ${status()}\n`);
    },
  };
}
