// The thin client's entry point (dist/client.mjs): what `halite` loads first. It hands a job
// command to a running daemon with this process's streams, environment and signals; the caller
// loads the whole command line only when it resolves to undefined.
import { askTerminal } from './terminal-prompt.ts';
import { handOff } from './handoff.ts';

/** The exit code of the command line run by the daemon, or undefined: run it here. */
export function handOffProcess(argv: readonly string[], stamp: string): Promise<number | undefined> {
  return handOff(argv, stamp, {
    stdout: (s) => void process.stdout.write(s),
    stderr: (s) => void process.stderr.write(s),
    env: process.env,
    cwd: process.cwd(),
    tty: { stdout: Boolean(process.stdout.isTTY), stderr: Boolean(process.stderr.isTTY) },
    interactive: Boolean(process.stdin.isTTY && process.stderr.isTTY),
    prompt: askTerminal,
    signals: process,
  });
}
