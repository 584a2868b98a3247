// Orchestration with a per-host runner written here: the order of waves, the concurrency limit,
// roles blocked by a failed dependency, unreachable hosts, batches, failhard, and the job store.
import t from 'tap';
import type { StateResult } from '../../../agent/protocol.ts';
import { JobStore } from '../../../master/jobs/store.ts';
import {
  type HostRunner,
  type JobEvent,
  type PushResult,
  type PushStatus,
  jobExitCode,
  orchestrate,
} from '../../../master/push/orchestrate.ts';
import type { Role } from '../../../master/config/roles.ts';
import type { RosterHost } from '../../../master/config/roster.ts';

function host(id: string, roles: string[]): RosterHost {
  return { id, host: '10.0.0.1', port: 22, user: 'root', sudo: false, level: 'lab', roles, grains: {} };
}
function role(name: string, dependsOn: string[] = []): Role {
  return { name, file: `/r/${name}.yaml`, description: name, dependsOn, count: {}, ports: [], lines: {} };
}
const ROLES = new Map(
  [
    role('sources'),
    role('mail', ['sources']),
    role('cache', ['sources', 'mail']),
    role('db', ['mail']),
    role('app', ['db', 'cache']),
  ].map((r) => [r.name, r]),
);
const HOSTS = [
  host('app1', ['app']),
  host('db1', ['db']),
  host('db2', ['db']),
  host('cache1', ['cache']),
  host('mail1', ['mail']),
  host('src1', ['sources']),
];

const change: StateResult = {
  tag: 'test_|-a_|-a_|-succeed_with_changes',
  id: 'a',
  name: 'a',
  sls: 's',
  result: true,
  changes: { a: 1 },
  comment: '',
  start_time: '',
  duration_ms: 1,
  run_num: 0,
};

/** A runner that records the order and overlap of calls and answers with `status(host)`. */
function recorder(status: (id: string) => PushStatus = () => 'changed', delay = 5) {
  const order: string[] = [];
  let active = 0;
  let maxActive = 0;
  const run: HostRunner = async (h, opts) => {
    order.push(h.id);
    active++;
    maxActive = Math.max(maxActive, active);
    await new Promise((r) => setTimeout(r, delay));
    active--;
    const s = status(h.id);
    const r: PushResult = {
      host: h.id,
      status: s,
      results: s === 'changed' ? [change] : [],
      errors: [],
      durationMs: delay,
    };
    if (s === 'unreachable') r.errors = [{ code: 'TRANSPORT', message: `${h.id}: connection refused`, host: h.id }];
    if (s === 'error') r.errors = [{ code: 'RENDER_YAML', message: 'bad yaml', host: h.id }];
    if (s === 'failed') r.results = [{ ...change, result: false, changes: {} }];
    if (opts.test) r.results = r.results.map((x) => ({ ...x, result: null }));
    return r;
  };
  return {
    run,
    order,
    get maxActive() {
      return maxActive;
    },
  };
}

t.test('waves run in dependency order; hosts of a wave together', async (t) => {
  const rec = recorder();
  const events: JobEvent[] = [];
  const job = await orchestrate({ hosts: HOSTS, roles: ROLES, run: rec.run, onEvent: (e) => events.push(e) });
  t.same(
    job.waves.map((w) => w.roles),
    [['sources'], ['mail'], ['cache', 'db'], ['app']],
  );
  t.same(rec.order.slice(0, 2), ['src1', 'mail1']);
  t.same(rec.order.slice(2, 5).sort(), ['cache1', 'db1', 'db2']);
  t.equal(rec.order[5], 'app1');
  t.equal(rec.maxActive, 3, 'the third wave ran its three hosts at once');
  t.equal(job.status, 'changed');
  t.equal(jobExitCode(job.results), 0);
  t.same(
    events.filter((e) => e.type === 'wave-start').map((e) => (e as { hosts: string[] }).hosts),
    [['src1'], ['mail1'], ['db1', 'db2', 'cache1'], ['app1']],
  );
  t.equal(events[0].type, 'job-start');
  t.equal(events.at(-1)!.type, 'job-done');
});

