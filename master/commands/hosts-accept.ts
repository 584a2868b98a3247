// `halite hosts accept HOST…`: fetch a host's key (and its jump host's) over the network, show
// the fingerprint, and pin it in the master's known-hosts after confirmation (or with --yes).
// A key that differs from a pinned one is never replaced here.
import { createInterface } from 'node:readline/promises';
import type { Command } from 'commander';
import { formatError } from '../../agent/errors.ts';
import { usageError } from '../cli-error.ts';
import { EXIT } from '../exit-codes.ts';
import { TransportError } from '../transport/errors.ts';
import { describeKey } from '../transport/host-key.ts';
import { hostKeyName } from '../transport/known-hosts.ts';
import { hostKeyProblem } from '../transport/ssh.ts';
import { type HostTarget, type Hop, hopLabel, targetFor } from '../transport/target.ts';
import type { Transport } from '../transport/transport.ts';
import type { CommandContext } from '../output/cli-io.ts';
import { loadFleet, transportFor } from './fleet.ts';
import type { GlobalOptions } from './options.ts';

/** Asks a yes/no question; resolves true for yes. */
export type Confirm = (question: string) => Promise<boolean>;

interface AcceptOptions extends GlobalOptions {
  yes?: boolean;
}

/** Confirmation on the terminal; refuses to guess when stdin is not one. */
export const terminalConfirm: Confirm = async (question) => {
  if (!process.stdin.isTTY)
    throw usageError('standard input is not a terminal: check the fingerprint and pass --yes to pin it');
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    return /^y(es)?$/i.test((await rl.question(`${question} [y/N] `)).trim());
  } finally {
    rl.close();
  }
};

/** Pins the key of one hop if the user agrees. Returns false when the user declined. */
async function acceptHop(
  ctx: CommandContext,
  transport: Transport,
  target: HostTarget,
  hop: Hop,
  via: Hop | null,
  what: string,
  confirm: Confirm | null,
): Promise<boolean> {
  const presented = await transport.hostKey(hop, via, target);
  const name = hostKeyName(hop.address, hop.port);
  const kh = transport.knownHosts;
  const check = kh.check(name, presented.key);
  if (check.status === 'ok') {
    ctx.io.stdout(`${target.id}: ${what} ${name}: ${describeKey(presented.key)} already pinned\n`);
    return true;
  }
  if (check.status !== 'unknown')
    throw hostKeyProblem(kh, hop, `${what} ${hopLabel(hop)}`, presented.key)!.forHost(target.id);
  ctx.io.stdout(`${target.id}: ${what} ${name} presents ${describeKey(presented.key)}\n`);
  if (confirm && !(await confirm(`Pin this key for ${name} in ${kh.file}?`))) {
    ctx.io.stdout(`${target.id}: not pinned\n`);
    return false;
  }
  kh.add(name, presented.key);
  ctx.io.stdout(`${target.id}: pinned ${name} ${presented.type} ${presented.fingerprint} in ${kh.file}\n`);
  return true;
}

/** Adds `accept` under the `hosts` command (created when the program has none yet). */
export function registerHostsAccept(program: Command, ctx: CommandContext, confirm: Confirm = terminalConfirm): void {
  const hosts =
    program.commands.find((c) => c.name() === 'hosts') ??
    program.command('hosts').description('roster hosts and their pinned SSH keys');
  hosts
    .command('accept')
    .description("fetch a host's SSH key (and its jump host's) and pin it in known-hosts")
    .argument('<host...>', 'roster host ids')
    .option('-y, --yes', 'pin without asking (check the printed fingerprints)')
    .action(async (ids: string[], _o, cmd: Command) => {
      const opts = cmd.optsWithGlobals<AcceptOptions>();
      const { config, roster } = loadFleet(ctx, opts);
      const targets = ids.map((id) => {
        const host = roster.hosts.find((h) => h.id === id);
        if (!host) throw usageError(`unknown host '${id}': not in the roster ${roster.file}`);
        return targetFor(host, config);
      });
      const transport = transportFor(config);
      const failed: TransportError[] = [];
      try {
        for (const target of targets) {
          try {
            if (
              target.jump &&
              !(await acceptHop(ctx, transport, target, target.jump, null, 'jump host', opts.yes ? null : confirm))
            )
              continue;
            await acceptHop(ctx, transport, target, target, target.jump ?? null, 'host', opts.yes ? null : confirm);
          } catch (err) {
            if (!(err instanceof TransportError)) throw err;
            const e = err.forHost(target.id);
            failed.push(e);
            ctx.io.stderr(formatError(e) + '\n');
          }
        }
      } finally {
        transport.close();
      }
      if (failed.length) ctx.exitCode = EXIT.UNREACHABLE;
    });
}
