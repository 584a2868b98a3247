// The master's job history in SQLite (WAL): jobs, each host's run, every state result, and the
// inventory (addresses and grains hosts reported, offered to rendering as mine data).
// Everything handed to the store must already be redacted: it writes what it is given.
import type { ErrorData } from '../../agent/errors.ts';
import { changedState, type Grains, type StateResult } from '../../agent/protocol.ts';
import { DEFAULT_KEEP_DAYS } from '../config/halite-yaml.ts';
import { type HostDrift, noteDrift, readDrift } from './drift.ts';
import { makeStorePrivate } from './private-files.ts';
import { type ProcessIdentity, currentProcess, processAlive } from './process-identity.ts';
import { migrate } from './schema.ts';
import { type Database, openDatabase } from './sqlite.ts';

export type JobKind = 'highstate' | 'sls' | 'run';
/** `skipped`: a scheduled run that did not start because a job was running on some of its hosts. */
export type JobStatus =
  'running' | 'ok' | 'changed' | 'failed' | 'unreachable' | 'timeout' | 'error' | 'interrupted' | 'skipped';
/** How a host's part of a job ended; `timeout`: stopped after the time allowed (exit code TIMEOUT). */
export type HostRunStatus =
  'running' | 'ok' | 'changed' | 'failed' | 'unreachable' | 'timeout' | 'error' | 'blocked' | 'interrupted';
/** What started a job: a person at the command line, a schedule of the daemon, or an API token. */
export type JobOrigin = 'cli' | 'schedule' | 'api';
export const JOB_ORIGINS: readonly JobOrigin[] = ['cli', 'schedule', 'api'];

export interface JobRecord {
  jid: string;
  kind: JobKind;
  args: Record<string, unknown>;
  test: boolean;
  startedAt: string;
  finishedAt: string | null;
  status: JobStatus;
  origin: JobOrigin;
  /** The user (cli), schedule name (schedule) or token name (api) that started the job. */
  who: string;
  /** The master process that ran (or runs) the job; null for jobs recorded before it was kept. */
  master: ProcessIdentity | null;
  /** The job's wall time; null while it runs (and for jobs recorded before it was kept). */
  durationMs: number | null;
  /** The hosts the job was planned for; null for jobs recorded before they were kept. */
  hosts: string[] | null;
  /** Why a skipped job did not run. */
  reason: string;
}

export interface HostRunRecord {
  jid: string;
  host: string;
  status: HostRunStatus;
  succeeded: number;
  failed: number;
  changed: number;
  total: number;
  durationMs: number;
  errors: ErrorData[];
  /** What the master noticed but let pass, e.g. reported facts it dropped. */
  warnings: ErrorData[];
  startedAt: string | null;
  /** Null while running, and for a run interrupted before it reported its end. */
  finishedAt: string | null;
  /** The master did not receive the run's outcome (interrupted, link lost): the agent may hold it. */
  unresolved: boolean;
  /** When the run's outcome was completed from the record the host's agent kept (after a lost link). */
  recoveredAt: string | null;
  /** The host's place in the job's host order (the order its output is printed in). */
  position: number;
  /** Why a blocked host was not run. */
  reason: string;
}

export interface InventoryRecord {
  host: string;
  addresses: string[];
  grains: Grains;
  updatedAt: string;
}

export interface NewJob {
  jid?: string;
  kind: JobKind;
  args?: Record<string, unknown>;
  test?: boolean;
  origin?: JobOrigin;
  who?: string;
  startedAt?: Date;
  /** The process running the job (default: this one). */
  master?: ProcessIdentity;
  /** The hosts the job is planned for (what a scheduled run checks before it starts). */
  hosts?: readonly string[];
}

/** A host a scheduled run found busy, and the job running there. */
export interface BusyHost {
  host: string;
  jid: string;
  origin: JobOrigin;
  who: string;
}

export interface HostRunInput {
  host: string;
  status: HostRunStatus;
  results?: readonly StateResult[];
  errors?: readonly ErrorData[];
  warnings?: readonly ErrorData[];
  durationMs?: number;
  finishedAt?: Date;
  /** The outcome comes from the agent's own record, fetched after the job (the time it was fetched). */
  recoveredAt?: Date;
  /** The master did not receive the outcome (the agent started, then the link was lost or the job interrupted). */
  unresolved?: boolean;
  position?: number;
  reason?: string;
}

