// The fleet as a grid: one row per role, one column per level, each cell the hosts of that role
// and level with their last highstate or SLS run and their drift (what their last test-mode
// highstate found would change; a host of several roles appears in each row).
import type { HostDrift } from '../jobs/drift.ts';
import type { HostRunRecord } from '../jobs/store.ts';
import type { RosterHost } from '../config/roster.ts';

/** A host's drift as the grid shows it. */
interface GridDrift {
  /** States that would change (0: in line). */
  states: number;
  /** test: found by a test-mode highstate; apply: converged by an applied one. */
  mode: 'test' | 'apply';
  checkedAt: string;
  jid: string;
  title: string;
}

export interface GridHost {
  id: string;
  status: string;
  /** Undefined: never checked. */
  drift?: GridDrift;
  title: string;
}

export interface FleetGrid {
  levels: string[];
  rows: { role: string; cells: GridHost[][] }[];
}

/** Each host's last run and its drift, where it was ever checked. */
export interface GridSource {
  lastRun(host: string): HostRunRecord | undefined;
  drift?(host: string): HostDrift | undefined;
}

const plural = (n: number, one: string): string => `${n} ${one}${n === 1 ? '' : 's'}`;

/** What a host's drift record says, in a line. */
export function driftTitle(d: Pick<HostDrift, 'mode' | 'checkedAt' | 'jid'> & { states: number }): string {
  if (d.mode === 'apply') return `in line: converged by highstate ${d.jid} at ${d.checkedAt}`;
  return d.states
    ? `${plural(d.states, 'state')} would change (test run ${d.jid} at ${d.checkedAt})`
    : `in line: test run ${d.jid} at ${d.checkedAt} found nothing to change`;
}

function gridDrift(d: HostDrift): GridDrift {
  const view = { mode: d.mode, checkedAt: d.checkedAt, jid: d.jid, states: d.states.length };
  return { ...view, title: driftTitle(view) };
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
    return { id: h.id, status, ...(drift ? { drift: gridDrift(drift) } : {}), title };
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
