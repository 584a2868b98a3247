// The inventory: the addresses and grains each host reported on its last run, as mine data for
// rendering (`salt['mine.get']('*', 'network.ip_addrs')`) and as IPs by role and level. Identity
// (which roles and level a host has) comes from the roster, never from what hosts reported.
import type { InventoryHost, MineData } from '../agent/protocol.ts';
import type { InventoryRecord, JobStore } from './jobs/store.ts';
import type { RosterHost } from './roster.ts';

export const IP_ADDRS = 'network.ip_addrs';
export const GRAINS_ITEMS = 'grains.items';

/** Mine data from inventory records: host → {'network.ip_addrs': [...], 'grains.items': {...}}. */
export function mineData(records: readonly InventoryRecord[]): MineData {
  const out: MineData = {};
  for (const r of records) out[r.host] = { [IP_ADDRS]: [...r.addresses], [GRAINS_ITEMS]: { ...r.grains } };
  return out;
}

/** Mine data for the hosts of the roster only (hosts removed from the roster are forgotten). */
export function mineFromStore(store: JobStore, roster: readonly RosterHost[]): MineData {
  const known = new Set(roster.map((h) => h.id));
  return mineData(store.inventory().filter((r) => known.has(r.host)));
}

export interface IpQuery {
  role?: string;
  level?: string;
}

/**
 * Reported addresses of the roster hosts with `role` (and `level`), by host id in roster order.
 * A host that never reported appears with its roster address when that is an IP literal.
 */
export function ipsBy(mine: MineData, roster: readonly RosterHost[], q: IpQuery = {}): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const h of roster) {
    if (q.role !== undefined && !h.roles.includes(q.role)) continue;
    if (q.level !== undefined && h.level !== q.level) continue;
    const reported = mine[h.id]?.[IP_ADDRS];
    if (Array.isArray(reported)) out[h.id] = reported.map(String);
    else if (/^[\d.]+$|:/.test(h.host)) out[h.id] = [h.host];
    else out[h.id] = [];
  }
  return out;
}

/** Every roster host with its roles, level and addresses (as `ipsBy` finds them), for templates. */
export function inventoryHosts(mine: MineData, roster: readonly RosterHost[]): InventoryHost[] {
  const ips = ipsBy(mine, roster);
  return roster.map((h) => ({ id: h.id, ...(h.level ? { level: h.level } : {}), roles: [...h.roles], addresses: ips[h.id] ?? [] }));
}

/** All addresses of the hosts `ipsBy` selects, flattened, each once. */
export function ipList(mine: MineData, roster: readonly RosterHost[], q: IpQuery = {}): string[] {
  return [...new Set(Object.values(ipsBy(mine, roster, q)).flat())];
}