/** Which jobs `jobs()` lists: all filters must hold. */
export interface JobFilter {
  /** Jobs that ran on this host. */
  host?: string;
  status?: JobStatus;
  /** Jobs started at or after this time. */
  since?: Date;
  /** At most this many (default 50), most recent first. */
  limit?: number;
}

/** How long finished jobs are kept: younger than keepDays, and only the keepCount most recent (when set). */
export interface RetentionPolicy {
  keepDays: number;
  keepCount?: number | null;
}

/** Salt's job id form: the start time as YYYYMMDDhhmmssffffff (UTC, microseconds). */
export function makeJid(at: Date = new Date(), micros = 0): string {
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  return (
    `${at.getUTCFullYear()}${p(at.getUTCMonth() + 1)}${p(at.getUTCDate())}` +
    `${p(at.getUTCHours())}${p(at.getUTCMinutes())}${p(at.getUTCSeconds())}${p(at.getUTCMilliseconds() * 1000 + micros, 6)}`
  );
}

const DAY_MS = 86_400_000;

const startedByText = (b: Pick<BusyHost, 'origin' | 'who'>): string => (b.who ? `${b.origin}:${b.who}` : b.origin);

/** Why a scheduled run was skipped: the busy hosts, grouped by the job they are busy with. */
export function skipReason(busy: readonly BusyHost[]): string {
  const byJob = new Map<string, BusyHost[]>();
  for (const b of busy) byJob.set(b.jid, [...(byJob.get(b.jid) ?? []), b]);
  const parts = [...byJob.values()].map(
    (bs) => `job ${bs[0].jid} (${startedByText(bs[0])}) is running on ${bs.map((b) => b.host).join(', ')}`,
  );
  return `skipped: ${parts.join('; ')}`;
}

interface JobRow {
  jid: string;
  kind: JobKind;
  args: string;
  test: number;
  started_at: string;
  finished_at: string | null;
  status: JobStatus;
  origin: JobOrigin;
  who: string;
  duration_ms: number | null;
  master_pid: number | null;
  master_start: string;
  hosts: string | null;
  reason: string;
}
interface HostRunRow {
  jid: string;
  host: string;
  status: HostRunStatus;
  succeeded: number;
  failed: number;
  changed: number;
  total: number;
  duration_ms: number;
  errors: string;
  warnings: string;
  started_at: string | null;
  finished_at: string | null;
  unresolved: number;
  recovered_at: string | null;
  position: number;
  reason: string;
}
interface ResultRow {
  tag: string;
  id: string;
  name: string;
  sls: string;
  result: number | null;
  changes: string;
  comment: string;
  start_time: string;
  duration_ms: number;
  run_num: number;
  warnings: string;
}
interface InventoryRow {
  host: string;
  addresses: string;
  grains: string;
  updated_at: string;
}

const toJob = (r: JobRow): JobRecord => ({
  jid: r.jid,
  kind: r.kind,
  args: JSON.parse(r.args),
  test: r.test === 1,
  startedAt: r.started_at,
  finishedAt: r.finished_at,
  status: r.status,
  origin: r.origin,
  who: r.who,
  master: r.master_pid === null ? null : { pid: r.master_pid, start: r.master_start },
  durationMs: r.duration_ms,
  hosts: r.hosts === null ? null : JSON.parse(r.hosts),
  reason: r.reason,
});
const toHostRun = (r: HostRunRow): HostRunRecord => ({
  jid: r.jid,
  host: r.host,
  status: r.status,
  succeeded: r.succeeded,
  failed: r.failed,
  changed: r.changed,
  total: r.total,
  durationMs: r.duration_ms,
  errors: JSON.parse(r.errors),
  warnings: JSON.parse(r.warnings),
  startedAt: r.started_at,
  finishedAt: r.finished_at,
  unresolved: r.unresolved === 1,
  recoveredAt: r.recovered_at,
  position: r.position,
  reason: r.reason,
});
const toResult = (r: ResultRow): StateResult => {
  const warnings = JSON.parse(r.warnings) as string[];
  return {
    tag: r.tag,
    id: r.id,
    name: r.name,
    sls: r.sls,
    result: r.result === null ? null : r.result === 1,
    changes: JSON.parse(r.changes),
    comment: r.comment,
    start_time: r.start_time,
    duration_ms: r.duration_ms,
    run_num: r.run_num,
    ...(warnings.length ? { warnings } : {}),
  };
};

