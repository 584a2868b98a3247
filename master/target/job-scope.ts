// Which configuration errors concern a job (the roster file itself was read without errors). A job
// stops (exit 5) for the errors of the roles its hosts have and the roles those depend on (a
// dependency cycle among them included). A targeted roster entry with errors is that host's
// error: the job reports it and runs the other hosts. Errors that concern only hosts and roles
// outside the job are warnings: a typo on a staging host does not stop a production run.
import type { ErrorData } from '../../agent/errors.ts';
import { type RoleSet, transitiveDeps } from '../config/roles.ts';
import type { RejectedHost, Roster } from '../config/roster.ts';
import type { Targetable } from './select.ts';

export interface JobScope {
  /** Errors that stop the job. */
  fatal: ErrorData[];
  /** Errors of roster entries and roles that the job does not concern. */
  warnings: ErrorData[];
  /** Targeted roster entries with errors, in roster order. */
  rejected: RejectedHost[];
}

/** The roles `targets` have and every role those depend on. */
export function rolesInUse(roles: RoleSet, targets: readonly Targetable[]): Set<string> {
  const out = new Set<string>();
  for (const name of new Set(targets.flatMap((h) => h.roles))) {
    out.add(name);
    for (const d of transitiveDeps(roles.roles, name)) out.add(d);
  }
  return out;
}

export function jobScope(roster: Roster, roles: RoleSet, targets: readonly Targetable[]): JobScope {
  const ids = new Set(targets.map((h) => h.id));
  const fatal: ErrorData[] = [];
  const warnings = roster.rejected.filter((r) => !ids.has(r.id)).flatMap((r) => r.errors);
  const inUse = rolesInUse(roles, targets);
  for (const issue of roles.issues) {
    const concerned = issue.roles.length === 0 || issue.roles.some((r) => inUse.has(r));
    (concerned ? fatal : warnings).push(issue.error);
  }
  return { fatal, warnings, rejected: roster.rejected.filter((r) => ids.has(r.id)) };
}
