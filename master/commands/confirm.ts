// A job with no targeting works on every host of the roster. On a terminal it asks first, naming
// how many hosts of each level it will touch (`--yes` skips the question); elsewhere (scripts, CI,
// cron) it needs an explicit target or `--all`, so that a forgotten option never converges the
// whole fleet. A dry run (`--test`) changes nothing and is not asked about.
import { Option, type Command } from 'commander';
import { usageError } from '../cli-error.ts';
import type { RosterHost } from '../config/roster.ts';
import type { CommandContext } from '../output/cli-io.ts';
import { type TargetOptions, targetSpec } from './target-options.ts';

export interface ConfirmOptions {
  all?: boolean;
  yes?: boolean;
}

/** Adds `--all` and `--yes` to a command that changes hosts. */
export function addConfirmOptions(cmd: Command): Command {
  return cmd
    .addOption(new Option('--all', 'every host of the roster (needed without a terminal when no host is targeted)'))
    .addOption(new Option('-y, --yes', 'do not ask before working on every host of the roster'));
}

/** Whether the options target anything (any of --level, --role, --host, --target). */
export function targeted(opts: Partial<TargetOptions>): boolean {
  const s = targetSpec(opts);
  return s.levels.length + s.roles.length + s.hosts.length + s.targets.length > 0;
}

/** `12 hosts: 8 production, 4 staging` */
export function countByLevel(hosts: readonly RosterHost[]): string {
  const by = new Map<string, number>();
  for (const h of hosts) by.set(h.level ?? '(no level)', (by.get(h.level ?? '(no level)') ?? 0) + 1);
  const parts = [...by].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).map(([level, n]) => `${n} ${level}`);
  return `${hosts.length} host${hosts.length === 1 ? '' : 's'}: ${parts.join(', ')}`;
}

/**
 * Checks that working on `hosts` was meant: throws a usage error (exit 64) when it was not.
 * `what` completes "This will …" (e.g. "converge", "run `uptime` on").
 */
export async function confirmSelection(
  ctx: CommandContext,
  opts: ConfirmOptions & Partial<TargetOptions> & { test?: boolean },
  hosts: readonly RosterHost[],
  what: string,
  name: string,
): Promise<void> {
  if (opts.all && targeted(opts))
    throw usageError(
      `${name}: --all selects every host; it cannot be combined with --level, --role, --host or --target`,
    );
  if (opts.all || targeted(opts) || opts.test || opts.yes) return;
  const { interactive, prompt } = ctx.io;
  if (!interactive || !prompt) {
    throw usageError(
      `${name}: no hosts targeted: give --level, --role, --host or --target, or --all for every host of the roster (${countByLevel(hosts)})`,
    );
  }
  const answer = await prompt(`This will ${what} ${countByLevel(hosts)}. Continue? [y/N] `);
  if (!/^\s*y(es)?\s*$/i.test(answer ?? '')) throw usageError(`${name}: not confirmed; nothing was done`);
}