t.test('concurrency limit holds within a wave', async (t) => {
  const many = Array.from({ length: 7 }, (_, i) => host(`db${i}`, ['db']));
  const rec = recorder(() => 'ok', 10);
  const job = await orchestrate({ hosts: many, roles: ROLES, run: rec.run, concurrency: 2 });
  t.equal(rec.maxActive, 2);
  t.equal(job.results.length, 7);
  t.equal(job.status, 'ok');
});

t.test('a failed role blocks the roles that depend on it, and only those', async (t) => {
  const rec = recorder((id) => (id === 'db2' ? 'failed' : 'changed'));
  const events: JobEvent[] = [];
  const job = await orchestrate({ hosts: HOSTS, roles: ROLES, run: rec.run, onEvent: (e) => events.push(e) });
  t.notOk(rec.order.includes('app1'), 'app depends on db: not run');
  t.ok(rec.order.includes('cache1'), 'cache is in the same wave as db and ran');
  t.same(job.blocked, [{ host: 'app1', reason: 'app1: app: not run because db failed on db2' }]);
  t.ok(events.some((e) => e.type === 'host-blocked' && e.host === 'app1'));
  t.equal(job.status, 'failed');
  t.equal(jobExitCode(job.results), 2);
});

t.test('an unreachable host does not stop the rest of its wave; dependents are blocked; exit 4', async (t) => {
  const rec = recorder((id) => (id === 'cache1' ? 'unreachable' : 'ok'));
  const job = await orchestrate({ hosts: HOSTS, roles: ROLES, run: rec.run });
  t.same(rec.order.slice(2).sort(), ['cache1', 'db1', 'db2']);
  t.same(
    job.blocked.map((b) => b.host),
    ['app1'],
  );
  t.match(job.blocked[0].reason, /could not reach cache1/);
  t.equal(job.status, 'unreachable');
  t.equal(jobExitCode(job.results), 4);
});

t.test('a runner that throws is an error for that host only; transport faults are unreachable', async (t) => {
  const run: HostRunner = async (h) => {
    if (h.id === 'db1') throw Object.assign(new Error('boom'));
    return { host: h.id, status: 'ok', results: [], errors: [], durationMs: 0 };
  };
  const job = await orchestrate({ hosts: [host('db1', ['db']), host('db2', ['db'])], roles: ROLES, run });
  const db1 = job.results.find((r) => r.host === 'db1')!;
  t.match(db1, { status: 'error', errors: [{ code: 'INTERNAL', message: 'boom', host: 'db1' }] });
  t.equal(jobExitCode(job.results), 70);
});

t.test('exit codes: render beats compile beats failed states; unreachable beats them all', async (t) => {
  const r = (status: PushStatus, code?: 'RENDER_YAML' | 'SLS_NOT_FOUND' | 'TRANSPORT'): PushResult => ({
    host: 'h',
    status,
    results: [],
    errors: code ? [{ code, message: 'x' }] : [],
    durationMs: 0,
  });
  t.equal(jobExitCode([r('ok'), r('changed')]), 0);
  t.equal(jobExitCode([r('failed'), r('error', 'SLS_NOT_FOUND')]), 1);
  t.equal(jobExitCode([r('error', 'SLS_NOT_FOUND'), r('error', 'RENDER_YAML')]), 3);
  t.equal(jobExitCode([r('failed'), r('unreachable', 'TRANSPORT'), r('error', 'RENDER_YAML')]), 4);
  t.equal(jobExitCode([r('error', 'TRANSPORT')]), 4, 'a refused host key is a transport error');
});

t.test('batches: one batch after the other within a wave', async (t) => {
  const many = Array.from({ length: 5 }, (_, i) => host(`db${i}`, ['db']));
  const rec = recorder(() => 'ok', 5);
  const events: string[] = [];
  await orchestrate({
    hosts: many,
    roles: ROLES,
    run: rec.run,
    batch: { size: 2 },
    concurrency: 10,
    onEvent: (e) => {
      if (e.type === 'host-start' || e.type === 'host-done')
        events.push(`${e.type === 'host-start' ? '+' : '-'}${e.host}`);
    },
  });
  t.equal(rec.maxActive, 2);
  t.same(events, ['+db0', '+db1', '-db0', '-db1', '+db2', '+db3', '-db2', '-db3', '+db4', '-db4']);
});

