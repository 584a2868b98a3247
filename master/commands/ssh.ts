// `halite ssh HOST [-- CMD…]` or `halite ssh --role R [--level L] [--index N] [-- CMD…]`: a shell
// on a roster host, or one command run there (through its jump host, host keys checked against
// known-hosts), as OpenSSH's ssh does it: a command's output is streamed, standard input passed
// through, and its exit status becomes halite's; 255 when the host cannot be reached. A pty is
// allocated for a shell when standard input is a terminal, and always with -t. With a role that
// several hosts have, the hosts are listed and one must be picked.
import { type Command, InvalidArgumentError, Option } from 'commander';
import type { ClientChannel } from 'ssh2';
import { CliError, usageError } from '../cli-error.ts';
import { EXIT } from '../exit-codes.ts';
import type { RosterHost } from '../config/roster.ts';
import { TransportError } from '../transport/errors.ts';
import { type HostTarget, targetFor } from '../transport/target.ts';
import type { Transport } from '../transport/transport.ts';
import type { CommandContext, Terminal } from '../output/cli-io.ts';

export type { Terminal };
import { askPassphrases, loadFleet, requireLoginKeys, transportFor } from './fleet.ts';
import type { GlobalOptions } from './options.ts';
import { applyTargetOptions } from './target-options.ts';

interface SshCliOptions extends GlobalOptions {
  role: string[];
  level: string[];
  index?: number;
  /** -t: true (force a pty); -T: false (never one). */
  tty?: boolean;
}

export function hostMenu(hosts: readonly RosterHost[]): string {
  const width = String(hosts.length).length;
  return hosts
    .map((h, i) => `  ${String(i + 1).padStart(width)}) ${h.id}  ${h.level}  ${h.roles.join(',')}  ${h.host}\n`)
    .join('');
}

/** The host to connect to: the only one, or the --index'th (1-based); several: a usage error listing them. */
export function pickHost(hosts: readonly RosterHost[], index: number | undefined): RosterHost {
  if (hosts.length === 0) throw usageError('no host matches');
  if (index !== undefined) {
    if (index > hosts.length)
      throw usageError(
        `--index ${index}: only ${hosts.length} host${hosts.length === 1 ? '' : 's'} match:\n${hostMenu(hosts)}`,
      );
    return hosts[index - 1];
  }
  if (hosts.length === 1) return hosts[0];
  throw usageError(
    `${hosts.length} hosts match; pick one by id (halite ssh HOST) or with --index N:\n${hostMenu(hosts).trimEnd()}`,
  );
}

/** Connects the terminal to the shell channel until it closes; resolves to the remote exit status. */
export function attachShell(channel: ClientChannel, term: Terminal): Promise<number | null> {
  return new Promise((resolve) => {
    let code: number | null = null;
    const raw = Boolean(term.stdin.isTTY && term.stdin.setRawMode);
    const resize = () => channel.setWindow(term.stdout.rows ?? 24, term.stdout.columns ?? 80, 0, 0);
    if (raw) term.stdin.setRawMode!(true);
    term.stdin.pipe(channel);
    channel.pipe(term.stdout, { end: false });
    // without a pty the remote stderr stays apart (with one, the terminal merges it into stdout)
    channel.stderr.pipe(term.stderr ?? term.stdout, { end: false });
    term.stdout.on('resize', resize);
    channel.on('exit', (c: number | null) => (code = typeof c === 'number' ? c : null));
    channel.once('close', () => {
      term.stdin.unpipe(channel);
      if (raw) term.stdin.setRawMode!(false);
      term.stdin.pause();
      term.stdout.off?.('resize', resize);
      resolve(code);
    });
  });
}

/** halite's exit status for a remote one: the same, as ssh does; 255 when none was reported (killed by a signal). */
export function remoteExitCode(code: number | null): number {
  return code === null || code < 0 || code > 255 ? EXIT.SSH_FAILED : code;
}

function index(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('expected a host number from 1');
  return n;
}

