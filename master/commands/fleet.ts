// Configuration and roster for commands that connect to hosts but compile nothing
// (no state tree needed): invalid files end the command with exit code 5.
import { CliError } from '../cli-error.ts';
import { type HaliteConfig, loadConfig } from '../config/halite-yaml.ts';
import { EXIT } from '../exit-codes.ts';
import { checkLoginKeys, keysWithoutPassphrase } from '../transport/login-keys.ts';
import { formatWarnings } from '../output/errors.ts';
import { type Roster, type RosterHost, isRejected, loadRoster, rosterEntries } from '../config/roster.ts';
import { buildId } from '../build/build-id.ts';
import { haliteSelf } from '../build/halite-bin.ts';
import { KeptTransport, keeperStarter } from '../transport/mux-client.ts';
import { muxSocketPath } from '../transport/mux-path.ts';
import { loginFor } from '../transport/login.ts';
import { type JobTransport, Transport } from '../transport/transport.ts';
import type { CommandContext } from '../output/cli-io.ts';
import type { GlobalOptions } from './options.ts';
import { type TargetOptions, applyTargetOptions } from './target-options.ts';

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
  printSha1Warning(ctx, config);
  return { config, roster };
}

export interface FleetSelection extends Fleet {
  /** The selected hosts, in roster order. */
  hosts: RosterHost[];
}

/**
 * Configuration and roster for a command on the hosts the targeting options select. Roster entries
 * with errors stop it (exit 5) only when selected; the others are printed as warnings, so that a
 * typo on a staging host does not stop a command on production.
 */
export function selectFleet(ctx: CommandContext, opts: GlobalOptions & Partial<TargetOptions>): FleetSelection {
  const { config, errors } = loadConfig(opts.config, ctx.io.env, ctx.io.cwd);
  if (errors.length) throw new CliError('invalid configuration', EXIT.CONFIG_ERROR, errors);
  const roster = loadRoster(config);
  const unread = roster.errors.filter((e) => e.host === undefined);
  if (unread.length) throw new CliError('invalid roster', EXIT.CONFIG_ERROR, unread);
  if (roster.warnings.length) ctx.io.stderr(formatWarnings(roster.warnings));
  const sel = applyTargetOptions(rosterEntries(roster), opts);
  for (const u of sel.unmatched) ctx.io.stderr(`warning: ${u} matches no host\n`);
  const selected = new Set(sel.hosts.map((h) => h.id));
  const others = roster.rejected.filter((r) => !selected.has(r.id));
  if (others.length) ctx.io.stderr(formatWarnings(others.flatMap((r) => r.errors)));
  const broken = sel.hosts.filter(isRejected);
  if (broken.length)
    throw new CliError(
      'invalid roster',
      EXIT.CONFIG_ERROR,
      broken.flatMap((r) => r.errors),
    );
  printSha1Warning(ctx, config);
  return { config, roster, hosts: sel.hosts.filter((h): h is RosterHost => !isRejected(h)) };
}

/**
 * At a terminal, asks for the passphrase of each key the hosts need that halite was not given one
 * for (as ssh does), and keeps it for this command only: in the configuration's ssh.passphrase for
 * ssh.key, on the roster entries for a priv key.
 */
export async function askPassphrases(
  ctx: CommandContext,
  config: HaliteConfig,
  hosts: readonly RosterHost[],
): Promise<void> {
  const ask = ctx.io.promptSecret;
  if (!ctx.io.interactive || !ask) return;
  for (const need of keysWithoutPassphrase(config, hosts)) {
    const answer = await ask(`Enter passphrase for key '${need.file}': `);
    if (!answer) continue;
    if (need.file === config.ssh.key) config.ssh.passphrase = answer;
    for (const h of need.hosts) if (h.priv === need.file) h.privPasswd = answer;
  }
}

/** Ends the command with exit code 5 when a private key the hosts need cannot be used; before any connection. */
export function requireLoginKeys(config: HaliteConfig, roster: Roster, hosts: readonly RosterHost[]): void {
  const errors = checkLoginKeys(config, hosts, roster.file);
  if (errors.length) throw new CliError('unusable private key', EXIT.CONFIG_ERROR, errors);
}

/** `ssh.allow_sha1` weakens every connection: said each time it is in effect. */
export function printSha1Warning(ctx: CommandContext, config: HaliteConfig): void {
  if (!config.ssh.allowSha1) return;
  ctx.io.stderr(
    'warning: ssh.allow_sha1 is set: hosts may prove their identity with SHA-1 ssh-rsa signatures, which can be forged; ' +
      'give them ed25519 or RSA-SHA2 host keys and remove the setting\n',
  );
}

/** The transport the configuration describes. */
export function transportFor(config: HaliteConfig): Transport {
  return new Transport({
    ...loginFor(config),
    knownHosts: config.ssh.knownHosts,
    connectTimeoutMs: config.ssh.connectTimeout * 1000,
    concurrency: config.concurrency,
    allowSha1: config.ssh.allowSha1,
  });
}

/**
 * The transport of a job or `halite run`: through the connection keeper of this configuration and
 * build when `ssh.persist` is set (the default), so that the next command finds its connections
 * open; else its own connections. `note` hears why a keeper was not used (for --debug).
 */
export function jobTransportFor(
  config: HaliteConfig,
  env: NodeJS.ProcessEnv = process.env,
  note?: (text: string) => void,
): JobTransport {
  const direct = transportFor(config);
  if (config.ssh.persist <= 0) return direct;
  const build = buildId();
  const where = muxSocketPath({ config: config.file ?? config.dir, build }, env);
  if (!('path' in where)) {
    note?.(`no connection keeper: ${where.refused}`);
    return direct;
  }
  return new KeptTransport({
    direct,
    build,
    profile: {
      ...loginFor(config),
      knownHosts: config.ssh.knownHosts,
      connectTimeoutMs: config.ssh.connectTimeout * 1000,
      ...(config.ssh.allowSha1 ? { allowSha1: true } : {}),
    },
    persistSec: config.ssh.persist,
    socket: where.path,
    startKeeper: keeperStarter(haliteSelf(), where.path, config.ssh.persist),
    concurrency: config.concurrency,
    ...(note ? { note } : {}),
  });
}
