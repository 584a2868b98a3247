// The fleet as a grid: one row per role, one column per level, each cell the hosts of that role
// and level with their last highstate or SLS run (a host of several roles appears in each row).
import type { HostRunRecord } from '../jobs/store.ts';
import type { RosterHost } from '../config/roster.ts';

export interface GridHost {
  id: string;
  status: string;
  /** What the last run changed or would change (undefined: not known). */
  drift?: boolean;
  title: string;
}

export interface FleetGrid {
  levels: string[];
  rows: { role: string; cells: GridHost[][] }[];
}

/** Each host's last run; `drift` says whether a host has drifted, where that is known. */
export interface GridSource {
  lastRun(host: string): HostRunRecord | undefined;
  drift?(host: string): boolean | undefined;
}

const NO_ROLE = '(no role)';

export function fleetGrid(hosts: readonly RosterHost[], levels: readonly string[], source: GridSource): FleetGrid {
  const allLevels = [...new Set([...levels, ...hosts.map((h) => h.level)])];
  const roles = [...new Set(hosts.flatMap((h) => (h.roles.length ? h.roles : [NO_ROLE])))].sort();
  const entry = (h: RosterHost): GridHost => {
    const last = source.lastRun(h.id);
    const status = last ? last.status : 'never';
    const drift = source.drift?.(h.id);
    const title = last
      ? `${status} in job ${last.jid}${last.finishedAt ? ` at ${last.finishedAt}` : ''}`
      : 'no run recorded';
    return { id: h.id, status, ...(drift !== undefined ? { drift } : {}), title };
  };
  const entries = new Map(hosts.map((h) => [h.id, entry(h)]));
  return {
    levels: allLevels,
    rows: roles.map((role) => ({
      role,
      cells: allLevels.map((level) =>
        hosts
          .filter((h) => h.level === level && (h.roles.length ? h.roles.includes(role) : role === NO_ROLE))
          .map((h) => entries.get(h.id)!),
      ),
    })),
  };
}
