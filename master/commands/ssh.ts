// `halite ssh HOST` or `halite ssh --role R [--level L] [--index N]`: an interactive shell on a
// roster host (through its jump host, host keys checked against known-hosts). With a role that
// several hosts have, the hosts are listed and one is asked for, or picked with --index.
import { createInterface } from 'node:readline/promises';
import type { Readable, Writable } from 'node:stream';
import { type Command, InvalidArgumentError, Option } from 'commander';
import type { ClientChannel } from 'ssh2';
import { CliError, usageError } from '../cli-error.ts';
import { EXIT, type ExitCode } from '../exit-codes.ts';
import type { RosterHost } from '../roster.ts';
import { TransportError } from '../transport/errors.ts';
import { targetFor } from '../transport/target.ts';
import type { CommandContext } from './context.ts';
import { loadFleet, transportFor } from './fleet.ts';
import type { GlobalOptions } from './options.ts';
import { applyTargetOptions } from './target-options.ts';

interface SshCliOptions extends GlobalOptions {
  role: string[];
  level: string[];
  index?: number;
}

/** Asks which of `hosts` to use; resolves to its position (0-based). */
export type AskHost = (hosts: readonly RosterHost[]) => Promise<number>;

export function hostMenu(hosts: readonly RosterHost[]): string {
  const width = String(hosts.length).length;
  return hosts.map((h, i) => `  ${String(i + 1).padStart(width)}) ${h.id}  ${h.level}  ${h.roles.join(',')}  ${h.host}\n`).join('');
}

/** Asks on the terminal; refuses when stdin is not one. */
export const terminalAsk: AskHost = async (hosts) => {
  if (!process.stdin.isTTY) throw usageError(`${hosts.length} hosts match; pick one with --index N (1 to ${hosts.length})`);
  process.stderr.write(hostMenu(hosts));
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    for (;;) {
      const answer = (await rl.question(`host [1-${hosts.length}]: `)).trim();
      const n = Number(answer);
      if (Number.isInteger(n) && n >= 1 && n <= hosts.length) return n - 1;
      const byId = hosts.findIndex((h) => h.id === answer);
      if (byId >= 0) return byId;
    }
  } finally {
    rl.close();
  }
};

/** The host to connect to: the only one, the --index'th (1-based), or the one the user picks. */
export async function pickHost(hosts: readonly RosterHost[], index: number | undefined, ask: AskHost): Promise<RosterHost> {
  if (index !== undefined) {
    if (index > hosts.length) throw usageError(`--index ${index}: only ${hosts.length} host${hosts.length === 1 ? '' : 's'} match:\n${hostMenu(hosts)}`);
    return hosts[index - 1];
  }
  if (hosts.length === 1) return hosts[0];
  return hosts[await ask(hosts)];
}

export interface Terminal {
  stdin: Readable & { isTTY?: boolean; setRawMode?(raw: boolean): unknown };
  stdout: Writable & { columns?: number; rows?: number; on(event: 'resize', fn: () => void): unknown; off?(event: 'resize', fn: () => void): unknown };
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
    channel.stderr.pipe(term.stdout, { end: false });
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

/** The shell's exit status when it is one of halite's codes (as with `exit 2`); any other failure is 2. */
export function shellExitCode(code: number | null): ExitCode {
  if (code === 0 || code === null) return EXIT.OK;
  return (Object.values(EXIT) as number[]).includes(code) ? (code as ExitCode) : EXIT.STATE_FAILURE;
}

function index(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('expected a host number from 1');
  return n;
}

const list = (value: string, previous: string[]) => [...previous, ...value.split(',').map((s) => s.trim()).filter(Boolean)];

export function registerSsh(program: Command, ctx: CommandContext, hooks: { ask?: AskHost; terminal?: Terminal } = {}): void {
  program
    .command('ssh')
    .description('open an interactive shell on a host (through its jump host): halite ssh HOST, or --role R [--level L]')
    .argument('[host]', 'roster host id')
    .addOption(new Option('--role <roles>', 'a host with this role').argParser(list).default([]))
    .addOption(new Option('--level <levels>', 'of this level (with --role)').argParser(list).default([]))
    .addOption(new Option('--index <n>', 'with several matching hosts: take the n-th (1-based) instead of asking').argParser(index))
    .action(async (id: string | undefined, _o, c: Command) => {
      const opts = c.optsWithGlobals<SshCliOptions>();
      if (!id && !opts.role.length) throw usageError('name a host (halite ssh HOST) or a role (halite ssh --role ROLE)');
      const { config, roster } = loadFleet(ctx, opts);
      let hosts: RosterHost[];
      if (id) {
        const host = roster.hosts.find((h) => h.id === id);
        if (!host) throw usageError(`unknown host '${id}': not in the roster ${roster.file}`);
        hosts = [host];
      } else {
        hosts = applyTargetOptions(roster.hosts, { role: opts.role, level: opts.level, host: [], target: [] }).hosts;
      }
      const host = await pickHost(hosts, opts.index, hooks.ask ?? terminalAsk);
      const term: Terminal = hooks.terminal ?? { stdin: process.stdin, stdout: process.stdout };
      const transport = transportFor(config);
      let channel: ClientChannel;
      try {
        channel = await transport.shell(targetFor(host, config), {
          pty: { term: ctx.io.env.TERM || 'xterm-256color', cols: term.stdout.columns ?? 80, rows: term.stdout.rows ?? 24 },
        });
      } catch (err) {
        transport.close();
        if (err instanceof TransportError) throw new CliError(err.message, EXIT.UNREACHABLE, [err.forHost(host.id).toJSON()]);
        throw err;
      }
      try {
        const code = await attachShell(channel, term);
        ctx.exitCode = shellExitCode(code);
      } finally {
        transport.close();
      }
    });
}
