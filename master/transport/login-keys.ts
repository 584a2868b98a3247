// The private keys a command will log in with, checked before any connection: a key file that is
// missing, unreadable or unusable is a configuration error naming the file and where it was set,
// not a failure of every host that would have used it.
import type { ErrorData } from '../../agent/errors.ts';
import type { HaliteConfig } from '../config/halite-yaml.ts';
import type { RosterHost } from '../config/roster.ts';
import { PassphraseNeeded, loadPrivateKey } from './key.ts';
import { loginFor } from './login.ts';
import { targetFor } from './target.ts';

interface KeyUse {
  file: string;
  passphrase?: string;
  /** Where the key was set: the configuration's ssh.key (or its default) or a roster entry's priv. */
  error: Omit<ErrorData, 'message'>;
  what: string;
  hosts: string[];
}

/**
 * The key files `hosts` need that are protected by a passphrase halite was not given (and that no
 * ssh-agent may hold instead), each with the hosts that use it.
 */
export function keysWithoutPassphrase(
  config: HaliteConfig,
  hosts: readonly RosterHost[],
): Array<{ file: string; hosts: RosterHost[] }> {
  const login = loginFor(config);
  if (login.agent) return [];
  const found = new Map<string, RosterHost[]>();
  for (const h of hosts) {
    const files: Array<[string, string | undefined]> = [];
    if ((targetFor(h, config).jump || !h.priv) && login.key !== undefined)
      files.push([login.key, config.ssh.passphrase]);
    if (h.priv) files.push([h.priv, h.privPasswd ?? config.ssh.passphrase]);
    for (const [file, passphrase] of files) {
      if (passphrase) continue;
      try {
        loadPrivateKey(file);
      } catch (err) {
        if (err instanceof PassphraseNeeded) found.set(file, [...(found.get(file) ?? []), h]);
      }
    }
  }
  return [...found].map(([file, users]) => ({ file, hosts: users }));
}

/** One error per key file that `hosts` need and that cannot be used; empty when all can. */
export function checkLoginKeys(config: HaliteConfig, hosts: readonly RosterHost[], rosterFile: string): ErrorData[] {
  const uses = new Map<string, KeyUse>();
  const use = (file: string, make: () => Omit<KeyUse, 'hosts'>, host: string): void => {
    let u = uses.get(file);
    if (!u) uses.set(file, (u = { ...make(), hosts: [] }));
    if (!u.hosts.includes(host)) u.hosts.push(host);
  };
  const configured = (): Omit<KeyUse, 'hosts'> => {
    const where: Omit<ErrorData, 'message'> = { code: 'CONFIG' };
    if (config.file && config.ssh.keyLine !== undefined) {
      where.file = config.file;
      where.line = config.ssh.keyLine;
    }
    return {
      file: config.ssh.key,
      ...(config.ssh.passphrase ? { passphrase: config.ssh.passphrase } : {}),
      error: where,
      what: config.ssh.keyLine !== undefined ? 'ssh.key' : 'ssh.key (the default; set ssh.key in halite.yaml)',
    };
  };
  const login = loginFor(config);
  for (const h of hosts) {
    const t = targetFor(h, config);
    // jump hosts always log in with the configured key (none when the ssh-agent alone logs in)
    if ((t.jump || !h.priv) && login.key !== undefined) use(config.ssh.key, configured, h.id);
    if (h.priv) {
      const where: Omit<ErrorData, 'message'> = { code: 'ROSTER', file: rosterFile };
      if (h.privLine !== undefined) where.line = h.privLine;
      const passphrase = h.privPasswd ?? config.ssh.passphrase;
      use(
        h.priv,
        () => ({ file: h.priv!, ...(passphrase ? { passphrase } : {}), error: where, what: `${h.id}: priv` }),
        h.id,
      );
    }
  }
  const errors: ErrorData[] = [];
  for (const u of uses.values()) {
    try {
      loadPrivateKey(u.file, u.passphrase);
    } catch (err) {
      // the ssh-agent may hold an encrypted key whose passphrase halite was not given
      if (err instanceof PassphraseNeeded && login.agent) continue;
      const shown = u.hosts.slice(0, 5).join(', ') + (u.hosts.length > 5 ? `, … ${u.hosts.length - 5} more` : '');
      errors.push({
        ...u.error,
        message: `${u.what}: ${(err as Error).message} (needed for ${u.hosts.length === 1 ? 'host' : `${u.hosts.length} hosts:`} ${shown})`,
      });
    }
  }
  return errors;
}
