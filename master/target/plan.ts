// Ordering a selection of hosts into waves. Roles run in dependency order: a role's wave comes after
// the waves of every selected role it depends on (directly or through unselected roles); roles that
// do not depend on each other share a wave, and the hosts of a wave can run in parallel. A host with
// several roles runs once, in the wave of its latest role. `--batch N|P%` splits each wave into
// batches of N hosts (or P% of the wave's hosts, rounded up, at least 1) run one after the other.
// When a role fails, `blocked` says which of the roles still to run depend on it and must not run.
import { type Role, roleDepths, transitiveDeps } from '../config/roles.ts';
import type { RosterHost } from '../config/roster.ts';

export type BatchSpec = { size: number } | { percent: number };

export interface Wave {
  /** Roles the wave's hosts are in it for (each host's latest role), sorted by name. */
  roles: string[];
  /** Hosts in selection order. */
  hosts: RosterHost[];
  /** `hosts` split by the batch setting; a single batch without one. */
  batches: RosterHost[][];
}

export interface PlanOptions {
  batch?: BatchSpec;
}

/** Parses `--batch`: `N` hosts (a positive integer) or `P%` (1 to 100). Throws an Error explaining the form. */
export function parseBatch(value: string): BatchSpec {
  const v = value.trim();
  const m = /^(\d+)(%?)$/.exec(v);
  const n = m ? Number(m[1]) : NaN;
  if (!m || n < 1 || (m[2] && n > 100)) {
    throw new Error(
      `invalid batch ${JSON.stringify(value)}: expected a number of hosts (e.g. 2) or a percentage from 1% to 100% (e.g. 25%)`,
    );
  }
  return m[2] ? { percent: n } : { size: n };
}

/** The number of hosts per batch for a wave of `total` hosts. */
export function batchSize(spec: BatchSpec | undefined, total: number): number {
  if (!spec) return Math.max(total, 1);
  if ('size' in spec) return spec.size;
  return Math.max(1, Math.ceil((total * spec.percent) / 100));
}

function chunks<T>(list: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < list.length; i += size) out.push(list.slice(i, i + size));
  return out;
}

/**
 * The waves for `hosts` (already selected, in the order they should appear). Every role of every host
 * must be in `roles` (a roster loaded with the role names ensures it); hosts without roles run in the first wave.
 */
export function plan(hosts: readonly RosterHost[], roles: ReadonlyMap<string, Role>, opts: PlanOptions = {}): Wave[] {
  const unknown = hosts.flatMap((h) => h.roles.filter((r) => !roles.has(r)).map((r) => `${h.id}: ${r}`));
  if (unknown.length) throw new Error(`roles without a role file: ${unknown.join(', ')}`);
  const depth = roleDepths(
    roles,
    hosts.flatMap((h) => h.roles),
  );
  const byDepth = new Map<number, { roles: Set<string>; hosts: RosterHost[] }>();
  for (const h of hosts) {
    // the latest role decides; among roles of equal depth the first in name order is named
    const latest = [...h.roles].sort((a, b) => depth.get(b)! - depth.get(a)! || (a < b ? -1 : 1))[0];
    const d = latest === undefined ? 0 : depth.get(latest)!;
    const wave = byDepth.get(d) ?? { roles: new Set<string>(), hosts: [] };
    byDepth.set(d, wave);
    for (const r of h.roles) if (depth.get(r) === d) wave.roles.add(r);
    wave.hosts.push(h);
  }
  return [...byDepth.entries()]
    .sort(([a], [b]) => a - b)
    .map(([, w]) => ({
      roles: [...w.roles].sort(),
      hosts: w.hosts,
      batches: chunks(w.hosts, batchSize(opts.batch, w.hosts.length)),
    }));
}

export type HostOutcome = 'ok' | 'changed' | 'failed' | 'unreachable';

/** Results so far: role → host id → outcome. */
export type RoleOutcomes = Readonly<Record<string, Readonly<Record<string, HostOutcome>>>>;

export interface BlockedRole {
  role: string;
  /** The failed roles it depends on (directly or transitively), each with the hosts it failed on. */
  because: { role: string; hosts: { id: string; outcome: 'failed' | 'unreachable' }[] }[];
  /** `app: not run because db failed on db1.production`. */
  reason: string;
}

const isFailure = (o: HostOutcome): o is 'failed' | 'unreachable' => o === 'failed' || o === 'unreachable';

function describeFailure(f: BlockedRole['because'][number]): string {
  const failed = f.hosts.filter((h) => h.outcome === 'failed').map((h) => h.id);
  const unreachable = f.hosts.filter((h) => h.outcome === 'unreachable').map((h) => h.id);
  const parts = [];
  if (failed.length) parts.push(`failed on ${failed.join(', ')}`);
  if (unreachable.length) parts.push(`could not reach ${unreachable.join(', ')}`);
  return `${f.role} ${parts.join(' and ')}`;
}

/**
 * The roles of `pending` (those not run yet) that must not run because a role they depend on,
 * directly or through other roles, failed or was unreachable on some host. A role that has outcomes
 * itself has run and is never reported. Sorted by role name.
 */
export function blocked(
  outcomes: RoleOutcomes,
  roles: ReadonlyMap<string, Role>,
  pending: Iterable<string> = roles.keys(),
): BlockedRole[] {
  const failedRoles = new Map<string, BlockedRole['because'][number]>();
  for (const [role, hosts] of Object.entries(outcomes)) {
    const bad = Object.entries(hosts).flatMap(([id, o]) => (isFailure(o) ? [{ id, outcome: o }] : []));
    if (bad.length)
      failedRoles.set(role, { role, hosts: bad.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)) });
  }
  const out: BlockedRole[] = [];
  for (const role of [...new Set(pending)].sort()) {
    if (Object.prototype.hasOwnProperty.call(outcomes, role)) continue;
    const because = [...transitiveDeps(roles, role)].sort().flatMap((d) => failedRoles.get(d) ?? []);
    if (!because.length) continue;
    out.push({ role, because, reason: `${role}: not run because ${because.map(describeFailure).join('; ')}` });
  }
  return out;
}

/** Splits a wave's hosts into those to run and those to skip because one of their roles is blocked. */
export function partitionBlocked(
  hosts: readonly RosterHost[],
  blockedRoles: readonly BlockedRole[],
): { run: RosterHost[]; skip: RosterHost[] } {
  const stop = new Set(blockedRoles.map((b) => b.role));
  const skip = hosts.filter((h) => h.roles.some((r) => stop.has(r)));
  return { run: hosts.filter((h) => !skip.includes(h)), skip };
}