export class JobStore {
  private readonly issued = new Set<string>();

  private constructor(
    readonly db: Database,
    readonly file: string,
  ) {}

  /**
   * Opens the store at `file` (":memory:" for a private one), creating and migrating it. The file,
   * its WAL and SHM files and its directory are readable by this user only (private-files.ts). Jobs
   * whose master process is gone are marked interrupted (interruptOrphans).
   */
  static open(file: string): JobStore {
    if (file !== ':memory:') makeStorePrivate(file);
    const db = openDatabase(file);
    db.pragma('journal_mode = WAL');
    db.pragma('foreign_keys = ON');
    db.pragma('busy_timeout = 5000');
    migrate(db);
    const store = new JobStore(db, file);
    store.interruptOrphans();
    return store;
  }

  /**
   * Jobs still `running` whose master process has ended (killed, crashed, its machine rebooted)
   * become `interrupted`, and so do their host runs that were running: what was recorded stays.
   * Returns the job ids it marked.
   */
  interruptOrphans(alive: (m: ProcessIdentity) => boolean = processAlive): string[] {
    const running = this.db.prepare<unknown[], JobRow>("SELECT * FROM jobs WHERE status = 'running'").all();
    const gone = running.filter((r) => r.master_pid === null || !alive({ pid: r.master_pid, start: r.master_start }));
    if (!gone.length) return [];
    const markJob = this.db.prepare("UPDATE jobs SET status = 'interrupted' WHERE jid = ? AND status = 'running'");
    const markRuns = this.db.prepare(
      "UPDATE host_runs SET status = 'interrupted', errors = ?, unresolved = 1 WHERE jid = ? AND status = 'running'",
    );
    this.db.transaction(() => {
      for (const r of gone) {
        const who = r.master_pid === null ? 'the master' : `the master (pid ${r.master_pid})`;
        const error: ErrorData = {
          code: 'INTERRUPTED',
          message: `${who} stopped before this host's run finished; its outcome is fetched from the host at the next contact`,
        };
        markJob.run(r.jid);
        markRuns.run(JSON.stringify([error]), r.jid);
      }
    })();
    return gone.map((r) => r.jid);
  }

  close(): void {
    if (this.db.open) this.db.close();
  }

  /** A job id not handed out before by this store (ids of one millisecond get increasing microseconds). */
  newJid(at: Date = new Date()): string {
    let jid = makeJid(at);
    for (let us = 1; this.issued.has(jid) || this.job(jid); us++)
      jid = makeJid(new Date(at.getTime() + Math.floor(us / 1000)), us % 1000);
    this.issued.add(jid);
    return jid;
  }

  /**
   * Records a job as running. A job reserved beforehand by claimJob (same id, still running) is
   * completed with what the job says now.
   */
  startJob(job: NewJob): JobRecord {
    const started = job.startedAt ?? new Date();
    const jid = job.jid ?? this.newJid(started);
    const master = job.master ?? currentProcess();
    const hosts = job.hosts ? JSON.stringify(job.hosts) : null;
    const r = this.db
      .prepare(
        'INSERT INTO jobs (jid, kind, args, test, started_at, status, origin, who, master_pid, master_start, hosts) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ' +
          "ON CONFLICT (jid) DO UPDATE SET kind = excluded.kind, args = excluded.args, test = excluded.test, hosts = COALESCE(excluded.hosts, jobs.hosts) WHERE jobs.status = 'running'",
      )
      .run(
        jid,
        job.kind,
        JSON.stringify(job.args ?? {}),
        job.test ? 1 : 0,
        started.toISOString(),
        'running',
        job.origin ?? 'cli',
        job.who ?? '',
        master.pid,
        master.start,
        hosts,
      );
    if (r.changes === 0) throw new Error(`job ${jid} is already recorded and has finished`);
    return this.job(jid)!;
  }

