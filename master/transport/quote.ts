// Quoting for the remote command line: sshd hands the command to the login shell, so every
// argument is single-quoted unless it is made only of characters no POSIX shell interprets.

const SAFE = /^[A-Za-z0-9_@%+=:,./-]+$/;

export function quoteArg(arg: string): string {
  if (arg.includes('\0')) throw new TypeError('a command argument cannot contain a NUL byte');
  if (SAFE.test(arg)) return arg;
  return `'${arg.replace(/'/g, `'\\''`)}'`;
}

/** An argv array as one POSIX shell command line that runs exactly that argv. */
export function shellQuote(argv: readonly string[]): string {
  if (argv.length === 0) throw new TypeError('a command needs at least one argument');
  return argv.map(quoteArg).join(' ');
}

export type RemoteCommand = string | readonly string[];

/**
 * The line to send for `command`: an argv array is quoted, a string is a shell line used as is.
 * With `sudo`, the command runs as root through `sudo -n` (never prompting for a password):
 * an argv directly, a shell line through `/bin/sh -c`.
 */
export function commandLine(command: RemoteCommand, opts: { sudo?: boolean } = {}): string {
  if (!opts.sudo) return typeof command === 'string' ? command : shellQuote(command);
  const argv = typeof command === 'string' ? ['/bin/sh', '-c', command] : command;
  return shellQuote(['sudo', '-n', '--', ...argv]);
}

/**
 * `command` under the host's `timeout` (coreutils): after `seconds` its process group gets TERM,
 * and KILL `killAfter` seconds later. The host enforces it even when the connection is lost, and
 * it ends what a signal request cannot (OpenSSH's sshd refuses those for root logins).
 */
export function withDeadline(command: RemoteCommand, seconds: number, killAfter: number): string[] {
  const argv = typeof command === 'string' ? ['/bin/sh', '-c', command] : command;
  return ['timeout', '-k', `${killAfter}s`, `${seconds}s`, ...argv];
}
