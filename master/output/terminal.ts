// What a command's output streams can show: progress redrawn in place only on a terminal that
// understands cursor movement and outside CI; colour on a terminal unless the user says otherwise
// (`--no-color`, NO_COLOR), or anywhere when FORCE_COLOR asks for it (agent/output/colors.ts).
import { envOn, wantsColor } from '../../agent/output/colors.ts';
import type { CliIo } from './cli-io.ts';

function isTerminal(io: Pick<CliIo, 'env' | 'tty'>, stream: 'stdout' | 'stderr'): boolean {
  return Boolean(io.tty?.[stream]) && io.env.TERM !== 'dumb';
}

/** Progress is redrawn in place only on a terminal, and never in a CI job's log. */
export function liveProgress(io: Pick<CliIo, 'env' | 'tty'>): boolean {
  return isTerminal(io, 'stderr') && !envOn(io.env.CI);
}

/** Colour on `stream` of a command: `--no-color` (`flag` false), FORCE_COLOR, NO_COLOR, then a terminal. */
export function colorWanted(io: Pick<CliIo, 'env' | 'tty'>, stream: 'stdout' | 'stderr', flag?: boolean): boolean {
  return wantsColor(io.env, Boolean(io.tty?.[stream]), flag);
}
