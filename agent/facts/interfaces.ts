// Network interfaces as Salt sees them: the output of `ip addr show` read into addresses and a
// hardware address per interface, then Salt's grains ip_interfaces, ip4_interfaces, ip6_interfaces
// and hwaddr_interfaces. Every interface is listed, loopback and interfaces that are down included.
import type { NetworkInterfaceInfo } from 'node:os';
import type { Grains } from '../protocol.ts';

export interface Interface {
  /** Primary IPv4 addresses, in the order `ip` lists them. */
  inet: string[];
  inet6: string[];
  /** Addresses `ip` flags `secondary`, with their family. */
  secondary: Array<{ type: 'inet' | 'inet6'; address: string }>;
  /** The link-layer address (`link/ether`, `link/loopback`…), when the link has one. */
  hwaddr?: string;
}

const HEADER = /^\d+:\s+([\w.-]+)(?:@[\w.-]+)?:\s+<[^>]*>/;

/** Interfaces by name, in the order of `ip addr show`'s output. */
export function parseIpAddr(text: string): Map<string, Interface> {
  const out = new Map<string, Interface>();
  let cur: Interface | undefined;
  for (const line of text.split('\n')) {
    const head = HEADER.exec(line);
    if (head) {
      cur = { inet: [], inet6: [], secondary: [] };
      out.set(head[1], cur);
      continue;
    }
    const cols = line.trim().split(/\s+/);
    if (!cur || cols.length < 2) continue;
    const [type, value] = cols;
    if (type === 'inet' || type === 'inet6') {
      const address = value.split('/')[0];
      if (cols.includes('secondary')) cur.secondary.push({ type, address });
      else cur[type].push(address);
    } else if (type.startsWith('link/')) cur.hwaddr = value;
  }
  return out;
}

/**
 * The same shape from Node's view of the interfaces, for a host without `ip`: only interfaces that
 * are up appear there, and none is known as secondary.
 */
export function interfacesFromNode(ifaces: NodeJS.Dict<NetworkInterfaceInfo[]>): Map<string, Interface> {
  const out = new Map<string, Interface>();
  for (const [name, addrs] of Object.entries(ifaces)) {
    const i: Interface = { inet: [], inet6: [], secondary: [] };
    for (const a of addrs ?? []) {
      if (a.family === 'IPv4') i.inet.push(a.address);
      else i.inet6.push(a.address.replace(/%.*$/, ''));
      i.hwaddr ??= a.mac;
    }
    out.set(name, i);
  }
  return out;
}

/** ip_interfaces (IPv4, IPv6, then secondary addresses), ip4_ and ip6_interfaces, hwaddr_interfaces. */
export function interfaceGrains(ifaces: Map<string, Interface>): Grains {
  const all: Record<string, string[]> = {};
  const v4: Record<string, string[]> = {};
  const v6: Record<string, string[]> = {};
  const hw: Record<string, string> = {};
  for (const [name, i] of ifaces) {
    const sec = (type: string) => i.secondary.filter((s) => s.type === type).map((s) => s.address);
    all[name] = [...i.inet, ...i.inet6, ...i.secondary.map((s) => s.address)];
    v4[name] = [...i.inet, ...sec('inet')];
    v6[name] = [...i.inet6, ...sec('inet6')];
    if (i.hwaddr !== undefined) hw[name] = i.hwaddr;
  }
  return { ip_interfaces: all, ip4_interfaces: v4, ip6_interfaces: v6, hwaddr_interfaces: hw };
}
