// The master's ssh client files for a fleet: an ssh_config that reaches every role host through
// the jump host (ProxyJump), and a known_hosts file pinning each host's key. Pure.

export interface SshTarget {
  alias: string;
  address: string;
  port: number;
  /** Alias of the host to jump through, if any. */
  proxyJump?: string;
  /** The host's public key line (`ssh-ed25519 AAAA… comment`). */
  hostKey: string;
}

const quote = (s: string) => (/[\s"#]/.test(s) ? `"${s.replace(/(["\\])/g, '\\$1')}"` : s);

export function renderSshConfig(
  fleet: string,
  targets: readonly SshTarget[],
  identityFile: string,
  knownHosts: string,
): string {
  const out = [`# ssh client configuration of test fleet "${fleet}": ssh -F <this file> <host id>`, ''];
  for (const t of targets) {
    out.push(`Host ${t.alias}`, `  HostName ${t.address}`, `  Port ${t.port}`);
    if (t.proxyJump) out.push(`  ProxyJump ${t.proxyJump}`);
    out.push('');
  }
  out.push(
    'Host *',
    '  User root',
    `  IdentityFile ${quote(identityFile)}`,
    '  IdentitiesOnly yes',
    `  UserKnownHostsFile ${quote(knownHosts)}`,
    '  GlobalKnownHostsFile /dev/null',
    '  StrictHostKeyChecking yes',
    '  CheckHostIP no',
    '  UpdateHostKeys no',
    '  BatchMode yes',
    '  ConnectTimeout 10',
    '  LogLevel ERROR',
    '',
  );
  return out.join('\n');
}

/** One line per host, matching both its id and its address (with the port when it is not 22). */
export function renderKnownHosts(targets: readonly SshTarget[]): string {
  const name = (n: string, port: number) => (port === 22 ? n : `[${n}]:${port}`);
  return targets
    .map((t) => {
      const [type, key] = t.hostKey.trim().split(/\s+/);
      return `${name(t.alias, t.port)},${name(t.address, t.port)} ${type} ${key}\n`;
    })
    .join('');
}
