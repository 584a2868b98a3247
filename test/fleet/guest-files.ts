// The files that make a base root filesystem into one particular fleet host: identity, name
// resolution, the package source, sshd settings, and the init pieces that let packages start
// services on installation (no policy-rc.d, as on a booted Debian machine). Pure: returns
// contents; writing them is overlay.ts's job.
import { readFileSync } from 'node:fs';
import { REPO_MOUNT } from './base.ts';
import type { FleetPlan, HostPlan } from './plan.ts';
import { allHosts } from './plan.ts';

export interface GuestFile {
  /** Absolute path inside the host. Must not pass through a symlink of the base. */
  path: string;
  content: string;
  mode: number;
}

const guest = (name: string) => readFileSync(new URL(`./guest/${name}`, import.meta.url), 'utf8');

/** The fleet's hosts by name, at their internal addresses (the network they share). */
export function hostsFile(plan: FleetPlan, self: HostPlan): string {
  const lines = [
    '127.0.0.1\tlocalhost',
    '::1\t\tlocalhost ip6-localhost ip6-loopback',
    'ff02::1\t\tip6-allnodes',
    'ff02::2\t\tip6-allrouters',
    '',
    '# test fleet',
    ...allHosts(plan).map((h) => `${h.internalAddress}\t${h.id}`),
  ];
  if (self.kind === 'jump') lines.push(`${self.address}\t${self.id}`);
  return `${lines.join('\n')}\n`;
}

export function guestFiles(plan: FleetPlan, host: HostPlan, clientPublicKey: string): GuestFile[] {
  return [
    { path: '/etc/hostname', content: `${host.id}\n`, mode: 0o644 },
    { path: '/etc/hosts', content: hostsFile(plan, host), mode: 0o644 },
    { path: '/etc/resolv.conf', content: '# The test fleet has no DNS; fleet hosts are in /etc/hosts.\n', mode: 0o644 },
    {
      // where a freshly installed machine names the mirror it was installed from
      path: '/etc/apt/sources.list',
      content: `# The test fleet's package repository (read-only, built on the master).\ndeb [trusted=yes] file:${REPO_MOUNT} ./\n`,
      mode: 0o644,
    },
    { path: '/etc/ssh/sshd_config.d/halite-fleet.conf', content: guest('sshd.conf'), mode: 0o644 },
    { path: '/root/.ssh/authorized_keys', content: `${clientPublicKey.trim()}\n`, mode: 0o600 },
    { path: '/usr/sbin/init', content: guest('init.sh'), mode: 0o755 },
    { path: '/usr/sbin/runlevel', content: guest('runlevel.sh'), mode: 0o755 },
  ];
}