t.test('failhard: no host starts after a failure', async (t) => {
  const rec = recorder((id) => (id === 'mail1' ? 'failed' : 'ok'));
  const hosts = [host('mail1', ['mail']), host('mail2', ['mail'])];
  const job = await orchestrate({ hosts, roles: ROLES, run: rec.run, concurrency: 1, failhard: true });
  t.same(rec.order, ['mail1']);
  t.same(
    job.blocked.map((b) => b.host),
    ['mail2'],
  );
});

t.test('test mode and the sls list reach the runner; everything is recorded in the store', async (t) => {
  const store = JobStore.open(':memory:');
  const seen: unknown[] = [];
  const run: HostRunner = async (h, opts) => {
    seen.push(opts);
    if (h.id === 'db1')
      return {
        host: h.id,
        status: 'failed',
        results: [{ ...change, result: false }],
        errors: [],
        durationMs: 3,
        addresses: ['10.0.0.9'],
        grains: { os: 'Debian' },
      };
    return { host: h.id, status: 'changed', results: [change], errors: [], durationMs: 2 };
  };
  const job = await orchestrate({
    hosts: [host('db1', ['db']), host('app1', ['app'])],
    roles: ROLES,
    run,
    store,
    test: true,
    sls: ['memcached'],
    args: { sls: ['memcached'] },
    who: 'ops',
  });
  t.same(seen, [{ jid: job.jid, test: true, wave: 0, sls: ['memcached'] }]);
  t.match(store.job(job.jid), { kind: 'sls', test: true, status: 'failed', who: 'ops', args: { sls: ['memcached'] } });
  t.same(
    store.hostRuns(job.jid).map((r) => [r.host, r.status]),
    [
      ['db1', 'failed'],
      ['app1', 'blocked'],
    ],
    'in the job order',
  );
  t.match(store.hostRuns(job.jid)[1].reason, /^app1: /, 'why app1 was not run');
  t.ok(store.job(job.jid)!.durationMs! >= 0, 'the wall time is kept');
  t.equal(store.stateResults(job.jid, 'db1').length, 1);
  t.same(
    store.inventory().map((r) => [r.host, r.addresses, r.grains]),
    [['db1', ['10.0.0.9'], { os: 'Debian' }]],
  );
  store.close();
});

t.test('rejected hosts are never run: their errors are their result, and their roles count as failed', async (t) => {
  const rec = recorder();
  const events: JobEvent[] = [];
  const errors = [
    {
      code: 'ROSTER' as const,
      message: 'port: expected an integer from 1 to 65535, got the number 0',
      file: '/r/roster.yaml',
      line: 7,
      host: 'db2',
    },
  ];
  const job = await orchestrate({
    hosts: HOSTS,
    roles: ROLES,
    run: rec.run,
    rejected: new Map([['db2', errors]]),
    onEvent: (e) => events.push(e),
  });
  t.notOk(rec.order.includes('db2'), 'not run');
  t.notOk(
    events.some((e) => e.type === 'host-start' && e.host === 'db2'),
    'never shown as running',
  );
  t.same(
    job.results.find((r) => r.host === 'db2'),
    { host: 'db2', status: 'error', results: [], errors, durationMs: 0 },
  );
  t.same(
    job.blocked.map((b) => b.host),
    ['app1'],
    'app depends on db',
  );
  t.equal(jobExitCode(job.results), 5);
});