const list = (value: string, previous: string[]) => [
  ...previous,
  ...value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean),
];

/** Runs `command` without a pty: output streamed to the terminal, stdin passed through. */
async function runCommand(
  transport: Transport,
  target: HostTarget,
  ctx: CommandContext,
  command: string[],
  term: Terminal,
): Promise<number> {
  const stderr = term.stderr ?? term.stdout;
  try {
    const r = await transport.run(target, (conn) =>
      conn.exec(command, {
        stdin: term.stdin,
        onStdout: (c) => term.stdout.write(c),
        onStderr: (c) => stderr.write(c),
      }),
    );
    if (r.signal) ctx.io.stderr(`halite: ${target.id}: the command was killed by ${r.signal}\n`);
    return remoteExitCode(r.code);
  } finally {
    term.stdin.pause();
  }
}

export function registerSsh(program: Command, ctx: CommandContext, hooks: { terminal?: Terminal } = {}): void {
  program
    .command('ssh')
    .description(
      'a shell on a host, or one command there (through its jump host): halite ssh HOST [-- CMD…], or --role R [--level L]',
    )
    .argument('[host]', 'roster host id (with --role: the start of the command)')
    .argument('[command...]', 'a command to run instead of a shell, after --')
    .addOption(new Option('--role <roles>', 'a host with this role').argParser(list).default([]))
    .addOption(new Option('--level <levels>', 'of this level (with --role)').argParser(list).default([]))
    .addOption(new Option('--index <n>', 'with several matching hosts: take the n-th (1-based)').argParser(index))
    .addOption(new Option('-t, --tty', 'force a pseudo-terminal, also for a command or without a terminal'))
    .addOption(new Option('-T, --no-tty', 'never allocate a pseudo-terminal'))
    .action(async (id: string | undefined, rest: string[], _o, c: Command) => {
      const opts = c.optsWithGlobals<SshCliOptions>();
      if (!id && !opts.role.length)
        throw usageError('name a host (halite ssh HOST) or a role (halite ssh --role ROLE)');
      const { config, roster } = loadFleet(ctx, opts);
      let hosts: RosterHost[];
      let command = rest;
      if (opts.role.length) {
        // with --role every operand belongs to the command
        command = id === undefined ? rest : [id, ...rest];
        hosts = applyTargetOptions(roster.hosts, { role: opts.role, level: opts.level, host: [], target: [] }).hosts;
      } else {
        const host = roster.hosts.find((h) => h.id === id);
        if (!host) throw usageError(`unknown host '${id}': not in the roster ${roster.file}`);
        hosts = [host];
      }
      const host = pickHost(hosts, opts.index);
      await askPassphrases(ctx, config, [host]);
      requireLoginKeys(config, roster, [host]);
      const term: Terminal = hooks.terminal ??
        ctx.io.terminal ?? { stdin: process.stdin, stdout: process.stdout, stderr: process.stderr };
      // ssh's rule: a pty for a shell typed at a terminal; -t forces one, -T refuses it
      const pty = opts.tty === true || (opts.tty !== false && command.length === 0 && Boolean(term.stdin.isTTY));
      const transport = transportFor(config);
      const unreachable = (err: unknown): never => {
        if (err instanceof TransportError)
          throw new CliError(err.message, EXIT.SSH_FAILED, [err.forHost(host.id).toJSON()]);
        throw err;
      };
      try {
        if (command.length && !pty) {
          ctx.exitCode = await runCommand(transport, targetFor(host, config), ctx, command, term).catch(unreachable);
          return;
        }
        const channel = await transport
          .shell(
            targetFor(host, config),
            {
              pty: pty && {
                term: ctx.io.env.TERM || 'xterm-256color',
                cols: term.stdout.columns ?? 80,
                rows: term.stdout.rows ?? 24,
              },
            },
            command.length ? command : undefined,
          )
          .catch(unreachable);
        ctx.exitCode = remoteExitCode(await attachShell(channel, term));
      } finally {
        transport.close();
      }
    });
}
