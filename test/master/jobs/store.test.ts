import t from 'tap';
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { StateResult } from '../../../agent/protocol.ts';
import { redact } from '../../../agent/pillar/redact.ts';
import { MIGRATIONS, SCHEMA_VERSION, migrate } from '../../../master/jobs/schema.ts';
import { openDatabase } from '../../../master/jobs/sqlite.ts';
import { JobStore, makeJid } from '../../../master/jobs/store.ts';

const dir = mkdtempSync(join(tmpdir(), 'halite-jobs-'));
t.teardown(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;
const dbFile = () => join(dir, `sub${++n}`, 'jobs.sqlite');

function result(tag: string, run_num: number, extra: Partial<StateResult> = {}): StateResult {
  const [, id, name] = tag.split('_|-');
  return {
    tag,
    id,
    name,
    sls: 'memcached',
    result: true,
    changes: {},
    comment: 'ok',
    start_time: '10:00:00.000000',
    duration_ms: 1.5,
    run_num,
    ...extra,
  };
}

t.test('jid: Salt form, unique within a store even in the same millisecond', async (t) => {
  t.equal(makeJid(new Date('2026-11-22T08:09:10.123Z')), '20261122080910123000');
  const store = JobStore.open(':memory:');
  const at = new Date('2026-11-22T08:09:10.123Z');
  const a = store.newJid(at);
  const b = store.newJid(at);
  t.equal(a, '20261122080910123000');
  t.equal(b, '20261122080910123001');
  store.close();
});

t.test('schema: created in a new directory, WAL, migrated to the current version, reopened unchanged', async (t) => {
  const file = dbFile();
  const store = JobStore.open(file);
  t.equal(store.db.pragma('journal_mode', { simple: true }), 'wal');
  t.equal(store.db.pragma('user_version', { simple: true }), SCHEMA_VERSION);
  const tables = store.db
    .prepare<unknown[], { name: string }>("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
    .all()
    .map((r) => r.name);
  t.same(tables, [
    'api_tokens',
    'drift',
    'drift_checks',
    'host_runs',
    'inventory',
    'jobs',
    'settings',
    'state_results',
  ]);
  store.startJob({ kind: 'highstate' });
  store.close();
  const again = JobStore.open(file);
  t.equal(again.jobs().length, 1);
  t.equal(migrate(again.db), SCHEMA_VERSION, 'nothing left to migrate');
  again.close();
});

t.test('schema: a database newer than the code is refused', async (t) => {
  const file = dbFile();
  JobStore.open(file).close();
  const db = openDatabase(file);
  db.pragma(`user_version = ${MIGRATIONS.length + 1}`);
  db.close();
  t.throws(
    () => JobStore.open(file),
    new RegExp(
      `schema version ${MIGRATIONS.length + 1}, newer than this halite understands \\(${MIGRATIONS.length}\\)`,
    ),
  );
});

t.test('schema 1 to 2: host runs keep their rows and results, and may now end in timeout', async (t) => {
  const file = dbFile();
  mkdirSync(join(file, '..'), { recursive: true });
  const old = openDatabase(file);
  old.pragma('foreign_keys = ON');
  old.exec(MIGRATIONS[0]);
  old.pragma('user_version = 1');
  old.prepare("INSERT INTO jobs (jid, kind, started_at) VALUES ('j1', 'highstate', '2026-11-22T08:00:00Z')").run();
  old
    .prepare(
      "INSERT INTO host_runs (jid, host, status, finished_at) VALUES ('j1', 'mem1', 'ok', '2026-11-22T08:01:00Z')",
    )
    .run();
  old
    .prepare(
      "INSERT INTO state_results (jid, host, tag, id, name, sls, run_num) VALUES ('j1', 'mem1', 't', 'i', 'n', 's', 1)",
    )
    .run();
  t.throws(
    () =>
      old.prepare("INSERT INTO host_runs (jid, host, status, finished_at) VALUES ('j1', 'x', 'timeout', 'now')").run(),
    /CHECK/,
    'version 1 refuses timeout',
  );
  old.close();

  const store = JobStore.open(file);
  t.equal(store.db.pragma('user_version', { simple: true }), SCHEMA_VERSION);
  t.equal(store.db.pragma('foreign_keys', { simple: true }), 1, 'foreign keys on again');
  t.same(
    store.hostRuns('j1').map((r) => [r.host, r.status]),
    [['mem1', 'ok']],
  );
  t.equal(store.stateResults('j1', 'mem1').length, 1, 'results survived the rebuild');
  store.recordHostRun('j1', {
    host: 'web1',
    status: 'timeout',
    errors: [{ code: 'TIMEOUT', message: 'timeout after 2 s', host: 'web1' }],
  });
  store.finishJob('j1', 'timeout');
  t.match(store.job('j1'), { status: 'timeout' });
  t.same(
    store
      .hostRuns('j1')
      .map((r) => r.status)
      .sort(),
    ['ok', 'timeout'],
  );
  store.db.prepare("DELETE FROM jobs WHERE jid = 'j1'").run();
  t.equal(store.hostRuns('j1').length, 0, 'deleting a job still removes its host runs');
  t.equal(
    store.db.prepare<unknown[], { n: number }>('SELECT count(*) AS n FROM state_results').get()!.n,
    0,
    'and their results',
  );
  store.close();
});

t.test('jobs, host runs and results round-trip', async (t) => {
  const store = JobStore.open(':memory:');
  const job = store.startJob({
    kind: 'sls',
    args: { sls: ['memcached'], level: ['staging'] },
    test: true,
    who: 'ops',
    startedAt: new Date('2026-11-22T08:00:00Z'),
  });
  t.match(job, {
    kind: 'sls',
    test: true,
    who: 'ops',
    status: 'running',
    finishedAt: null,
    startedAt: '2026-11-22T08:00:00.000Z',
    args: { sls: ['memcached'] },
  });
  const results = [
    result('pkg_|-memcached_|-memcached_|-installed', 1, { changes: { memcached: { old: '', new: '1.6' } } }),
    result('service_|-memcached_|-memcached_|-running', 2, { result: false, comment: 'not running' }),
    result('file_|-conf_|-/etc/memcached.conf_|-managed', 0, { result: null }),
  ];
  store.recordHostRun(job.jid, {
    host: 'mem1',
    status: 'failed',
    results,
    durationMs: 1234,
    finishedAt: new Date('2026-11-22T08:01:00Z'),
  });
  store.recordHostRun(job.jid, {
    host: 'sess1',
    status: 'unreachable',
    errors: [{ code: 'TRANSPORT', message: 'connection refused', host: 'sess1' }],
  });
  store.finishJob(job.jid, 'unreachable', new Date('2026-11-22T08:02:00Z'));

  t.match(store.job(job.jid), { status: 'unreachable', finishedAt: '2026-11-22T08:02:00.000Z' });
  const runs = store.hostRuns(job.jid);
  t.same(
    runs.map((r) => [r.host, r.status, r.succeeded, r.failed, r.changed, r.total]),
    [
      // a test job: the None result counts as a change (it would change), with the pkg's changes
      ['mem1', 'failed', 2, 1, 2, 3],
      ['sess1', 'unreachable', 0, 0, 0, 0],
    ],
  );
  t.same(runs[1].errors, [{ code: 'TRANSPORT', message: 'connection refused', host: 'sess1' }]);
  const back = store.stateResults(job.jid, 'mem1');
  t.same(
    back.map((r) => r.run_num),
    [0, 1, 2],
    'in run order',
  );
  t.same(
    back.map((r) => r.result),
    [null, true, false],
    'true, false and null kept apart',
  );
  t.same(back[1].changes, { memcached: { old: '', new: '1.6' } });

  // recording a host again replaces its run and results
  store.recordHostRun(job.jid, { host: 'mem1', status: 'ok', results: [results[0]] });
  t.equal(store.stateResults(job.jid, 'mem1').length, 1);
  t.equal(store.hostRuns(job.jid)[0].status, 'ok');
  store.close();
});

t.test('lastRun: the latest highstate or sls run, not blocked hosts nor ad-hoc commands', async (t) => {
  const store = JobStore.open(':memory:');
  const j1 = store.startJob({ kind: 'highstate', startedAt: new Date('2026-11-22T07:00:00Z') });
  store.recordHostRun(j1.jid, { host: 'mem1', status: 'changed', finishedAt: new Date('2026-11-22T07:01:00Z') });
  const j2 = store.startJob({ kind: 'highstate', startedAt: new Date('2026-11-22T07:30:00Z') });
  store.recordHostRun(j2.jid, { host: 'mem1', status: 'blocked', finishedAt: new Date('2026-11-22T07:31:00Z') });
  const j3 = store.startJob({ kind: 'run', startedAt: new Date('2026-11-22T07:40:00Z') });
  store.recordHostRun(j3.jid, { host: 'mem1', status: 'failed', finishedAt: new Date('2026-11-22T07:41:00Z') });
  t.match(store.lastRun('mem1'), { jid: j1.jid, status: 'changed', finishedAt: '2026-11-22T07:01:00.000Z' });
  t.equal(store.lastRun('nobody'), undefined);
  store.close();
});

t.test('inventory: upserted per host', async (t) => {
  const store = JobStore.open(':memory:');
  store.updateInventory('mem1', ['10.0.0.5'], { os: 'Debian' }, new Date('2026-11-22T07:00:00Z'));
  store.updateInventory(
    'mem1',
    ['10.0.0.6', '127.0.0.1'],
    { os: 'Debian', osrelease: '12' },
    new Date('2026-11-22T08:00:00Z'),
  );
  store.updateInventory('db1', ['10.0.0.7'], {});
  t.same(
    store.inventory().map((r) => [r.host, r.addresses]),
    [
      ['db1', ['10.0.0.7']],
      ['mem1', ['10.0.0.6', '127.0.0.1']],
    ],
  );
  t.same(store.inventory()[1].grains, { os: 'Debian', osrelease: '12' });
  store.close();
});

t.test(
  'retention: jobs older than keep_days, and beyond keep_count, are pruned with their runs and results; running jobs stay',
  async (t) => {
    const store = JobStore.open(':memory:');
    const now = new Date('2026-11-22T00:00:00Z');
    const old = store.startJob({ kind: 'highstate', startedAt: new Date('2026-11-10T00:00:00Z') });
    store.recordHostRun(old.jid, { host: 'mem1', status: 'ok', results: [result('test_|-a_|-a_|-nop', 0)] });
    store.finishJob(old.jid, 'ok');
    const stuck = store.startJob({ kind: 'highstate', startedAt: new Date('2026-11-09T00:00:00Z') });
    const recent = store.startJob({ kind: 'highstate', startedAt: new Date('2026-11-20T00:00:00Z') });
    store.finishJob(recent.jid, 'ok');
    t.equal(store.prune({ keepDays: 30 }, now), 0, 'all younger than 30 days');
    t.equal(store.prune({ keepDays: 7 }, now), 1);
    t.same(
      store
        .jobs()
        .map((j) => j.jid)
        .sort(),
      [stuck.jid, recent.jid].sort(),
    );
    t.same(store.hostRuns(old.jid), []);
    t.equal(
      store.db.prepare<unknown[], { n: number }>('SELECT count(*) AS n FROM state_results').get()!.n,
      0,
      'results went with the job',
    );
    const newer = store.startJob({ kind: 'sls', startedAt: new Date('2026-11-21T00:00:00Z') });
    store.finishJob(newer.jid, 'ok');
    t.equal(store.prune({ keepDays: 7, keepCount: 1 }, now), 1, 'only the most recent finished job is kept');
    t.same(
      store
        .jobs()
        .map((j) => j.jid)
        .sort(),
      [stuck.jid, newer.jid].sort(),
      'the running job is not counted nor deleted',
    );
    store.close();
  },
);

t.test(
  'schema 1 to the current version through every step: an existing store keeps its jobs, which read as started from the command line',
  async (t) => {
    const file = dbFile();
    mkdirSync(dirname(file), { recursive: true });
    const db = openDatabase(file);
    db.exec(MIGRATIONS[0]);
    db.pragma('user_version = 1');
    db.prepare(
      "INSERT INTO jobs (jid, kind, started_at, finished_at, status, who) VALUES ('1', 'highstate', '2026-11-22T08:00:00.000Z', '2026-11-22T08:00:02.500Z', 'ok', 'ops')",
    ).run();
    db.prepare(
      "INSERT INTO host_runs (jid, host, status, finished_at) VALUES ('1', 'mem1', 'ok', '2026-11-22T08:00:02.000Z')",
    ).run();
    db.prepare(
      "INSERT INTO state_results (jid, host, tag, id, name, sls, result, run_num) VALUES ('1', 'mem1', 'test_|-a_|-a_|-nop', 'a', 'a', 's', 1, 0)",
    ).run();
    db.close();
    const store = JobStore.open(file);
    t.equal(store.db.pragma('user_version', { simple: true }), SCHEMA_VERSION);
    t.match(store.job('1'), { origin: 'cli', who: 'ops', durationMs: null, status: 'ok' });
    t.match(store.hostRuns('1'), [{ host: 'mem1', position: 0, reason: '' }]);
    t.same(store.stateResults('1', 'mem1')[0].warnings, undefined);
    store.startJob({ kind: 'run', origin: 'api', who: 'deploy-bot' });
    t.throws(
      () => store.db.prepare("INSERT INTO jobs (jid, kind, started_at, origin) VALUES ('x', 'run', '', 'mars')").run(),
      /CHECK/,
    );
    store.close();
  },
);

t.test('jobs(): filtered by host, status and start time; host runs in the job order with warnings kept', async (t) => {
  const store = JobStore.open(':memory:');
  const a = store.startJob({ kind: 'highstate', startedAt: new Date('2026-11-20T00:00:00Z') });
  store.recordHostRun(a.jid, { host: 'web1', status: 'blocked', position: 0, reason: 'web1: cache failed' });
  store.recordHostRun(a.jid, {
    host: 'cache1',
    status: 'changed',
    position: 1,
    results: [result('test_|-a_|-a_|-nop', 0, { warnings: ['w1'] })],
  });
  store.finishJob(a.jid, 'failed', new Date('2026-11-20T00:00:03Z'), 2500);
  const b = store.startJob({ kind: 'sls', startedAt: new Date('2026-11-21T00:00:00Z') });
  store.recordHostRun(b.jid, { host: 'cache1', status: 'ok' });
  store.finishJob(b.jid, 'ok', new Date('2026-11-21T00:00:01Z'));
  t.same(
    store.hostRuns(a.jid).map((r) => [r.host, r.reason]),
    [
      ['web1', 'web1: cache failed'],
      ['cache1', ''],
    ],
  );
  t.same(store.stateResults(a.jid, 'cache1')[0].warnings, ['w1']);
  t.equal(store.job(a.jid)!.durationMs, 2500);
  t.equal(store.job(b.jid)!.durationMs, 1000, 'without a wall time, the time since the start');
  t.same(
    store.jobs({ host: 'web1' }).map((j) => j.jid),
    [a.jid],
  );
  t.same(
    store.jobs({ host: 'cache1' }).map((j) => j.jid),
    [b.jid, a.jid],
  );
  t.same(
    store.jobs({ status: 'failed' }).map((j) => j.jid),
    [a.jid],
  );
  t.same(
    store.jobs({ since: new Date('2026-11-20T12:00:00Z') }).map((j) => j.jid),
    [b.jid],
  );
  t.same(
    store.jobs({ limit: 1 }).map((j) => j.jid),
    [b.jid],
  );
  store.close();
});

t.test('secrets handed in redacted form never reach the database file', async (t) => {
  const file = dbFile();
  const secret = 'hunter2-s3cr3t-Zq9';
  const store = JobStore.open(file);
  const job = store.startJob({ kind: 'highstate' });
  const raw = [
    result('file_|-creds_|-/etc/app/creds_|-managed', 0, {
      comment: `wrote password ${secret}`,
      changes: { diff: `+password: ${secret}\n` },
    }),
    result('cmd_|-login_|-mysql -p' + secret + '_|-run', 1, { name: `mysql -p${secret}` }),
  ];
  const safe = redact(raw, [secret]);
  store.recordHostRun(job.jid, {
    host: 'db1',
    status: 'changed',
    results: safe,
    errors: redact([{ code: 'INTERNAL', message: `failed with ${secret}` }], [secret]),
  });
  store.finishJob(job.jid, 'changed');
  t.match(store.stateResults(job.jid, 'db1')[0].comment, /REDACTED/);
  store.db.pragma('wal_checkpoint(TRUNCATE)');
  store.close();
  const bytes = readdirSync(join(file, '..')).map((f) => readFileSync(join(file, '..', f)));
  t.ok(
    bytes.some((b) => b.includes('REDACTED')),
    'the redacted rows are there',
  );
  t.notOk(
    bytes.some((b) => b.includes(secret)),
    'the secret is in no file of the database',
  );
});

t.test('schema 1 → 3: host runs kept with their results; warnings recorded from then on', async (t) => {
  const file = dbFile();
  mkdirSync(dirname(file));
  const db = openDatabase(file);
  db.pragma('foreign_keys = ON');
  db.exec(MIGRATIONS[0]);
  db.pragma('user_version = 1');
  db.prepare("INSERT INTO jobs (jid, kind, started_at) VALUES ('j1', 'highstate', '2026-01-01T00:00:00Z')").run();
  db.prepare(
    "INSERT INTO host_runs (jid, host, status, total, errors, finished_at) VALUES ('j1', 'vm1', 'ok', 1, '[]', '2026-01-01T00:00:01Z')",
  ).run();
  db.prepare(
    "INSERT INTO state_results (jid, host, tag, id, name, sls, result, run_num) VALUES ('j1', 'vm1', 't', 'i', 'n', 's', 1, 0)",
  ).run();
  db.close();
  const store = JobStore.open(file);
  t.match(store.hostRuns('j1'), [{ host: 'vm1', status: 'ok', total: 1, errors: [], warnings: [] }]);
  t.equal(store.stateResults('j1', 'vm1').length, 1, 'the results survived the rebuild');
  store.recordHostRun('j1', {
    host: 'vm2',
    status: 'timeout',
    errors: [{ code: 'TIMEOUT', message: 'vm2: sent nothing for 300 s' }],
    warnings: [{ code: 'PROTOCOL', message: 'dropped' }],
  });
  t.match(store.hostRuns('j1')[1], {
    host: 'vm2',
    status: 'timeout',
    warnings: [{ code: 'PROTOCOL', message: 'dropped' }],
  });
  store.db.prepare("DELETE FROM jobs WHERE jid = 'j1'").run();
  t.same(
    store.db.prepare('SELECT count(*) AS n FROM state_results').get(),
    { n: 0 },
    'results still follow their host run (foreign keys intact)',
  );
  store.close();
});

t.test(
  'permissions: a new store, its WAL and SHM files and its directory are private, whatever the umask',
  async (t) => {
    const old = process.umask(0o022);
    t.teardown(() => void process.umask(old));
    const file = join(dir, 'fresh', 'var', 'jobs.sqlite');
    const store = JobStore.open(file);
    store.startJob({ kind: 'highstate' });
    t.equal(modeOf(join(dir, 'fresh', 'var')), 0o700, 'var/ is 0700');
    for (const f of [file, `${file}-wal`, `${file}-shm`]) t.equal(modeOf(f), 0o600, `${f.slice(dir.length)} is 0600`);
    store.close();
  },
);

t.test('permissions: an existing world-readable store and directory are tightened at open', async (t) => {
  const old = process.umask(0o022);
  t.teardown(() => void process.umask(old));
  const varDir = join(dir, 'loose', 'var');
  mkdirSync(varDir, { recursive: true, mode: 0o755 });
  chmodSync(varDir, 0o755);
  const file = join(varDir, 'jobs.sqlite');
  const db = openDatabase(file);
  db.pragma('journal_mode = WAL');
  db.exec('CREATE TABLE x (a)');
  const keep = openDatabase(file); // a second connection keeps the WAL and SHM files in place
  keep.prepare('SELECT * FROM x').all();
  for (const f of [file, `${file}-wal`, `${file}-shm`]) {
    chmodSync(f, 0o644);
    t.equal(modeOf(f), 0o644);
  }
  const store = JobStore.open(file);
  t.equal(modeOf(varDir), 0o700, 'var/ tightened to 0700');
  for (const f of [file, `${file}-wal`, `${file}-shm`])
    t.equal(modeOf(f), 0o600, `${f.slice(dir.length)} tightened to 0600`);
  store.close();
  keep.close();
  db.close();
});

t.test('permissions: a shared directory (sticky, like /tmp) is left as it is', async (t) => {
  const shared = join(dir, 'shared');
  mkdirSync(shared);
  chmodSync(shared, 0o1777);
  const store = JobStore.open(join(shared, 'jobs.sqlite'));
  t.equal(statSync(shared).mode & 0o7777, 0o1777);
  t.equal(modeOf(join(shared, 'jobs.sqlite')), 0o600);
  store.close();
});

function modeOf(path: string): number {
  return statSync(path).mode & 0o7777;
}

t.test(
  'schema 3 to 5 through 4: a store written before jobs recorded their master or origin keeps its timeout runs and host warnings',
  async (t) => {
    const file = dbFile();
    mkdirSync(dirname(file), { recursive: true });
    const db = openDatabase(file);
    db.exec(MIGRATIONS[0]);
    db.exec(MIGRATIONS[1]);
    db.exec(MIGRATIONS[2]);
    db.pragma('user_version = 3');
    db.prepare(
      "INSERT INTO jobs (jid, kind, started_at, status, who) VALUES ('r1', 'run', '2026-11-22T08:00:00.000Z', 'timeout', 'ops')",
    ).run();
    db.prepare(
      "INSERT INTO host_runs (jid, host, status, warnings, finished_at) VALUES ('r1', 'web1', 'timeout', ?, '2026-11-22T08:00:05.000Z')",
    ).run(JSON.stringify([{ code: 'PROTOCOL', message: 'dropped' }]));
    db.close();
    const store = JobStore.open(file);
    t.equal(store.db.pragma('user_version', { simple: true }), SCHEMA_VERSION);
    t.match(store.job('r1'), { status: 'timeout', origin: 'cli', who: 'ops', master: null, durationMs: null });
    t.match(store.hostRuns('r1'), [
      {
        host: 'web1',
        status: 'timeout',
        position: 0,
        reason: '',
        warnings: [{ code: 'PROTOCOL', message: 'dropped' }],
        startedAt: null,
        finishedAt: '2026-11-22T08:00:05.000Z',
        unresolved: false,
        recoveredAt: null,
      },
    ]);
    // both steps' columns are there to be written: a run recovered later, placed in the job's order
    store.recordHostRun('r1', { host: 'web2', status: 'ok', position: 1, unresolved: true });
    store.recordHostRun('r1', { host: 'web2', status: 'ok', recoveredAt: new Date('2026-11-22T09:00:00.000Z') });
    t.match(store.hostRun('r1', 'web2'), { position: 1, unresolved: false, recoveredAt: '2026-11-22T09:00:00.000Z' });
    t.same(
      store.jobs({ status: 'timeout' }).map((j) => j.jid),
      ['r1'],
    );
    store.close();
  },
);
