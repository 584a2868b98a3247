// Drift: what a test-mode highstate found would change on a host, kept per host and state until the
// host's next test-mode highstate replaces it or an applied highstate that succeeds converges it.
// Only highstates count: an SLS run checks part of a host and says nothing about the rest.
// What is written was redacted before it reached the job store.
import { changedState, type StateResult } from '../../agent/protocol.ts';
import type { Database } from './sqlite.ts';

export interface DriftedState {
  tag: string;
  id: string;
  name: string;
  sls: string;
  changes: Record<string, unknown>;
  comment: string;
}

export interface HostDrift {
  host: string;
  /** The job that last checked (test) or converged (apply) the host. */
  jid: string;
  mode: 'test' | 'apply';
  checkedAt: string;
  /** The states that would change (empty: none). */
  states: DriftedState[];
}

/** Host run outcomes after which every state of the host was checked. */
const CHECKED = new Set(['ok', 'changed', 'failed']);
/** Applied outcomes after which the host is what its states say. */
const CONVERGED = new Set(['ok', 'changed']);

/** A state of a test run that would change something: it reports changes, or its result is None. */
export const wouldChange = (r: StateResult): boolean => changedState(r, true);

/** Updates `host`'s drift from its run in job `jid` (called in the transaction that records the run). */
export function noteDrift(
  db: Database,
  jid: string,
  host: string,
  status: string,
  results: readonly StateResult[],
  at: Date,
): void {
  const job = db
    .prepare<unknown[], { kind: string; test: number }>('SELECT kind, test FROM jobs WHERE jid = ?')
    .get(jid);
  if (!job || job.kind !== 'highstate') return;
  const test = job.test === 1;
  if (test ? !CHECKED.has(status) : !CONVERGED.has(status)) return;
  // a run completed late (from the agent's record) does not replace what a later job found
  const last = db.prepare<unknown[], { jid: string }>('SELECT jid FROM drift_checks WHERE host = ?').get(host);
  if (last && last.jid > jid) return;
  const drifted = test ? results.filter(wouldChange) : [];
  db.prepare('DELETE FROM drift WHERE host = ?').run(host);
  const insert = db.prepare(
    'INSERT OR REPLACE INTO drift (host, tag, jid, id, name, sls, changes, comment) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
  );
  for (const r of drifted)
    insert.run(host, r.tag, jid, r.id, r.name, r.sls, JSON.stringify(r.changes ?? {}), r.comment ?? '');
  db.prepare(
    'INSERT INTO drift_checks (host, jid, mode, checked_at, states) VALUES (?, ?, ?, ?, ?) ' +
      'ON CONFLICT (host) DO UPDATE SET jid = excluded.jid, mode = excluded.mode, checked_at = excluded.checked_at, states = excluded.states',
  ).run(host, jid, test ? 'test' : 'apply', at.toISOString(), drifted.length);
}

interface CheckRow {
  host: string;
  jid: string;
  mode: 'test' | 'apply';
  checked_at: string;
}
interface DriftRow {
  host: string;
  tag: string;
  id: string;
  name: string;
  sls: string;
  changes: string;
  comment: string;
}

/** Each checked host's drift (all hosts, or those named), by host name. */
export function readDrift(db: Database, hosts?: readonly string[]): Map<string, HostDrift> {
  const wanted = hosts ? new Set(hosts) : undefined;
  const out = new Map<string, HostDrift>();
  for (const c of db
    .prepare<unknown[], CheckRow>('SELECT host, jid, mode, checked_at FROM drift_checks ORDER BY host')
    .all()) {
    if (wanted && !wanted.has(c.host)) continue;
    out.set(c.host, { host: c.host, jid: c.jid, mode: c.mode, checkedAt: c.checked_at, states: [] });
  }
  for (const d of db
    .prepare<unknown[], DriftRow>(
      'SELECT host, tag, id, name, sls, changes, comment FROM drift ORDER BY host, sls, id, tag',
    )
    .all()) {
    out.get(d.host)?.states.push({
      tag: d.tag,
      id: d.id,
      name: d.name,
      sls: d.sls,
      changes: JSON.parse(d.changes),
      comment: d.comment,
    });
  }
  return out;
}
