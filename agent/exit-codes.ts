// Process exit codes of the `halite` and `halite-agent` commands (see docs/exit-codes.md).
// 1 and 2 are Salt's EX_STATE_COMPILER_ERROR and EX_STATE_FAILURE; 64 and 70 are sysexits.h.
import type { ErrorCode, ErrorData } from './errors.ts';

export const EXIT = {
  OK: 0,
  COMPILE_ERROR: 1,
  STATE_FAILURE: 2,
  RENDER_ERROR: 3,
  UNREACHABLE: 4,
  CONFIG_ERROR: 5,
  /** halite-agent: another run holds the host's lock. */
  LOCKED: 6,
  /** A host's command or run did not finish in the time allowed, or the host fell silent; it was stopped. */
  TIMEOUT: 7,
  /** A host broke the agent protocol (invalid event, output over the limits, another host's identity). */
  PROTOCOL: 8,
  USAGE: 64,
  /** `halite --daemon …`: no daemon of this configuration took the job (sysexits EX_UNAVAILABLE). */
  DAEMON_UNAVAILABLE: 69,
  INTERNAL: 70,
  /**
   * `halite ssh`: the session could not be opened, or its command reported no exit status (OpenSSH's
   * ssh does the same).
   */
  SSH_FAILED: 255,
  /** The job was stopped by SIGINT (Ctrl-C): 128 + 2, as shells report it. */
  INTERRUPTED: 130,
  /** The job was stopped by SIGTERM: 128 + 15. */
  TERMINATED: 143,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** The exit code an error of each code leads to. */
export function exitCodeForError(code: ErrorCode): ExitCode {
  switch (code) {
    case 'RENDER_TEMPLATE':
    case 'RENDER_YAML':
      return EXIT.RENDER_ERROR;
    case 'CONFIG':
    case 'ROSTER':
      return EXIT.CONFIG_ERROR;
    case 'TRANSPORT':
    case 'BOOTSTRAP':
      return EXIT.UNREACHABLE;
    case 'LOCKED':
      return EXIT.LOCKED;
    case 'TIMEOUT':
      return EXIT.TIMEOUT;
    case 'PROTOCOL':
      return EXIT.PROTOCOL;
    case 'INTERNAL':
      return EXIT.INTERNAL;
    case 'INTERRUPTED':
      return EXIT.INTERRUPTED;
    default:
      return EXIT.COMPILE_ERROR;
  }
}

/**
 * When several codes apply, the one earlier in this list wins: a job the operator (or the system)
 * stopped says so whatever else happened, an internal fault hides everything else, a broken
 * configuration explains any later failure, a host that never answered counts before one that was
 * cut off, and a render error usually causes compile errors.
 */
const PRECEDENCE: readonly ExitCode[] = [
  EXIT.TERMINATED,
  EXIT.INTERRUPTED,
  EXIT.INTERNAL,
  EXIT.SSH_FAILED,
  EXIT.USAGE,
  EXIT.DAEMON_UNAVAILABLE,
  EXIT.CONFIG_ERROR,
  EXIT.PROTOCOL,
  EXIT.UNREACHABLE,
  EXIT.TIMEOUT,
  EXIT.LOCKED,
  EXIT.RENDER_ERROR,
  EXIT.COMPILE_ERROR,
  EXIT.STATE_FAILURE,
  EXIT.OK,
];

/** The most significant of several exit codes. */
export function worstExitCode(codes: Iterable<ExitCode>): ExitCode {
  let best: ExitCode = EXIT.OK;
  for (const c of codes) if (PRECEDENCE.indexOf(c) < PRECEDENCE.indexOf(best)) best = c;
  return best;
}

/** The exit code for a set of errors: 0 when there are none. */
export function exitCodeFor(errors: readonly ErrorData[]): ExitCode {
  return worstExitCode(errors.map((e) => exitCodeForError(e.code)));
}
