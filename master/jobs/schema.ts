// The job store's tables. Each migration brings the database from version N-1 to N (SQLite's
// user_version); a database newer than this code is refused rather than guessed at.
import type { Database } from './sqlite.ts';

export const MIGRATIONS: readonly string[] = [
  // 1: jobs, per-host runs, state results, inventory, settings
  `
  CREATE TABLE jobs (
    jid TEXT PRIMARY KEY,
    kind TEXT NOT NULL CHECK (kind IN ('highstate', 'sls', 'run')),
    args TEXT NOT NULL DEFAULT '{}',
    test INTEGER NOT NULL DEFAULT 0,
    started_at TEXT NOT NULL,
    finished_at TEXT,
    status TEXT NOT NULL DEFAULT 'running',
    who TEXT NOT NULL DEFAULT ''
  );
  CREATE INDEX jobs_started ON jobs (started_at);

  CREATE TABLE host_runs (
    jid TEXT NOT NULL REFERENCES jobs (jid) ON DELETE CASCADE,
    host TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('ok', 'changed', 'failed', 'unreachable', 'error', 'blocked')),
    succeeded INTEGER NOT NULL DEFAULT 0,
    failed INTEGER NOT NULL DEFAULT 0,
    changed INTEGER NOT NULL DEFAULT 0,
    total INTEGER NOT NULL DEFAULT 0,
    duration_ms REAL NOT NULL DEFAULT 0,
    errors TEXT NOT NULL DEFAULT '[]',
    finished_at TEXT NOT NULL,
    PRIMARY KEY (jid, host)
  );
  CREATE INDEX host_runs_host ON host_runs (host, finished_at);

  CREATE TABLE state_results (
    jid TEXT NOT NULL,
    host TEXT NOT NULL,
    tag TEXT NOT NULL,
    id TEXT NOT NULL,
    name TEXT NOT NULL,
    sls TEXT NOT NULL,
    result INTEGER,
    changes TEXT NOT NULL DEFAULT '{}',
    comment TEXT NOT NULL DEFAULT '',
    start_time TEXT NOT NULL DEFAULT '',
    duration_ms REAL NOT NULL DEFAULT 0,
    run_num INTEGER NOT NULL,
    PRIMARY KEY (jid, host, tag),
    FOREIGN KEY (jid, host) REFERENCES host_runs (jid, host) ON DELETE CASCADE
  );

  CREATE TABLE inventory (
    host TEXT PRIMARY KEY,
    addresses TEXT NOT NULL DEFAULT '[]',
    grains TEXT NOT NULL DEFAULT '{}',
    updated_at TEXT NOT NULL
  );

  CREATE TABLE settings (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
  );
  `,
  // 2: a host run can end in 'timeout' (the table is rebuilt: SQLite cannot change a CHECK in place)
  `
  CREATE TABLE host_runs_new (
    jid TEXT NOT NULL REFERENCES jobs (jid) ON DELETE CASCADE,
    host TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('ok', 'changed', 'failed', 'unreachable', 'timeout', 'error', 'blocked')),
    succeeded INTEGER NOT NULL DEFAULT 0,
    failed INTEGER NOT NULL DEFAULT 0,
    changed INTEGER NOT NULL DEFAULT 0,
    total INTEGER NOT NULL DEFAULT 0,
    duration_ms REAL NOT NULL DEFAULT 0,
    errors TEXT NOT NULL DEFAULT '[]',
    finished_at TEXT NOT NULL,
    PRIMARY KEY (jid, host)
  );
  INSERT INTO host_runs_new SELECT * FROM host_runs;
  DROP TABLE host_runs;
  ALTER TABLE host_runs_new RENAME TO host_runs;
  CREATE INDEX host_runs_host ON host_runs (host, finished_at);
  `,
  // 3: a host run carries warnings (reported facts the master dropped)
  `
  ALTER TABLE host_runs ADD COLUMN warnings TEXT NOT NULL DEFAULT '[]';
  `,
  // 4: the master process that runs a job (pid and start time), host runs that are still running or
  // were interrupted, when a host run started, host runs whose outcome the master did not receive
  // (unresolved) and those completed later from the record the agent kept (recovered_at)
  `
  ALTER TABLE jobs ADD COLUMN master_pid INTEGER;
  ALTER TABLE jobs ADD COLUMN master_start TEXT NOT NULL DEFAULT '';

  CREATE TABLE host_runs_new (
    jid TEXT NOT NULL REFERENCES jobs (jid) ON DELETE CASCADE,
    host TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('running', 'ok', 'changed', 'failed', 'unreachable', 'timeout', 'error', 'blocked', 'interrupted')),
    succeeded INTEGER NOT NULL DEFAULT 0,
    failed INTEGER NOT NULL DEFAULT 0,
    changed INTEGER NOT NULL DEFAULT 0,
    total INTEGER NOT NULL DEFAULT 0,
    duration_ms REAL NOT NULL DEFAULT 0,
    errors TEXT NOT NULL DEFAULT '[]',
    warnings TEXT NOT NULL DEFAULT '[]',
    started_at TEXT,
    finished_at TEXT,
    unresolved INTEGER NOT NULL DEFAULT 0,
    recovered_at TEXT,
    PRIMARY KEY (jid, host)
  );
  INSERT INTO host_runs_new (jid, host, status, succeeded, failed, changed, total, duration_ms, errors, warnings, finished_at)
    SELECT jid, host, status, succeeded, failed, changed, total, duration_ms, errors, warnings, finished_at FROM host_runs;
  DROP TABLE host_runs;
  ALTER TABLE host_runs_new RENAME TO host_runs;
  CREATE INDEX host_runs_host ON host_runs (host, finished_at);
  CREATE INDEX host_runs_unresolved ON host_runs (host) WHERE unresolved = 1;
  `,
  // 5: who or what started a job (origin: cli, schedule, api; `who` names the user, schedule or
  // token), and what reprinting a job's output needs: its wall time, each host's place in the
  // job's host order and why a host was not run, each state's warnings; the API's tokens (only their sha256 is kept)
  `
  ALTER TABLE jobs ADD COLUMN origin TEXT NOT NULL DEFAULT 'cli' CHECK (origin IN ('cli', 'schedule', 'api'));
  ALTER TABLE jobs ADD COLUMN duration_ms REAL;
  CREATE INDEX jobs_status ON jobs (status, started_at);
  ALTER TABLE host_runs ADD COLUMN position INTEGER NOT NULL DEFAULT 0;
  ALTER TABLE host_runs ADD COLUMN reason TEXT NOT NULL DEFAULT '';
  ALTER TABLE state_results ADD COLUMN warnings TEXT NOT NULL DEFAULT '[]';

  CREATE TABLE api_tokens (
    name TEXT PRIMARY KEY,
    sha256 TEXT NOT NULL,
    created_at TEXT NOT NULL,
    last_used_at TEXT
  );
  `,
  // 6: the hosts a job was planned for (a scheduled run is skipped while one of them is busy) and why
  // a job did not run (status 'skipped'); drift: what the last test-mode highstate of each host
  // found would change, per state, and when each host was last checked or converged
  `
  ALTER TABLE jobs ADD COLUMN hosts TEXT;
  ALTER TABLE jobs ADD COLUMN reason TEXT NOT NULL DEFAULT '';

  CREATE TABLE drift_checks (
    host TEXT PRIMARY KEY,
    jid TEXT NOT NULL,
    mode TEXT NOT NULL CHECK (mode IN ('test', 'apply')),
    checked_at TEXT NOT NULL,
    states INTEGER NOT NULL DEFAULT 0
  );

  CREATE TABLE drift (
    host TEXT NOT NULL,
    tag TEXT NOT NULL,
    jid TEXT NOT NULL,
    id TEXT NOT NULL,
    name TEXT NOT NULL,
    sls TEXT NOT NULL,
    changes TEXT NOT NULL DEFAULT '{}',
    comment TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (host, tag)
  );
  `,
];

export const SCHEMA_VERSION = MIGRATIONS.length;

/**
 * Brings `db` to SCHEMA_VERSION; returns the version it was at. Foreign keys are off while tables
 * are rebuilt (dropping a referenced table would otherwise cascade), and checked before each commit.
 */
export function migrate(db: Database): number {
  const from = Number(db.pragma('user_version', { simple: true }));
  if (from > SCHEMA_VERSION) {
    throw new Error(
      `the job database has schema version ${from}, newer than this halite understands (${SCHEMA_VERSION})`,
    );
  }
  if (from === SCHEMA_VERSION) return from;
  const fk = Number(db.pragma('foreign_keys', { simple: true }));
  db.pragma('foreign_keys = OFF');
  try {
    for (let v = from; v < SCHEMA_VERSION; v++) {
      db.transaction(() => {
        db.exec(MIGRATIONS[v]);
        const broken = db.pragma('foreign_key_check') as unknown[];
        if (broken.length)
          throw new Error(`job database migration ${v + 1}: ${broken.length} rows break a foreign key`);
        db.pragma(`user_version = ${v + 1}`);
      })();
    }
  } finally {
    db.pragma(`foreign_keys = ${fk ? 'ON' : 'OFF'}`);
  }
  return from;
}
