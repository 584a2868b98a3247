// The inventory in templates: which hosts have a role, at which level, and the addresses they
// reported, so a configuration can list the IPs of its database, sessions or memcache hosts.
//
//   {% for ip in inventory.ips('memcache') %}server {{ ip }}:11211{% endfor %}
//   {{ salt['inventory.hosts']('db', level='production') }}
//
// The level defaults to the rendering host's own; '*' means every level. Roles and levels come
// from the master's roster; addresses from each host's last run (a host that never ran has none).
import type { InventoryHost } from '../protocol.ts';

export const ANY_LEVEL = '*';

/** The hosts with `role` (any role when undefined) at `level`, in inventory order. */
export function inventoryHosts(inv: readonly InventoryHost[] | undefined, role: string | undefined, level: string | undefined): InventoryHost[] {
  return (inv ?? []).filter((h) => (role === undefined || h.roles.includes(role)) && (level === ANY_LEVEL || h.level === level));
}

/** One address per host that reported one: its first IPv4 address, else its first address. */
export function inventoryIps(inv: readonly InventoryHost[] | undefined, role: string | undefined, level: string | undefined): string[] {
  const out: string[] = [];
  for (const h of inventoryHosts(inv, role, level)) {
    const ip = h.addresses.find((a) => /^\d+\.\d+\.\d+\.\d+$/.test(a)) ?? h.addresses[0];
    if (ip !== undefined) out.push(ip);
  }
  return out;
}