  /**
   * The hosts among `hosts` that a running job works on (a job of a master that has ended is
   * interrupted first and does not count).
   */
  busyHosts(hosts: readonly string[]): BusyHost[] {
    const wanted = new Set(hosts);
    const busy: BusyHost[] = [];
    const runs = this.db.prepare<unknown[], { host: string }>('SELECT host FROM host_runs WHERE jid = ?');
    for (const j of this.db
      .prepare<unknown[], JobRow>("SELECT * FROM jobs WHERE status = 'running' ORDER BY started_at, jid")
      .all()) {
      const on: string[] = j.hosts === null ? runs.all(j.jid).map((r) => r.host) : JSON.parse(j.hosts);
      for (const host of on) if (wanted.has(host)) busy.push({ host, jid: j.jid, origin: j.origin, who: j.who });
    }
    return busy;
  }

  /**
   * Records a job that did not start (`skipped`, or `error` when it could not be planned), finished
   * at once, with the reason.
   */
  recordNotRun(
    job: NewJob & { jid: string },
    status: 'skipped' | 'error',
    reason: string,
    at: Date = new Date(),
  ): JobRecord {
    const master = job.master ?? currentProcess();
    this.db
      .prepare(
        'INSERT INTO jobs (jid, kind, args, test, started_at, finished_at, status, origin, who, master_pid, master_start, duration_ms, hosts, reason) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, ?, ?)',
      )
      .run(
        job.jid,
        job.kind,
        JSON.stringify(job.args ?? {}),
        job.test ? 1 : 0,
        at.toISOString(),
        at.toISOString(),
        status,
        job.origin ?? 'cli',
        job.who ?? '',
        master.pid,
        master.start,
        job.hosts ? JSON.stringify(job.hosts) : null,
        reason,
      );
    return this.job(job.jid)!;
  }

  /**
   * Starts `job` (on `job.hosts`) unless a running job works on one of its hosts: then the job is
   * recorded as `skipped` with the reason (each host blocked, saying why) and the busy hosts are
   * returned. The check and the record are one write transaction, so two masters cannot both claim
   * a host.
   */
  claimJob(
    job: NewJob & { hosts: readonly string[]; jid: string },
    at: Date = new Date(),
  ): { job: JobRecord; busy: BusyHost[] } {
    this.interruptOrphans();
    return this.db
      .transaction(() => {
        const busy = this.busyHosts(job.hosts);
        if (!busy.length) return { job: this.startJob({ ...job, startedAt: at }), busy };
        const reason = skipReason(busy);
        this.recordNotRun(job, 'skipped', reason, at);
        const byHost = new Map(busy.map((b) => [b.host, b]));
        job.hosts.forEach((host, position) => {
          const b = byHost.get(host);
          const why = b
            ? `${host}: busy with job ${b.jid} (${startedByText(b)})`
            : `${host}: not run because the scheduled run was skipped`;
          this.recordHostRun(job.jid, { host, status: 'blocked', position, reason: why, finishedAt: at });
        });
        return { job: this.job(job.jid)!, busy };
      })
      .immediate();
  }

  /**
   * Records that a host's run has started (status `running` until recordHostRun) at its place in the
   * job's host order.
   */
  startHostRun(jid: string, host: string, at: Date = new Date(), position?: number): void {
    this.db
      .prepare(
        "INSERT INTO host_runs (jid, host, status, started_at, position) VALUES (?, ?, 'running', ?, ?) " +
          "ON CONFLICT (jid, host) DO UPDATE SET status = 'running', started_at = excluded.started_at, position = COALESCE(?, host_runs.position)",
      )
      .run(jid, host, at.toISOString(), position ?? 0, position ?? null);
  }

  /** Marks the job finished; its wall time is `durationMs`, else the time since it started. */
  finishJob(jid: string, status: Exclude<JobStatus, 'running'>, at: Date = new Date(), durationMs?: number): void {
    const started = this.job(jid)?.startedAt;
    const ms = durationMs ?? (started ? Math.max(0, at.getTime() - Date.parse(started)) : null);
    this.db
      .prepare('UPDATE jobs SET status = ?, finished_at = ?, duration_ms = ? WHERE jid = ?')
      .run(status, at.toISOString(), ms, jid);
  }

