// What a host tells the master about itself with the `start` event: its addresses and a few grains,
// for the master's inventory (salt['mine.get'], addresses by role and level). Never any pillar.
import type { Grains } from '../protocol.ts';

/** The grains reported to the master; everything else stays on the host. */
export const REPORTED_GRAINS = [
  'os',
  'os_family',
  'osrelease',
  'oscodename',
  'kernel',
  'fqdn',
  'num_cpus',
  'mem_total',
  'init',
  'ipv4',
  'ipv6',
  'domain',
  'fqdn_ip4',
  'fqdn_ip6',
  'ip_interfaces',
  'ip4_interfaces',
  'ip6_interfaces',
  'hwaddr_interfaces',
  'lsb_distrib_id',
  'lsb_distrib_release',
  'lsb_distrib_codename',
  'lsb_distrib_description',
  'osarch',
  'virtual',
  'virtual_subtype',
  'pythonversion',
  'saltversion',
  'saltversioninfo',
] as const;

export interface ReportedFacts {
  /** IPv4 then IPv6 addresses, loopback excluded. */
  addresses: string[];
  grains: Grains;
}

/** True for 127.0.0.0/8, ::1 and IPv4-mapped loopback. */
export function isLoopback(address: string): boolean {
  const a = address.toLowerCase();
  return a.startsWith('127.') || a === '::1' || a.startsWith('::ffff:127.');
}

function addressList(v: unknown): string[] {
  return Array.isArray(v) ? v.filter((a): a is string => typeof a === 'string' && !isLoopback(a)) : [];
}

/** The facts of `grains` the master may know: the REPORTED_GRAINS present, addresses without loopback. */
export function reportedFacts(grains: Grains): ReportedFacts {
  const out: Grains = {};
  for (const key of REPORTED_GRAINS) if (grains[key] !== undefined) out[key] = grains[key];
  const ipv4 = addressList(grains.ipv4);
  const ipv6 = addressList(grains.ipv6);
  out.ipv4 = ipv4;
  out.ipv6 = ipv6;
  return { addresses: [...ipv4, ...ipv6], grains: out };
}
