// Grains: basic facts about the machine the agent runs on (Salt's core grains, the subset the
// state tree uses). Reading is split from parsing so the parsers are pure.
import { existsSync, readFileSync } from 'node:fs';
import { cpus, hostname, networkInterfaces, totalmem, type NetworkInterfaceInfo } from 'node:os';
import type { Grains } from '../protocol.ts';

/** KEY=value lines of /etc/os-release (quotes removed). */
export function parseOsRelease(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const m = /^([A-Z0-9_]+)=(.*)$/.exec(line.trim());
    if (m) out[m[1]] = m[2].replace(/^(["'])(.*)\1$/, '$2');
  }
  return out;
}

const FAMILIES: Record<string, string> = {
  debian: 'Debian',
  ubuntu: 'Debian',
  raspbian: 'Debian',
  linuxmint: 'Debian',
  rhel: 'RedHat',
  centos: 'RedHat',
  fedora: 'RedHat',
  rocky: 'RedHat',
  almalinux: 'RedHat',
  arch: 'Arch',
  alpine: 'Alpine',
  suse: 'Suse',
  opensuse: 'Suse',
  'opensuse-leap': 'Suse',
};

/** os, os_family, osrelease, oscodename… from os-release fields, as Salt names them. */
export function osGrains(rel: Record<string, string>): Grains {
  const id = (rel.ID ?? 'linux').toLowerCase();
  const like = (rel.ID_LIKE ?? '').toLowerCase().split(/\s+/);
  const os = rel.NAME?.split(/\s+/)[0] ?? id;
  const family = FAMILIES[id] ?? like.map((l) => FAMILIES[l]).find(Boolean) ?? os;
  const release = rel.VERSION_ID ?? '';
  return {
    os,
    os_family: family,
    osfullname: rel.NAME ?? os,
    osrelease: release,
    ...(Number.parseInt(release, 10) ? { osmajorrelease: Number.parseInt(release, 10) } : {}),
    oscodename: rel.VERSION_CODENAME ?? '',
    osfinger: `${os}-${release.split('.')[0]}`,
  };
}

/** The Salt release whose behaviour halite follows: templates compare saltversioninfo against it. */
export const SALT_VERSION = [3008, 0] as const;

const DEB_ARCH: Record<string, string> = { x64: 'amd64', arm64: 'arm64', ia32: 'i386', arm: 'armhf' };

/** lsb_distrib_* as Salt fills them from os-release when lsb_release is not there. */
export function lsbGrains(rel: Record<string, string>): Grains {
  return {
    lsb_distrib_id: rel.NAME?.split(/\s+/)[0] ?? rel.ID ?? '',
    lsb_distrib_release: rel.VERSION_ID ?? '',
    lsb_distrib_codename: rel.VERSION_CODENAME ?? '',
    lsb_distrib_description: rel.PRETTY_NAME ?? '',
  };
}

/** ipv4 / ipv6 address lists (loopback included, as Salt does). */
export function ipGrains(ifaces: NodeJS.Dict<NetworkInterfaceInfo[]>): Grains {
  const all = Object.values(ifaces).flatMap((l) => l ?? []);
  return {
    ipv4: all.filter((a) => a.family === 'IPv4').map((a) => a.address),
    ipv6: all.filter((a) => a.family === 'IPv6').map((a) => a.address.replace(/%.*$/, '')),
  };
}

function read(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return '';
  }
}

/** The machine's grains; `id` defaults to the host name. */
export function collectGrains(root = '/'): Grains {
  const host = hostname();
  const rel = parseOsRelease(read(`${root.replace(/\/$/, '')}/etc/os-release`));
  const virt = read('/proc/1/cgroup').includes('docker') || existsSync('/.dockerenv') ? 'container' : 'physical';
  return {
    id: host,
    host: host.split('.')[0],
    fqdn: host,
    nodename: host,
    localhost: host,
    kernel: 'Linux',
    kernelrelease: read('/proc/sys/kernel/osrelease').trim(),
    ...osGrains(rel),
    ...ipGrains(networkInterfaces()),
    num_cpus: cpus().length,
    mem_total: Math.round(totalmem() / 1024 / 1024),
    init: existsSync('/run/systemd/system') ? 'systemd' : 'sysvinit',
    virtual: virt,
    cpuarch: process.arch === 'x64' ? 'x86_64' : process.arch,
    osarch: DEB_ARCH[process.arch] ?? process.arch,
    domain: host.includes('.') ? host.slice(host.indexOf('.') + 1) : '',
    ...lsbGrains(rel),
    saltversion: SALT_VERSION.join('.'),
    saltversioninfo: [...SALT_VERSION],
  };
}