  /**
   * Records one host's run and its state results (replacing an earlier record of the same host in the
   * job, its start time kept).
   */
  recordHostRun(jid: string, run: HostRunInput): void {
    const results = run.results ?? [];
    // in a test run, a None result is a state that would change
    const test = this.job(jid)?.test ?? false;
    let succeeded = 0,
      failed = 0,
      changed = 0;
    for (const r of results) {
      if (r.result === false) failed++;
      else succeeded++;
      if (changedState(r, test)) changed++;
    }
    const insertRun = this.db.prepare(
      'INSERT INTO host_runs (jid, host, status, succeeded, failed, changed, total, duration_ms, errors, warnings, finished_at, unresolved, recovered_at, position, reason) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ' +
        'ON CONFLICT (jid, host) DO UPDATE SET status = excluded.status, succeeded = excluded.succeeded, failed = excluded.failed, changed = excluded.changed, ' +
        'total = excluded.total, duration_ms = excluded.duration_ms, errors = excluded.errors, warnings = excluded.warnings, finished_at = excluded.finished_at, ' +
        'unresolved = excluded.unresolved, recovered_at = excluded.recovered_at, position = COALESCE(?, host_runs.position), reason = excluded.reason',
    );
    const insertResult = this.db.prepare(
      'INSERT OR REPLACE INTO state_results (jid, host, tag, id, name, sls, result, changes, comment, start_time, duration_ms, run_num, warnings) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
    );
    this.db.transaction(() => {
      this.db.prepare('DELETE FROM state_results WHERE jid = ? AND host = ?').run(jid, run.host);
      insertRun.run(
        jid,
        run.host,
        run.status,
        succeeded,
        failed,
        changed,
        results.length,
        run.durationMs ?? 0,
        JSON.stringify(run.errors ?? []),
        JSON.stringify(run.warnings ?? []),
        (run.finishedAt ?? new Date()).toISOString(),
        run.unresolved ? 1 : 0,
        run.recoveredAt ? run.recoveredAt.toISOString() : null,
        run.position ?? 0,
        run.reason ?? '',
        run.position ?? null,
      );
      noteDrift(this.db, jid, run.host, run.status, results, run.finishedAt ?? new Date());
      for (const r of results) {
        insertResult.run(
          jid,
          run.host,
          r.tag,
          r.id,
          r.name,
          r.sls,
          r.result === null ? null : r.result ? 1 : 0,
          JSON.stringify(r.changes ?? {}),
          r.comment ?? '',
          r.start_time ?? '',
          r.duration_ms ?? 0,
          r.run_num,
          JSON.stringify(r.warnings ?? []),
        );
      }
    })();
  }

  job(jid: string): JobRecord | undefined {
    const row = this.db.prepare<unknown[], JobRow>('SELECT * FROM jobs WHERE jid = ?').get(jid);
    return row && toJob(row);
  }

  /** The jobs matching `filter`, most recent first. */
  jobs(filter: JobFilter = {}): JobRecord[] {
    const where: string[] = [];
    const params: unknown[] = [];
    if (filter.host !== undefined) {
      where.push('EXISTS (SELECT 1 FROM host_runs h WHERE h.jid = jobs.jid AND h.host = ?)');
      params.push(filter.host);
    }
    if (filter.status !== undefined) {
      where.push('status = ?');
      params.push(filter.status);
    }
    if (filter.since !== undefined) {
      where.push('started_at >= ?');
      params.push(filter.since.toISOString());
    }
    const sql = `SELECT * FROM jobs ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY started_at DESC, jid DESC LIMIT ?`;
    return this.db
      .prepare<unknown[], JobRow>(sql)
      .all(...params, filter.limit ?? 50)
      .map(toJob);
  }

  /**
   * The host's runs whose outcome the master never received (interrupted, or ended by a lost link
   * after the agent had started), not yet recovered, newest first: the agent may still hold them.
   */
  unresolvedRuns(host: string, limit = 4): string[] {
    return this.db
      .prepare<unknown[], { jid: string }>(
        'SELECT jid FROM host_runs WHERE host = ? AND unresolved = 1 ORDER BY jid DESC LIMIT ?',
      )
      .all(host, limit)
      .map((r) => r.jid);
  }

