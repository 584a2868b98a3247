import t from 'tap';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AgentEvent, StateResult } from '../../../agent/protocol.ts';
import { MIGRATIONS } from '../../../master/jobs/schema.ts';
import { openDatabase } from '../../../master/jobs/sqlite.ts';
import { currentProcess, processAlive, processStart } from '../../../master/jobs/process-identity.ts';
import { JobStore } from '../../../master/jobs/store.ts';
import { recordRecovered, recoveredRun } from '../../../master/push/recover.ts';

const dir = mkdtempSync(join(tmpdir(), 'halite-interrupted-'));
t.teardown(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;
const dbFile = () => join(dir, `db${++n}.sqlite`);

function result(id: string, run_num: number, extra: Partial<StateResult> = {}): StateResult {
  return {
    tag: `cmd_|-${id}_|-${id}_|-run`,
    id,
    name: id,
    sls: 'base',
    result: true,
    changes: {},
    comment: 'ok',
    start_time: '10:00:00.000000',
    duration_ms: 2,
    run_num,
    ...extra,
  };
}

/** The pid of a process that has ended (and been reaped). */
function deadPid(): number {
  const r = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
  return Number(r.stdout);
}

t.test('process identity: this process is alive; an ended pid or a reused pid (other start time) is not', async (t) => {
  const me = currentProcess();
  t.equal(me.pid, process.pid);
  t.match(me.start, /^[0-9a-f-]*:\d+$/);
  t.ok(processAlive(me));
  t.notOk(processAlive({ pid: deadPid(), start: me.start }), 'the process has ended');
  t.notOk(
    processAlive({ pid: process.pid, start: `${me.start}0` }),
    'same pid, started at another time: another process',
  );
  t.equal(processStart(deadPid()), undefined);
});

t.test(
  'a job left running by a master that is gone becomes interrupted at the next open, with its host runs',
  async (t) => {
    const file = dbFile();
    const store = JobStore.open(file);
    const gone = store.startJob({ kind: 'highstate', master: { pid: deadPid(), start: currentProcess().start } });
    store.recordHostRun(gone.jid, { host: 'web1', status: 'changed', results: [result('a', 0)] });
    store.startHostRun(gone.jid, 'web2');
    const live = store.startJob({ kind: 'highstate' });
    store.startHostRun(live.jid, 'web1');
    t.match(store.hostRun(gone.jid, 'web2'), { status: 'running', finishedAt: null, unresolved: false });
    store.close();

    const again = JobStore.open(file);
    t.equal(again.job(gone.jid)!.status, 'interrupted');
    t.equal(again.job(live.jid)!.status, 'running', 'the job of a live master is left alone');
    t.match(again.hostRun(gone.jid, 'web1'), { status: 'changed', total: 1 }, 'what was recorded stays');
    t.match(again.hostRun(gone.jid, 'web2'), {
      status: 'interrupted',
      unresolved: true,
      errors: [{ code: 'INTERRUPTED', message: /master \(pid \d+\) stopped/ }],
    });
    t.same(again.unresolvedRuns('web2'), [gone.jid]);
    t.same(again.unresolvedRuns('web1'), []);
    again.close();
  },
);

t.test('a pid reused by another process does not keep the job running', async (t) => {
  const store = JobStore.open(':memory:');
  const job = store.startJob({ kind: 'sls', master: { pid: process.pid, start: 'another-boot:1' } });
  t.same(store.interruptOrphans(), [job.jid]);
  t.equal(store.job(job.jid)!.status, 'interrupted');
  store.close();
});

t.test('a version 1 database is migrated with its rows and results kept', async (t) => {
  const file = dbFile();
  const db = openDatabase(file);
  db.exec(MIGRATIONS[0]);
  db.pragma('user_version = 1');
  db.prepare(
    "INSERT INTO jobs (jid, kind, started_at, status) VALUES ('1', 'highstate', '2026-11-01T00:00:00.000Z', 'ok')",
  ).run();
  db.prepare(
    "INSERT INTO host_runs (jid, host, status, total, finished_at) VALUES ('1', 'web1', 'ok', 1, '2026-11-01T00:01:00.000Z')",
  ).run();
  db.prepare(
    "INSERT INTO state_results (jid, host, tag, id, name, sls, result, run_num) VALUES ('1', 'web1', 't', 'i', 'n', 's', 1, 0)",
  ).run();
  db.close();
  const store = JobStore.open(file);
  t.match(store.hostRuns('1'), [
    {
      host: 'web1',
      status: 'ok',
      finishedAt: '2026-11-01T00:01:00.000Z',
      startedAt: null,
      unresolved: false,
      recoveredAt: null,
    },
  ]);
  t.equal(store.stateResults('1', 'web1').length, 1, 'results survive the rebuilt table');
  t.match(store.job('1'), { status: 'ok', master: null });
  store.close();
});

t.test("an unresolved run is rewritten from the agent's record, marked recovered", async (t) => {
  const store = JobStore.open(':memory:');
  const job = store.startJob({ kind: 'highstate' });
  store.startHostRun(job.jid, 'web1');
  store.recordHostRun(job.jid, {
    host: 'web1',
    status: 'error',
    results: [result('a', 0)],
    errors: [{ code: 'TRANSPORT', message: 'connection lost' }],
    unresolved: true,
  });
  store.finishJob(job.jid, 'error');
  const events: AgentEvent[] = [
    { type: 'start', jid: job.jid, host: 'web1', chunks: 2, test: false },
    { type: 'result', ...result('a', 0) },
    { type: 'result', ...result('b', 1, { changes: { pid: 1 } }) },
    {
      type: 'done',
      jid: job.jid,
      host: 'web1',
      summary: { succeeded: 2, failed: 0, changed: 1, total: 2, duration_ms: 4, test: false, stopped: false },
    },
  ];
  t.ok(recordRecovered(store, 'web1', job.jid, events));
  const run = store.hostRun(job.jid, 'web1')!;
  t.match(run, { status: 'changed', total: 2, changed: 1, errors: [], unresolved: false });
  t.type(run.recoveredAt, 'string');
  t.type(run.startedAt, 'string', 'the start time stays');
  t.equal(store.stateResults(job.jid, 'web1').length, 2);
  t.same(store.unresolvedRuns('web1'), []);
  t.notOk(recordRecovered(store, 'web1', job.jid, events), 'only once');
  t.notOk(recordRecovered(store, 'web2', job.jid, events), 'a host with no such run changes nothing');
  store.close();
});

t.test('a record without its end is an error; a run the master stopped is interrupted', async (t) => {
  const r = recoveredRun('web1', [{ type: 'result', ...result('a', 0) }], false);
  t.match(r, { status: 'error', errors: [{ code: 'INTERNAL', message: /ends after 1 states/ }] });
  const done: AgentEvent = {
    type: 'done',
    jid: '1',
    host: 'web1',
    summary: { succeeded: 1, failed: 0, changed: 0, total: 1, duration_ms: 1, test: false, stopped: true },
  };
  t.equal(recoveredRun('web1', [{ type: 'result', ...result('a', 0) }, done], true).status, 'interrupted');
  t.equal(
    recoveredRun(
      'web1',
      [
        { type: 'result', ...result('a', 0) },
        { ...done, summary: { ...done.summary, stopped: false } },
      ],
      true,
    ).status,
    'ok',
  );
});