t.test(
  'a host that timed out or broke the protocol: its own status and exit code; its warnings are recorded',
  async (t) => {
    const store = JobStore.open(':memory:');
    const slow: PushResult = {
      host: 'db1',
      status: 'timeout',
      results: [],
      errors: [{ code: 'TIMEOUT', host: 'db1', message: 'db1: sent nothing for 300 s' }],
      durationMs: 1,
    };
    const liar: PushResult = {
      host: 'db2',
      status: 'ok',
      results: [change],
      errors: [],
      durationMs: 1,
      warnings: [
        {
          code: 'PROTOCOL',
          host: 'db2',
          message: 'dropped reported facts that are not what they claim: address entry "x" (not an IP address)',
        },
      ],
    };
    const job = await orchestrate({
      hosts: [host('db1', ['db']), host('db2', ['db']), host('app1', ['app'])],
      roles: ROLES,
      store,
      run: async (h) =>
        h.id === 'db1'
          ? slow
          : h.id === 'db2'
            ? liar
            : { host: h.id, status: 'ok', results: [], errors: [], durationMs: 1 },
    });
    t.equal(job.status, 'timeout');
    t.same(
      job.blocked.map((b) => b.host),
      ['app1'],
      'a timed-out dependency blocks its dependents',
    );
    t.equal(jobExitCode(job.results), 7);
    t.equal(store.job(job.jid)?.status, 'timeout');
    const runs = store.hostRuns(job.jid);
    t.match(
      runs.find((r) => r.host === 'db1'),
      { status: 'timeout', errors: [{ code: 'TIMEOUT' }] },
    );
    t.match(
      runs.find((r) => r.host === 'db2'),
      { status: 'ok', warnings: [{ code: 'PROTOCOL', message: /not an IP address/ }] },
    );
    const broken: PushResult = {
      host: 'db2',
      status: 'error',
      results: [],
      errors: [{ code: 'PROTOCOL', host: 'db2', message: 'db2: the agent broke the protocol: …' }],
      durationMs: 1,
    };
    t.equal(jobExitCode([slow, broken]), 8, 'a broken protocol outranks a timeout');
    t.equal(
      jobExitCode([slow, { ...broken, errors: [{ code: 'TRANSPORT', message: 'refused' }], status: 'unreachable' }]),
      4,
      'unreachable outranks a timeout',
    );
  },
);

t.test('stopping a job: running hosts are asked to stop, no further host starts, the job is interrupted', async (t) => {
  const store = JobStore.open(':memory:');
  const stop = new AbortController();
  const asked: string[] = [];
  const started: string[] = [];
  const run: HostRunner = async (h, opts) => {
    started.push(h.id);
    t.match(store.hostRun(opts.jid, h.id), { status: 'running' }, 'the host run is recorded as running while it runs');
    if (h.id === 'mail1') stop.abort();
    await new Promise((r) => setTimeout(r, 5));
    if (opts.stop?.aborted) asked.push(h.id);
    const stopped = Boolean(opts.stop?.aborted);
    return { host: h.id, status: stopped ? 'interrupted' : 'changed', results: [change], errors: [], durationMs: 5 };
  };
  const job = await orchestrate({ hosts: HOSTS, roles: ROLES, run, store, stop: stop.signal });
  t.same(started, ['src1', 'mail1'], 'no host started after the stop');
  t.same(asked, ['mail1'], 'the running host saw the stop');
  t.equal(job.status, 'interrupted');
  t.equal(store.job(job.jid)!.status, 'interrupted');
  t.same(job.blocked.map((b) => b.host).sort(), ['app1', 'cache1', 'db1', 'db2']);
  t.match(job.blocked[0].reason, /not run because the job was interrupted/);
  t.match(store.hostRun(job.jid, 'mail1'), { status: 'interrupted', total: 1 });
  t.equal(store.hostRun(job.jid, 'db1')!.status, 'blocked');
  t.equal(jobExitCode(job.results), 130);
  store.close();
});

t.test('the wall time printed, recorded and announced is one and the same', async (t) => {
  const store = JobStore.open(':memory:');
  let clock = 1000;
  const events: JobEvent[] = [];
  const job = await orchestrate({
    hosts: HOSTS,
    roles: ROLES,
    run: recorder().run,
    store,
    now: () => (clock += 7),
    onEvent: (e) => events.push(e),
  });
  t.equal(store.job(job.jid)!.durationMs, job.durationMs);
  t.match(events.at(-1), { type: 'job-done', durationMs: job.durationMs });
  store.close();
});
