// The master's job history in SQLite (WAL): jobs, each host's run, every state result, and the
// inventory (addresses and grains hosts reported, offered to rendering as mine data).
// Everything handed to the store must already be redacted: it writes what it is given.
import type { ErrorData } from '../../agent/errors.ts';
import type { Grains, StateResult } from '../../agent/protocol.ts';
import { makeStorePrivate } from './private-files.ts';
import { migrate } from './schema.ts';
import { type Database, openDatabase } from './sqlite.ts';

export type JobKind = 'highstate' | 'sls' | 'run';
export type JobStatus = 'running' | 'ok' | 'changed' | 'failed' | 'unreachable' | 'timeout' | 'error';
/** How a host's part of a job ended; `timeout`: stopped after the time allowed (exit code TIMEOUT). */
export type HostRunStatus = 'ok' | 'changed' | 'failed' | 'unreachable' | 'timeout' | 'error' | 'blocked';

export interface JobRecord {
  jid: string;
  kind: JobKind;
  args: Record<string, unknown>;
  test: boolean;
  startedAt: string;
  finishedAt: string | null;
  status: JobStatus;
  who: string;
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
  finishedAt: string;
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
  who?: string;
  startedAt?: Date;
}

export interface HostRunInput {
  host: string;
  status: HostRunStatus;
  results?: readonly StateResult[];
  errors?: readonly ErrorData[];
  warnings?: readonly ErrorData[];
  durationMs?: number;
  finishedAt?: Date;
}

/** Salt's job id form: the start time as YYYYMMDDhhmmssffffff (UTC, microseconds). */
export function makeJid(at: Date = new Date(), micros = 0): string {
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  return (
    `${at.getUTCFullYear()}${p(at.getUTCMonth() + 1)}${p(at.getUTCDate())}` +
    `${p(at.getUTCHours())}${p(at.getUTCMinutes())}${p(at.getUTCSeconds())}${p(at.getUTCMilliseconds() * 1000 + micros, 6)}`
  );
}

const RETENTION_KEY = 'retention_days';
const DEFAULT_RETENTION_DAYS = 30;
const DAY_MS = 86_400_000;

interface JobRow { jid: string; kind: JobKind; args: string; test: number; started_at: string; finished_at: string | null; status: JobStatus; who: string }
interface HostRunRow { jid: string; host: string; status: HostRunStatus; succeeded: number; failed: number; changed: number; total: number; duration_ms: number; errors: string; warnings: string; finished_at: string }
interface ResultRow { tag: string; id: string; name: string; sls: string; result: number | null; changes: string; comment: string; start_time: string; duration_ms: number; run_num: number }
interface InventoryRow { host: string; addresses: string; grains: string; updated_at: string }

const toJob = (r: JobRow): JobRecord => ({
  jid: r.jid, kind: r.kind, args: JSON.parse(r.args), test: r.test === 1, startedAt: r.started_at, finishedAt: r.finished_at, status: r.status, who: r.who,
});
const toHostRun = (r: HostRunRow): HostRunRecord => ({
  jid: r.jid, host: r.host, status: r.status, succeeded: r.succeeded, failed: r.failed, changed: r.changed, total: r.total,
  durationMs: r.duration_ms, errors: JSON.parse(r.errors), warnings: JSON.parse(r.warnings), finishedAt: r.finished_at,
});
const toResult = (r: ResultRow): StateResult => ({
  tag: r.tag, id: r.id, name: r.name, sls: r.sls, result: r.result === null ? null : r.result === 1, changes: JSON.parse(r.changes),
  comment: r.comment, start_time: r.start_time, duration_ms: r.duration_ms, run_num: r.run_num,
});

export class JobStore {
  private readonly issued = new Set<string>();

  private constructor(readonly db: Database, readonly file: string) {}

  /**
   * Opens the store at `file` (":memory:" for a private one), creating and migrating it. The file,
   * its WAL and SHM files and its directory are readable by this user only (private-files.ts).
   */
  static open(file: string): JobStore {
    if (file !== ':memory:') makeStorePrivate(file);
    const db = openDatabase(file);
    db.pragma('journal_mode = WAL');
    db.pragma('foreign_keys = ON');
    db.pragma('busy_timeout = 5000');
    migrate(db);
    return new JobStore(db, file);
  }

  close(): void {
    if (this.db.open) this.db.close();
  }

  /** A job id not handed out before by this store (ids of one millisecond get increasing microseconds). */
  newJid(at: Date = new Date()): string {
    let jid = makeJid(at);
    for (let us = 1; this.issued.has(jid) || this.job(jid); us++) jid = makeJid(new Date(at.getTime() + Math.floor(us / 1000)), us % 1000);
    this.issued.add(jid);
    return jid;
  }

  startJob(job: NewJob): JobRecord {
    const started = job.startedAt ?? new Date();
    const jid = job.jid ?? this.newJid(started);
    this.db
      .prepare('INSERT INTO jobs (jid, kind, args, test, started_at, status, who) VALUES (?, ?, ?, ?, ?, ?, ?)')
      .run(jid, job.kind, JSON.stringify(job.args ?? {}), job.test ? 1 : 0, started.toISOString(), 'running', job.who ?? '');
    return this.job(jid)!;
  }

