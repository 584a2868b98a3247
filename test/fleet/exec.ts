// Running commands on a host, two ways: entering its namespaces directly (nsenter: fast, for
// tests and fleet management) or logging in with the system ssh client through the jump host (the
// way the master and people reach it).
import { FleetError } from './errors.ts';
import { run, type RunOptions, type RunResult } from './run.ts';

/** The environment of a command entered into a host: a login-like root environment. */
export const GUEST_ENV: Readonly<Record<string, string>> = {
  PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
  HOME: '/root',
  USER: 'root',
  LOGNAME: 'root',
  LANG: 'C.UTF-8',
  TERM: 'dumb',
};

export interface ExecOptions {
  input?: string | Buffer;
  /** Added to the guest environment. */
  env?: Record<string, string>;
  timeoutMs?: number;
  /** Resolve with the result instead of rejecting when the command fails. Default true. */
  reject?: boolean;
}

/**
 * Enters all of a host's namespaces and its root, and runs argv there with exactly `env` (set by
 * the host's own `env -i`, so nothing of the master's environment, such as NODE_OPTIONS, leaks in).
 */
export function nsenterArgv(
  initPid: number,
  argv: readonly string[],
  env: Readonly<Record<string, string>> = GUEST_ENV,
): string[] {
  if (argv.length && argv[0].includes('=')) throw new Error(`command name must not contain "=": ${argv[0]}`);
  const assignments = Object.entries(env).map(([k, v]) => `${k}=${v}`);
  return [
    'nsenter',
    '--target',
    String(initPid),
    '--mount',
    '--uts',
    '--ipc',
    '--net',
    '--pid',
    '--root',
    '--wd',
    '--',
    '/usr/bin/env',
    '-i',
    ...assignments,
    ...argv,
  ];
}

/** Quotes an argv for the remote shell ssh hands its command line to. */
export function shellQuote(argv: readonly string[]): string {
  return argv.map((a) => (/^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`)).join(' ');
}

export function sshArgv(sshConfig: string, host: string, argv: readonly string[] = []): string[] {
  return ['ssh', '-F', sshConfig, host, ...(argv.length ? ['--', shellQuote(argv)] : [])];
}

function runOn(
  host: string,
  how: string,
  argv: readonly string[],
  full: () => string[],
  opts: ExecOptions,
): Promise<RunResult> {
  if (argv.length === 0) throw new FleetError('empty command', { step: how, host });
  const runOpts: RunOptions = { input: opts.input, timeoutMs: opts.timeoutMs, reject: opts.reject, step: how, host };
  return run(full(), runOpts);
}

export function nsenterExec(
  host: string,
  initPid: number,
  argv: readonly string[],
  opts: ExecOptions = {},
): Promise<RunResult> {
  return runOn(host, 'exec', argv, () => nsenterArgv(initPid, argv, { ...GUEST_ENV, ...opts.env }), opts);
}

/** `opts.env` does not apply: sshd does not pass the client's environment on. */
export function sshExec(
  host: string,
  sshConfig: string,
  argv: readonly string[],
  opts: Omit<ExecOptions, 'env'> = {},
): Promise<RunResult> {
  return runOn(host, 'ssh', argv, () => sshArgv(sshConfig, host, argv), opts);
}