  /** The job's host runs in the job's host order. */
  hostRuns(jid: string): HostRunRecord[] {
    return this.db
      .prepare<unknown[], HostRunRow>('SELECT * FROM host_runs WHERE jid = ? ORDER BY position, host')
      .all(jid)
      .map(toHostRun);
  }

  hostRun(jid: string, host: string): HostRunRecord | undefined {
    const row = this.db
      .prepare<unknown[], HostRunRow>('SELECT * FROM host_runs WHERE jid = ? AND host = ?')
      .get(jid, host);
    return row && toHostRun(row);
  }

  /** A host's results in a job, in run order. */
  stateResults(jid: string, host: string): StateResult[] {
    return this.db
      .prepare<unknown[], ResultRow>('SELECT * FROM state_results WHERE jid = ? AND host = ? ORDER BY run_num, tag')
      .all(jid, host)
      .map(toResult);
  }

  /** The host's most recent highstate or SLS run that was not skipped (ad-hoc commands do not count). */
  lastRun(host: string): HostRunRecord | undefined {
    const row = this.db
      .prepare<unknown[], HostRunRow>(
        "SELECT h.* FROM host_runs h JOIN jobs j ON j.jid = h.jid WHERE h.host = ? AND h.status != 'blocked' AND j.kind IN ('highstate', 'sls') ORDER BY COALESCE(h.finished_at, h.started_at) DESC, h.jid DESC LIMIT 1",
      )
      .get(host);
    return row && toHostRun(row);
  }

  /** Each host's most recent run that succeeded (ok or changed): its finish time. */
  lastSuccesses(): { host: string; finishedAt: string }[] {
    return this.db
      .prepare<unknown[], { host: string; at: string }>(
        "SELECT host, max(finished_at) AS at FROM host_runs WHERE status IN ('ok', 'changed') GROUP BY host ORDER BY host",
      )
      .all()
      .map((r) => ({ host: r.host, finishedAt: r.at }));
  }

  /** Each checked host's drift (every host, or those named), by host name (drift.ts). */
  drift(hosts?: readonly string[]): Map<string, HostDrift> {
    return readDrift(this.db, hosts);
  }

  updateInventory(host: string, addresses: readonly string[], grains: Grains, at: Date = new Date()): void {
    this.db
      .prepare(
        'INSERT INTO inventory (host, addresses, grains, updated_at) VALUES (?, ?, ?, ?) ON CONFLICT (host) DO UPDATE SET addresses = excluded.addresses, grains = excluded.grains, updated_at = excluded.updated_at',
      )
      .run(host, JSON.stringify(addresses), JSON.stringify(grains), at.toISOString());
  }

  inventory(): InventoryRecord[] {
    return this.db
      .prepare<unknown[], InventoryRow>('SELECT * FROM inventory ORDER BY host')
      .all()
      .map((r) => ({
        host: r.host,
        addresses: JSON.parse(r.addresses),
        grains: JSON.parse(r.grains),
        updatedAt: r.updated_at,
      }));
  }

  /**
   * Deletes finished jobs (with their runs and results) older than `policy.keepDays`, and beyond the
   * `policy.keepCount` most recent; a running job is never deleted. Returns how many were deleted.
   */
  prune(policy: RetentionPolicy = { keepDays: DEFAULT_KEEP_DAYS }, now: Date = new Date()): number {
    const cutoff = new Date(now.getTime() - policy.keepDays * DAY_MS).toISOString();
    return this.db.transaction(() => {
      let n = this.db.prepare("DELETE FROM jobs WHERE started_at < ? AND status != 'running'").run(cutoff).changes;
      if (policy.keepCount != null) {
        n += this.db
          .prepare(
            "DELETE FROM jobs WHERE status != 'running' AND jid NOT IN (SELECT jid FROM jobs WHERE status != 'running' ORDER BY started_at DESC, jid DESC LIMIT ?)",
          )
          .run(policy.keepCount).changes;
      }
      return n;
    })();
  }
}
