// The inventory in templates: which hosts have a role, at which level, and the addresses they
// reported, so a configuration can list the IPs of its database, sessions or memcache hosts.
//
//   {% for ip in inventory.ips('memcache') %}server {{ ip }}:11211{% endfor %}
//   {{ salt['inventory.hosts']('db', level='production') }}
//
// The level defaults to the rendering host's own; '*' means every level. Roles and levels come
// from the master's roster; addresses from each host's last run (a host that never ran has none).
import type { InventoryHost } from '../protocol.ts';
import { isLoopback } from '../facts/reported.ts';

/** The level that matches every level. */
export const ANY_LEVEL = '*';

/** One host as templates see it. */
export interface InventoryEntry {
  id: string;
  /** Its first IPv4 address (loopback excluded), or null when it reported none. */
  address: string | null;
  /** Every address it reported, IPv4 first. */
  addresses: string[];
  /**
   * The roster's IPv4 address for it, known before it ever reported: where a file must name every
   * host from the first run on (e.g. /etc/hosts), `address or roster_address`.
   */
  roster_address: string | null;
  roles: string[];
  level: string | null;
}

const IPV4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;

function ipv4Number(address: string): number | undefined {
  const m = IPV4.exec(address);
  if (!m) return undefined;
  const octets = m.slice(1).map(Number);
  return octets.every((o) => o <= 255) ? octets.reduce((n, o) => n * 256 + o, 0) : undefined;
}

/** The first IPv4 address of a list that is not a loopback address. */
export function firstIpv4(addresses: readonly string[]): string | undefined {
  return addresses.find((a) => ipv4Number(a) !== undefined && !isLoopback(a));
}

function selects(h: InventoryHost, role: string | undefined, level: string | undefined): boolean {
  return (role === undefined || h.roles.includes(role)) && (level === ANY_LEVEL || (h.level ?? undefined) === level);
}

/**
 * The hosts with `role` (any role when undefined) at `level` (those without a level when
 * undefined, every level for '*'), sorted by id. The entries are copies.
 */
export function inventoryHosts(
  inv: readonly InventoryHost[] | undefined,
  role: string | undefined,
  level: string | undefined,
): InventoryEntry[] {
  const list = Array.isArray(inv) ? inv : [];
  return list
    .filter((h) => selects(h, role, level))
    .map((h) => ({
      id: h.id,
      address: firstIpv4(h.addresses) ?? null,
      addresses: [...h.addresses],
      roles: [...h.roles],
      level: h.level ?? null,
      roster_address: typeof h.roster_address === 'string' && firstIpv4([h.roster_address]) ? h.roster_address : null,
    }))
    .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

/** The first IPv4 address of each selected host that reported one, in numeric order. */
export function inventoryIps(
  inv: readonly InventoryHost[] | undefined,
  role: string | undefined,
  level: string | undefined,
): string[] {
  const ips: string[] = [];
  for (const h of inventoryHosts(inv, role, level)) if (h.address !== null) ips.push(h.address);
  return ips.sort((a, b) => ipv4Number(a)! - ipv4Number(b)!);
}
