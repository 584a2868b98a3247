// Configuration and roster for commands that connect to hosts but compile nothing
// (no state tree needed): invalid files end the command with exit code 5.
import { CliError } from '../cli-error.ts';
import { type HaliteConfig, loadConfig } from '../config.ts';
import { EXIT } from '../exit-codes.ts';
import { type Roster, loadRoster } from '../roster.ts';
import { Transport } from '../transport/transport.ts';
import type { CommandContext } from './context.ts';
import type { GlobalOptions } from './options.ts';

export interface Fleet {
  config: HaliteConfig;
  roster: Roster;
}

export function loadFleet(ctx: CommandContext, opts: GlobalOptions): Fleet {
  const { config, errors } = loadConfig(opts.config, ctx.io.env, ctx.io.cwd);
  if (errors.length) throw new CliError('invalid configuration', EXIT.CONFIG_ERROR, errors);
  const roster = loadRoster(config);
  if (roster.errors.length) throw new CliError('invalid roster', EXIT.CONFIG_ERROR, roster.errors);
  if (roster.warnings.length) ctx.io.stderr(roster.warnings.map((w) => `warning: ${w.message}\n`).join(''));
  return { config, roster };
}

/** The transport the configuration describes. */
export function transportFor(config: HaliteConfig): Transport {
  return new Transport({
    key: config.ssh.key,
    knownHosts: config.ssh.knownHosts,
    connectTimeoutMs: config.ssh.connectTimeout * 1000,
    concurrency: config.concurrency,
  });
}