  finishJob(jid: string, status: Exclude<JobStatus, 'running'>, at: Date = new Date()): void {
    this.db.prepare('UPDATE jobs SET status = ?, finished_at = ? WHERE jid = ?').run(status, at.toISOString(), jid);
  }

  /** Records one host's run and its state results (replacing an earlier record of the same host in the job). */
  recordHostRun(jid: string, run: HostRunInput): void {
    const results = run.results ?? [];
    let succeeded = 0, failed = 0, changed = 0;
    for (const r of results) {
      if (r.result === false) failed++;
      else succeeded++;
      if (Object.keys(r.changes ?? {}).length) changed++;
    }
    const insertRun = this.db.prepare(
      'INSERT OR REPLACE INTO host_runs (jid, host, status, succeeded, failed, changed, total, duration_ms, errors, warnings, finished_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
    );
    const insertResult = this.db.prepare(
      'INSERT OR REPLACE INTO state_results (jid, host, tag, id, name, sls, result, changes, comment, start_time, duration_ms, run_num) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
    );
    this.db.transaction(() => {
      this.db.prepare('DELETE FROM state_results WHERE jid = ? AND host = ?').run(jid, run.host);
      insertRun.run(jid, run.host, run.status, succeeded, failed, changed, results.length, run.durationMs ?? 0, JSON.stringify(run.errors ?? []), JSON.stringify(run.warnings ?? []), (run.finishedAt ?? new Date()).toISOString());
      for (const r of results) {
        insertResult.run(jid, run.host, r.tag, r.id, r.name, r.sls, r.result === null ? null : r.result ? 1 : 0, JSON.stringify(r.changes ?? {}), r.comment ?? '', r.start_time ?? '', r.duration_ms ?? 0, r.run_num);
      }
    })();
  }

  job(jid: string): JobRecord | undefined {
    const row = this.db.prepare<JobRow>('SELECT * FROM jobs WHERE jid = ?').get(jid);
    return row && toJob(row);
  }

  /** The most recent jobs first. */
  jobs(opts: { limit?: number } = {}): JobRecord[] {
    return this.db.prepare<JobRow>('SELECT * FROM jobs ORDER BY started_at DESC, jid DESC LIMIT ?').all(opts.limit ?? 50).map(toJob);
  }

  hostRuns(jid: string): HostRunRecord[] {
    return this.db.prepare<HostRunRow>('SELECT * FROM host_runs WHERE jid = ? ORDER BY host').all(jid).map(toHostRun);
  }

  /** A host's results in a job, in run order. */
  stateResults(jid: string, host: string): StateResult[] {
    return this.db.prepare<ResultRow>('SELECT * FROM state_results WHERE jid = ? AND host = ? ORDER BY run_num, tag').all(jid, host).map(toResult);
  }

  /** The host's most recent highstate or SLS run that was not skipped (ad-hoc commands do not count). */
  lastRun(host: string): HostRunRecord | undefined {
    const row = this.db
      .prepare<HostRunRow>(
        "SELECT h.* FROM host_runs h JOIN jobs j ON j.jid = h.jid WHERE h.host = ? AND h.status != 'blocked' AND j.kind IN ('highstate', 'sls') ORDER BY h.finished_at DESC, h.jid DESC LIMIT 1",
      )
      .get(host);
    return row && toHostRun(row);
  }

  updateInventory(host: string, addresses: readonly string[], grains: Grains, at: Date = new Date()): void {
    this.db
      .prepare('INSERT INTO inventory (host, addresses, grains, updated_at) VALUES (?, ?, ?, ?) ON CONFLICT (host) DO UPDATE SET addresses = excluded.addresses, grains = excluded.grains, updated_at = excluded.updated_at')
      .run(host, JSON.stringify(addresses), JSON.stringify(grains), at.toISOString());
  }

  inventory(): InventoryRecord[] {
    return this.db
      .prepare<InventoryRow>('SELECT * FROM inventory ORDER BY host')
      .all()
      .map((r) => ({ host: r.host, addresses: JSON.parse(r.addresses), grains: JSON.parse(r.grains), updatedAt: r.updated_at }));
  }

  /** Days jobs are kept (default 30). */
  retentionDays(): number {
    const row = this.db.prepare<{ value: string }>('SELECT value FROM settings WHERE key = ?').get(RETENTION_KEY);
    return row ? Number(row.value) : DEFAULT_RETENTION_DAYS;
  }

  setRetentionDays(days: number): void {
    if (!Number.isFinite(days) || days <= 0) throw new Error(`retention must be a positive number of days, not ${days}`);
    this.db.prepare('INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value').run(RETENTION_KEY, String(days));
  }

  /** Deletes jobs (with their runs and results) started before the retention period; returns how many. */
  prune(now: Date = new Date()): number {
    const cutoff = new Date(now.getTime() - this.retentionDays() * DAY_MS).toISOString();
    return this.db.prepare("DELETE FROM jobs WHERE started_at < ? AND status != 'running'").run(cutoff).changes;
  }
}
