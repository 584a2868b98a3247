// How a job that ended without a summary is reported, and what a login that lacks the rights to
// run the agent is told to change (the roster's `user` and `sudo`).
import type { ErrorData } from '../../agent/errors.ts';
import type { ExecResult } from '../transport/exec.ts';
import type { HostTarget } from '../transport/target.ts';

const TAIL_LINES = 20;

/** The last lines of a command's output, for messages. */
export function tail(text: string, lines = TAIL_LINES): string {
  return text.trimEnd().split('\n').slice(-lines).join('\n');
}

/**
 * The error for a remote command that ended before the agent finished the run: before its `hello`
 * the bootstrap failed and the host cannot run the agent (BOOTSTRAP); after it, the agent died.
 */
export function endedEarly(
  host: string,
  exit: ExecResult & { via?: 'socket' | 'exec' },
  agentStarted: boolean,
  detail: string,
): ErrorData {
  // a resident agent's socket carries no exit status: its closing early says only that it died
  const how =
    exit.via === 'socket'
      ? 'closed its connection (the resident agent was killed or crashed)'
      : exit.signal
        ? `was killed by ${exit.signal}`
        : `exited with status ${exit.code}`;
  const where = agentStarted ? 'the agent' : 'the bootstrap';
  // a one-line reason stays on the first line, which progress output shows
  const why = !detail ? '' : detail.includes('\n') ? `:\n${detail}` : `: ${detail}`;
  return {
    code: agentStarted ? 'INTERNAL' : 'BOOTSTRAP',
    host,
    message: `${host}: ${where} ${how} before finishing the run${why}`,
  };
}

const DENIED = /permission denied|\bEACCES\b|\bEPERM\b|operation not permitted/i;
const SUDO_PASSWORD = /sudo: (a password is required|a terminal is required)/;

/**
 * Errors of a run as the roster's login: a non-root login without sudo that was refused access
 * (the agent's directories, the host's lock) is told to use sudo, and a sudo that wants a password
 * is named as such. Both are BOOTSTRAP errors: the host cannot run the agent for this login.
 */
export function explainLogin(errors: readonly ErrorData[], target: HostTarget): ErrorData[] {
  if (target.user === 'root') return [...errors];
  return errors.map((e) => {
    if (e.code !== 'INTERNAL' && e.code !== 'BOOTSTRAP') return e;
    if (!target.sudo && DENIED.test(e.message)) {
      return {
        ...e,
        code: 'BOOTSTRAP',
        message: `${e.message}\n(logged in as ${target.user} without sudo: set \`sudo: true\` for ${target.id} in the roster, or log in as root)`,
      };
    }
    if (target.sudo && SUDO_PASSWORD.test(e.message)) {
      return {
        ...e,
        code: 'BOOTSTRAP',
        message: `${e.message}\n(sudo asks ${target.user} for a password: halite needs passwordless sudo, e.g. \`${target.user} ALL=(ALL) NOPASSWD:ALL\` in /etc/sudoers.d)`,
      };
    }
    return e;
  });
}
