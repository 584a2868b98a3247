// Grains: facts about the machine the agent runs on, Salt's core grains with Salt's names, types and
// shapes. Reading is split from parsing so the parsers are pure.
import { lookup } from 'node:dns/promises';
import { cpus, hostname, networkInterfaces, type NetworkInterfaceInfo } from 'node:os';
import type { Grains } from '../protocol.ts';
import { type HostProbe, hostProbe } from './host-probe.ts';
import { interfaceGrains, interfacesFromNode, parseIpAddr } from './interfaces.ts';
import { lsbGrains } from './lsb.ts';
import { detectVirtual } from './virtual.ts';

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

/** ipv4 / ipv6 address lists (loopback included, as Salt does). */
export function ipGrains(ifaces: NodeJS.Dict<NetworkInterfaceInfo[]>): Grains {
  const all = Object.values(ifaces).flatMap((l) => l ?? []);
  return {
    ipv4: all.filter((a) => a.family === 'IPv4').map((a) => a.address),
    ipv6: all.filter((a) => a.family === 'IPv6').map((a) => a.address.replace(/%.*$/, '')),
  };
}

/** mem_total as Salt computes it: MemTotal of /proc/meminfo in MiB, rounded down; 0 when unknown. */
export function memTotal(meminfo: string): number {
  const m = /^MemTotal:\s*(\d+)/m.exec(meminfo);
  return m ? Math.floor(Number(m[1]) / 1024) : 0;
}

/** The release of Salt whose behaviour halite follows, as Salt's saltversion grains say it. */
export const SALT_VERSION = '3008.0';
export const SALT_VERSION_INFO = [3008, 0];

/** pythonversion from Python's list of sys.version_info (`[3, 11, 2, 'final', 0]`); undefined if unreadable. */
export function parsePythonVersion(out: string): Array<number | string> | undefined {
  const m = /^\[(\d+), (\d+), (\d+), '([a-z]+)', (\d+)\]$/.exec(out.trim());
  return m ? [Number(m[1]), Number(m[2]), Number(m[3]), m[4], Number(m[5])] : undefined;
}

/** `host` and `domain`: the fqdn split at its first dot, as Salt splits it. */
export function hostAndDomain(fqdn: string): { host: string; domain: string } {
  const dot = fqdn.indexOf('.');
  return dot < 0 ? { host: fqdn, domain: '' } : { host: fqdn.slice(0, dot), domain: fqdn.slice(dot + 1) };
}

export interface GrainOptions {
  /** Where /etc, /proc and /sys are read (tests give a fixture tree). */
  root?: string;
  /** The host's commands (ip, dpkg, python3, systemd-detect-virt…). */
  probe?: HostProbe;
  /** The fqdn's addresses of one family (getaddrinfo's answer); [] when it does not resolve. */
  resolve?: (name: string, family: 4 | 6) => Promise<string[]>;
}

async function resolveName(name: string, family: 4 | 6): Promise<string[]> {
  try {
    const all = await lookup(name, { all: true, family });
    return [...new Set(all.map((a) => a.address))];
  } catch {
    return [];
  }
}

/** fqdn_ip4 and fqdn_ip6: what the fqdn resolves to, [] for a family the host has no address of. */
async function fqdnAddresses(fqdn: string, ips: Grains, resolve: GrainOptions['resolve']): Promise<Grains> {
  const r = resolve ?? resolveName;
  const has = (k: string) => Array.isArray(ips[k]) && (ips[k] as unknown[]).length > 0;
  const [v4, v6] = await Promise.all([has('ipv4') ? r(fqdn, 4) : [], has('ipv6') ? r(fqdn, 6) : []]);
  return { fqdn_ip4: v4, fqdn_ip6: v6 };
}

/** The grains that come from the host's commands, computed once per agent process as Salt's minion does. */
let commandGrains: Promise<Grains> | undefined;

/** Python's own printing of sys.version_info as a list, read without starting its site machinery. */
const PYTHON_VERSION = ['python3', '-I', '-S', '-c', 'import sys; print(list(sys.version_info))'];

async function fromCommands(probe: HostProbe, family: string, cpuarch: string): Promise<Grains> {
  const [arch, py, virtual] = await Promise.all([
    family === 'Debian' ? probe.run(['dpkg', '--print-architecture']).then((r) => r.stdout.trim()) : '',
    probe.has('python3') ? probe.run(PYTHON_VERSION).then((r) => parsePythonVersion(r.stdout)) : undefined,
    detectVirtual(probe),
  ]);
  return { osarch: arch || cpuarch, ...virtual, ...(py ? { pythonversion: py } : {}) };
}

/** The machine's grains; `id` defaults to the host name. */
export async function collectGrains(opts: GrainOptions = {}): Promise<Grains> {
  const root = opts.root ?? '/';
  const probe = opts.probe ?? hostProbe(root);
  const host = hostname();
  const rel = parseOsRelease(probe.read('/etc/os-release') ?? '');
  const os = osGrains(rel);
  const cpuarch = process.arch === 'x64' ? 'x86_64' : process.arch === 'arm64' ? 'aarch64' : process.arch;
  const ipAddr = probe.has('ip') ? await probe.run(['ip', 'addr', 'show']) : undefined;
  const ifaces = ipAddr?.code === 0 ? parseIpAddr(ipAddr.stdout) : interfacesFromNode(networkInterfaces());
  const ips = ipGrains(networkInterfaces());
  let cmd = opts.probe ? undefined : commandGrains;
  if (!cmd) {
    cmd = fromCommands(probe, String(os.os_family), cpuarch);
    if (!opts.probe) commandGrains = cmd;
  }
  return {
    id: host,
    ...hostAndDomain(host),
    fqdn: host,
    nodename: host,
    localhost: host,
    kernel: 'Linux',
    kernelrelease: (probe.read('/proc/sys/kernel/osrelease') ?? '').trim(),
    ...os,
    ...lsbGrains(probe.read('/etc/lsb-release') ?? '', rel),
    ...ips,
    ...interfaceGrains(ifaces),
    ...(await fqdnAddresses(host, ips, opts.resolve)),
    num_cpus: cpus().length,
    mem_total: memTotal(probe.read('/proc/meminfo') ?? ''),
    init: probe.isDir('/run/systemd/system') ? 'systemd' : 'sysvinit',
    cpuarch,
    ...(await cmd),
    saltversion: SALT_VERSION,
    saltversioninfo: [...SALT_VERSION_INFO],
  };
}
