/**
 * Ctrl-C during a run: the first stops scheduling — the calls in flight (already paid for) finish
 * and are journaled, the run ends as incomplete and says how to resume; a second exits at once.
 * The run reads `requested`; the command line owns the signal handler (I/O at the edge).
 */
export class StopSignal {
  private why: string | undefined;
  /** How to go on, once the run knows its id (`driftgate eval --resume <id>`). */
  resumeCommand: string | undefined;

  request(reason: string): void {
    this.why ??= reason;
  }

  get requested(): boolean {
    return this.why !== undefined;
  }

  get reason(): string | undefined {
    return this.why;
  }
}

export interface InterruptHandlerOptions {
  /** How long the calls in flight may take to finish after the first Ctrl-C. */
  readonly graceMs?: number;
  readonly write?: (line: string) => void;
  readonly exit?: (code: number) => void;
}

/** The conventional exit code of a process stopped by SIGINT (128 + 2). */
export const SIGINT_EXIT = 130;
const DEFAULT_GRACE_MS = 60_000;

/** Installs the two-step SIGINT handler for one run; the returned function removes it. */
export function handleInterrupts(stop: StopSignal, options: InterruptHandlerOptions = {}): () => void {
  const write = options.write ?? ((line: string) => process.stderr.write(line));
  const exit = options.exit ?? ((code: number) => process.exit(code));
  const graceMs = options.graceMs ?? DEFAULT_GRACE_MS;
  let timer: NodeJS.Timeout | undefined;
  const resumeHint = () => (stop.resumeCommand ? ` Resume with: ${stop.resumeCommand}` : '');
  const onSignal = (): void => {
    if (!stop.requested) {
      stop.request('interrupted (Ctrl-C)');
      write(
        `\ndriftgate: interrupted — no new calls are started; the calls in flight finish and are journaled (at most ${Math.round(graceMs / 1000)} s). Press Ctrl-C again to stop at once.\n`,
      );
      timer = setTimeout(() => {
        write(
          `driftgate: calls still in flight after ${Math.round(graceMs / 1000)} s; stopping. Every call journaled is kept.${resumeHint()}\n`,
        );
        exit(SIGINT_EXIT);
      }, graceMs);
      timer.unref();
      return;
    }
    write(`\ndriftgate: stopped at once; every call journaled is kept.${resumeHint()}\n`);
    exit(SIGINT_EXIT);
  };
  process.on('SIGINT', onSignal);
  return () => {
    process.off('SIGINT', onSignal);
    if (timer) clearTimeout(timer);
  };
}
