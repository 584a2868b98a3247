// What a command's output streams can show: progress redrawn in place only on a terminal that
// understands cursor movement and outside CI; colour on a terminal unless the user says otherwise
// (`--no-color`, NO_COLOR), or anywhere when FORCE_COLOR asks for it.
import type { CliIo } from './cli-io.ts';

/** Whether `value` of an environment variable says "on": set, not empty, not 0/false. */
function on(value: string | undefined): boolean {
  return value !== undefined && value !== '' && value !== '0' && value.toLowerCase() !== 'false';
}

function isTerminal(io: Pick<CliIo, 'env' | 'tty'>, stream: 'stdout' | 'stderr'): boolean {
  return Boolean(io.tty?.[stream]) && io.env.TERM !== 'dumb';
}

/** Progress is redrawn in place only on a terminal, and never in a CI job's log. */
export function liveProgress(io: Pick<CliIo, 'env' | 'tty'>): boolean {
  return isTerminal(io, 'stderr') && !on(io.env.CI);
}

/**
 * Colour on `stream`: never with `--no-color` (`flag` false); else as FORCE_COLOR says when it is
 * set (0 or false: none); else none when NO_COLOR is set to anything; else on a terminal.
 */
export function colorWanted(io: Pick<CliIo, 'env' | 'tty'>, stream: 'stdout' | 'stderr', flag?: boolean): boolean {
  if (flag === false) return false;
  const force = io.env.FORCE_COLOR;
  if (force !== undefined && force !== '') return on(force);
  if (io.env.NO_COLOR !== undefined && io.env.NO_COLOR !== '') return false;
  return isTerminal(io, stream);
}
