// A scheduled run starts only when none of its hosts is busy with a running job; otherwise it is
// recorded as skipped, saying which job holds which hosts. The real job store, in a temporary directory.
import t from 'tap';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { currentProcess } from '../../../master/jobs/process-identity.ts';
import { JobStore } from '../../../master/jobs/store.ts';

const dir = mkdtempSync(join(tmpdir(), 'halite-claim-'));
t.teardown(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;
const open = () => JobStore.open(join(dir, `db${++n}`, 'jobs.sqlite'));
const scheduled = (store: JobStore, hosts: string[]) =>
  store.claimJob({
    jid: store.newJid(),
    kind: 'highstate',
    hosts,
    test: true,
    origin: 'schedule',
    who: 'drift-check',
    args: { level: ['staging'] },
  });

t.test('free hosts: the job is started and holds its hosts', async (t) => {
  const store = open();
  const { job, busy } = scheduled(store, ['a', 'b']);
  t.same(busy, []);
  t.equal(job.status, 'running');
  t.same(job.hosts, ['a', 'b']);
  t.equal(job.origin, 'schedule');
  t.same(
    store.busyHosts(['b', 'c']).map((b) => [b.host, b.jid]),
    [['b', job.jid]],
  );
  // the job runs under the id it claimed: the orchestrator's record completes it
  const again = store.startJob({
    jid: job.jid,
    kind: 'highstate',
    test: true,
    args: { level: ['staging'], role: [] },
    hosts: ['a', 'b'],
  });
  t.equal(again.startedAt, job.startedAt);
  t.same(again.args, { level: ['staging'], role: [] });
  store.finishJob(job.jid, 'ok');
  t.same(store.busyHosts(['a', 'b']), [], 'a finished job holds nothing');
  t.throws(() => store.startJob({ jid: job.jid, kind: 'highstate' }), /already recorded and has finished/);
  store.close();
});

t.test('a host busy with a command-line job: the tick is recorded as skipped with the reason', async (t) => {
  const store = open();
  const cli = store.startJob({ kind: 'highstate', origin: 'cli', who: 'alice', hosts: ['b', 'c'] });
  store.startHostRun(cli.jid, 'b');
  const { job, busy } = scheduled(store, ['a', 'b']);
  t.same(busy, [{ host: 'b', jid: cli.jid, origin: 'cli', who: 'alice' }]);
  t.equal(job.status, 'skipped');
  t.equal(job.reason, `skipped: job ${cli.jid} (cli:alice) is running on b`);
  t.ok(job.finishedAt, 'a skipped job is finished at once');
  t.equal(job.durationMs, 0);
  t.same(
    store.hostRuns(job.jid).map((r) => [r.host, r.status, r.reason]),
    [
      ['a', 'blocked', 'a: not run because the scheduled run was skipped'],
      ['b', 'blocked', `b: busy with job ${cli.jid} (cli:alice)`],
    ],
  );
  t.same(
    store.jobs({ status: 'skipped' }).map((j) => j.jid),
    [job.jid],
    'listed as skipped',
  );
  t.same(
    store
      .jobs({ host: 'b' })
      .map((j) => j.jid)
      .sort(),
    [cli.jid, job.jid].sort(),
    'and with the host',
  );
  t.equal(store.job(cli.jid)?.status, 'running', 'the running job is left alone');
  store.close();
});

t.test('hosts busy with several jobs: the reason names each job and its hosts', async (t) => {
  const store = open();
  const api = store.startJob({ kind: 'highstate', origin: 'api', who: 'deploy-bot', hosts: ['a'] });
  const other = scheduled(store, ['b', 'c']).job;
  const { job, busy } = scheduled(store, ['a', 'b', 'c', 'd']);
  t.same(
    busy.map((b) => b.host),
    ['a', 'b', 'c'],
  );
  t.equal(
    job.reason,
    `skipped: job ${api.jid} (api:deploy-bot) is running on a; job ${other.jid} (schedule:drift-check) is running on b, c`,
  );
  store.close();
});

t.test('an ad-hoc command recorded without its planned hosts still holds the hosts it runs on', async (t) => {
  const store = open();
  const run = store.startJob({ kind: 'run', origin: 'cli', who: 'bob' });
  store.db.prepare('UPDATE jobs SET hosts = NULL WHERE jid = ?').run(run.jid);
  store.startHostRun(run.jid, 'a');
  t.same(
    scheduled(store, ['a']).busy.map((b) => b.jid),
    [run.jid],
  );
  store.close();
});

t.test(
  'a job whose master process has ended does not hold its hosts: it is interrupted and the tick runs',
  async (t) => {
    const store = open();
    const me = currentProcess();
    const dead = store.startJob({
      kind: 'highstate',
      origin: 'schedule',
      who: 'nightly',
      hosts: ['a'],
      master: { pid: me.pid, start: `${me.start}-earlier` },
    });
    store.startHostRun(dead.jid, 'a');
    const { job, busy } = scheduled(store, ['a']);
    t.same(busy, []);
    t.equal(job.status, 'running');
    t.equal(store.job(dead.jid)?.status, 'interrupted');
    t.equal(store.hostRun(dead.jid, 'a')?.status, 'interrupted');
    store.close();
  },
);

t.test('two stores on one database (two masters): the second claim sees the first', async (t) => {
  const file = join(dir, 'shared', 'jobs.sqlite');
  const one = JobStore.open(file);
  const two = JobStore.open(file);
  const first = scheduled(one, ['a']);
  const second = scheduled(two, ['a']);
  t.equal(first.job.status, 'running');
  t.equal(second.job.status, 'skipped');
  t.same(
    second.busy.map((b) => b.jid),
    [first.job.jid],
  );
  one.close();
  two.close();
});

t.test('a job that could not be planned is recorded as an error with the reason', async (t) => {
  const store = open();
  const job = store.recordNotRun(
    { jid: store.newJid(), kind: 'highstate', origin: 'schedule', who: 'nightly', test: false },
    'error',
    'invalid configuration',
  );
  t.equal(job.status, 'error');
  t.equal(job.reason, 'invalid configuration');
  t.same(job.hosts, null);
  store.close();
});
