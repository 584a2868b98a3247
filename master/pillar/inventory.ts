// The inventory: the addresses and grains each host reported on its last run, as mine data for
// rendering (`salt['mine.get']('*', 'network.ip_addrs')`) and joined with the roster for
// `inventory.ips(role, level)` in templates (agent/render/inventory.ts looks it up). Identity
// (which roles and level a host has) comes from the roster, never from what hosts reported.
import type { InventoryHost, MineData } from '../../agent/protocol.ts';
import { checkFacts } from './fact-check.ts';
import type { InventoryRecord, JobStore } from '../jobs/store.ts';
import { isIPv4 } from 'node:net';
import type { RosterHost } from '../config/roster.ts';

export const IP_ADDRS = 'network.ip_addrs';
export const GRAINS_ITEMS = 'grains.items';

/**
 * Mine data from inventory records: host → {'network.ip_addrs': [...], 'grains.items': {...}}.
 * The records were checked when they arrived; they are checked again here, so that nothing a
 * host reported before that check existed reaches another host's templates either.
 */
export function mineData(records: readonly InventoryRecord[]): MineData {
  const out: MineData = {};
  for (const r of records) {
    const facts = checkFacts(r.addresses, r.grains);
    out[r.host] = { [IP_ADDRS]: facts.addresses, [GRAINS_ITEMS]: facts.grains };
  }
  return out;
}

/** Mine data for the hosts of the roster only (hosts removed from the roster are forgotten). */
export function mineFromStore(store: JobStore, roster: readonly RosterHost[]): MineData {
  const known = new Set(roster.map((h) => h.id));
  return mineData(store.inventory().filter((r) => known.has(r.host)));
}

export interface InventorySnapshot {
  mine: MineData;
  inventory: InventoryHost[];
}

/**
 * The inventory a job's hosts render with, read from the store once per wave: every host of a wave
 * sees the same data (whatever order they finish in), and a later wave sees what the hosts of the
 * earlier ones reported, so a replica finds the primary converged before it in the same job.
 */
export function inventoryByWave(store: JobStore, roster: readonly RosterHost[]): (wave?: number) => InventorySnapshot {
  let last: { wave: number | undefined; snap: InventorySnapshot } | undefined;
  return (wave) => {
    if (last && last.wave === wave) return last.snap;
    const mine = mineFromStore(store, roster);
    last = { wave, snap: { mine, inventory: inventoryHosts(mine, roster) } };
    return last.snap;
  };
}

export interface IpQuery {
  role?: string;
  level?: string;
}

/** The addresses a host reported on its last run; none when it never reported. */
function reportedAddresses(mine: MineData, id: string): string[] {
  const reported = mine[id]?.[IP_ADDRS];
  return Array.isArray(reported) ? reported.map(String) : [];
}

/**
 * The inventory rendering gets (pillar here, states on the host): every roster host with its roles
 * and level from the roster and the addresses it reported. A host that never reported has no
 * reported address (its roster address is how to reach it, not proof that it serves its role yet:
 * it travels apart, as `roster_address`, for files that must name every host at once); a host
 * that left the roster is not in it, whatever it reported before.
 */
export function inventoryHosts(mine: MineData, roster: readonly RosterHost[]): InventoryHost[] {
  return roster.map((h) => ({
    id: h.id,
    ...(h.level ? { level: h.level } : {}),
    roles: [...h.roles],
    addresses: reportedAddresses(mine, h.id),
    ...(isIPv4(h.host) ? { roster_address: h.host } : {}),
  }));
}

/** Reported addresses of the roster hosts with `role` (and `level`), by host id in roster order. */
export function ipsBy(mine: MineData, roster: readonly RosterHost[], q: IpQuery = {}): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const h of inventoryHosts(mine, roster)) {
    if (q.role !== undefined && !h.roles.includes(q.role)) continue;
    if (q.level !== undefined && h.level !== q.level) continue;
    out[h.id] = h.addresses;
  }
  return out;
}
