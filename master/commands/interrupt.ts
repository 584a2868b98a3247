// Ctrl-C during a job. The first SIGINT (or SIGTERM) stops the job cleanly: no further host starts
// and the running agents finish the state they are running, then stop; the second one stops at
// once (the agents are told to abort and the exchanges are cut; what they did is fetched from
// them at the next contact). The command then exits 130 (SIGINT) or 143 (SIGTERM), as shells do.
import { EXIT, type ExitCode } from '../exit-codes.ts';

export interface Interrupt {
  /** Aborts at the first signal. */
  readonly stop: AbortSignal;
  /** Aborts at the second. */
  readonly abort: AbortSignal;
  /** The exit code the first signal asks for, or undefined when none came. */
  exitCode(): ExitCode | undefined;
  /** Stops listening (the default handlers apply again). */
  dispose(): void;
}

type Signal = 'SIGINT' | 'SIGTERM';

/** Where SIGINT and SIGTERM are heard: the process, or the daemon's line to a caller. */
export interface SignalSource {
  on(signal: Signal, listener: () => void): unknown;
  removeListener(signal: Signal, listener: () => void): unknown;
}

export function onInterrupt(say: (text: string) => void, proc: SignalSource = process): Interrupt {
  const stop = new AbortController();
  const abort = new AbortController();
  let first: Signal | undefined;
  const handle = (sig: Signal): void => {
    if (!first) {
      first = sig;
      say(
        `\nhalite: ${sig === 'SIGINT' ? 'interrupted' : 'terminated'}: no further host starts; running hosts stop after their current state (press Ctrl-C again to stop at once)\n`,
      );
      stop.abort();
    } else if (!abort.signal.aborted) {
      say(`halite: stopping now; what the hosts did is fetched from them at the next job\n`);
      abort.abort();
    }
  };
  const onInt = (): void => handle('SIGINT');
  const onTerm = (): void => handle('SIGTERM');
  proc.on('SIGINT', onInt);
  proc.on('SIGTERM', onTerm);
  return {
    stop: stop.signal,
    abort: abort.signal,
    exitCode: () => (first === 'SIGINT' ? EXIT.INTERRUPTED : first === 'SIGTERM' ? EXIT.TERMINATED : undefined),
    dispose: () => {
      proc.removeListener('SIGINT', onInt);
      proc.removeListener('SIGTERM', onTerm);
    },
  };
}
