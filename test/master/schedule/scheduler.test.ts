// Schedule ticks through the daemon's launcher on in-process hosts (no SSH, the real job store in a
// temporary directory): a tick runs a highstate of its level, a tick whose hosts are busy is recorded
// as skipped, a test-mode tick records drift (redacted) that GET /hosts, /metrics and `halite drift`
// show, a tick that cannot be planned is recorded as an error, and stopping cancels a tick in its splay.
import t from 'tap';
import { join } from 'node:path';
import { writeFileSync } from 'node:fs';
import type { ScheduleSpec } from '../../../master/config/schedules.ts';
import { Scheduler } from '../../../master/schedule/scheduler.ts';
import { apiFixture, closeGate } from '../api/api-fixture.ts';
import { SECRET, halite } from '../jobs/job-tree.ts';

const spec = (over: Partial<ScheduleSpec> = {}): ScheduleSpec => ({
  name: 'drift-check',
  level: 'staging',
  roles: [],
  cron: '0 3 * * *',
  mode: 'test',
  splay: 0,
  ...over,
});

t.test(
  'a tick runs; a tick while its hosts are busy is skipped and says why; the test run records drift',
  async (t) => {
    const f = apiFixture();
    t.teardown(() => f.close());
    const logs: string[] = [];
    const scheduler = new Scheduler({
      schedules: [],
      launcher: f.context.launcher,
      store: f.store,
      log: (m) => logs.push(m),
    });
    closeGate(f);
    const first = await scheduler.fire(spec());
    if (!('ran' in first)) throw new Error(`the first tick did not run: ${JSON.stringify(first)}`);
    t.same(first.ran.hosts.sort(), ['cache1', 'cache2', 'web1']);
    const apply = await scheduler.fire(spec({ name: 'nightly', mode: 'apply', roles: ['web'] }));
    if (!('skipped' in apply)) throw new Error(`the overlapping tick was not skipped: ${JSON.stringify(apply)}`);
    t.equal(apply.skipped.skipped, `skipped: job ${first.ran.jid} (schedule:drift-check) is running on web1`);
    f.gate.release();
    await f.context.launcher.idle();

    const jobs = JSON.parse((await f.app.inject({ method: 'GET', url: '/jobs', headers: f.auth })).body).jobs;
    const byJid = new Map(jobs.map((j: { jid: string }) => [j.jid, j]));
    t.match(
      byJid.get(first.ran.jid),
      { status: 'failed', origin: 'schedule', who: 'drift-check', test: true, reason: '' },
      'cache2 fails its state',
    );
    t.match(byJid.get(apply.skipped.jid), {
      status: 'skipped',
      origin: 'schedule',
      who: 'nightly',
      test: false,
      hosts: ['web1'],
      reason: apply.skipped.skipped,
    });
    t.ok(
      logs.some((l) => l.includes(`job ${apply.skipped.jid} skipped`)),
      'the daemon log says so',
    );

    const hosts = JSON.parse((await f.app.inject({ method: 'GET', url: '/hosts', headers: f.auth })).body).hosts;
    const cache1 = hosts.find((h: { id: string }) => h.id === 'cache1');
    t.match(cache1.drift, { jid: first.ran.jid, mode: 'test', drifted: true });
    t.same(
      cache1.drift.states.map((s: { id: string }) => s.id),
      ['conf'],
    );
    t.notMatch(JSON.stringify(hosts), SECRET, 'what would change is redacted');
    t.match(cache1.drift.states[0].comment, 'wrote password **REDACTED**');
    t.match(
      hosts.find((h: { id: string }) => h.id === 'cache2').drift,
      { mode: 'test', drifted: false, states: [] },
      'a failed state is no drift',
    );
    t.equal(hosts.find((h: { id: string }) => h.id === 'web1').drift, null, 'a blocked host was not checked');

    const metrics = (await f.app.inject({ method: 'GET', url: '/metrics', headers: f.auth })).body;
    t.match(metrics, /^halite_drifted_hosts 1$/m);
    t.match(metrics, /^halite_host_drifted_states\{host="cache1"\} 1$/m);
    t.match(metrics, /^halite_jobs_total\{kind="highstate",status="skipped"\} 1$/m);

    const cli = await halite(join(f.dir, 'halite.yaml'), join(f.dir, 'hosts'), ['drift']);
    t.equal(cli.code, 0);
    t.match(cli.out, /^cache1 \(staging\): 1 state would change/m);
    t.match(cli.out, /^ {4}ok: conf$/m);
    t.notMatch(cli.out, SECRET);
    t.match(cli.out, /^drift: 1 host drifted, 1 host in line, 1 host never checked$/m);
    const json = JSON.parse(
      (await halite(join(f.dir, 'halite.yaml'), join(f.dir, 'hosts'), ['drift', '--out', 'json', '--level', 'staging']))
        .out,
    );
    t.same(
      json.drifted.map((d: { host: string }) => d.host),
      ['cache1'],
    );
    t.same(json.unchecked, ['web1']);
    const listed = await halite(join(f.dir, 'halite.yaml'), join(f.dir, 'hosts'), ['jobs', '--status', 'skipped']);
    t.match(listed.out, new RegExp(`${apply.skipped.jid} .* skipped .* schedule:nightly`));
    const shown = await halite(join(f.dir, 'halite.yaml'), join(f.dir, 'hosts'), ['jobs', 'show', apply.skipped.jid]);
    t.match(shown.err, `was not run: ${apply.skipped.skipped}`);

    const again = await scheduler.fire(spec({ name: 'nightly', mode: 'apply', roles: ['web'] }));
    t.ok('ran' in again, 'once the hosts are free the next tick runs');
    await f.context.launcher.idle();
    await scheduler.stop();
  },
);

t.test('a tick that cannot be planned is recorded as an error with the reason', async (t) => {
  const f = apiFixture();
  t.teardown(() => f.close());
  writeFileSync(join(f.dir, 'halite.yaml'), 'levels: [oops]\n');
  const scheduler = new Scheduler({
    schedules: [],
    launcher: f.context.launcher,
    store: f.store,
    log: () => undefined,
  });
  const out = await scheduler.fire(spec());
  if (!('failed' in out)) throw new Error(`not failed: ${JSON.stringify(out)}`);
  const [job] = f.store.jobs({ status: 'error' });
  t.match(job, { origin: 'schedule', who: 'drift-check' });
  t.match(job.reason, /invalid configuration/);
  t.match(job.reason, /levels: expected a map/);
});

t.test('stopping the scheduler cancels a tick waiting out its splay: nothing is started or recorded', async (t) => {
  const f = apiFixture();
  t.teardown(() => f.close());
  const scheduler = new Scheduler({
    schedules: [],
    launcher: f.context.launcher,
    store: f.store,
    log: () => undefined,
    random: () => 0.5,
  });
  const tick = scheduler.fire(spec({ splay: 3600 }));
  await scheduler.stop();
  t.same(await tick, { stopped: true });
  t.same(f.store.jobs(), []);
});

t.test('the cron tasks start with the schedules and stop with the scheduler', async (t) => {
  const f = apiFixture();
  t.teardown(() => f.close());
  const logs: string[] = [];
  const scheduler = new Scheduler({
    schedules: [spec({ splay: 60 })],
    launcher: f.context.launcher,
    store: f.store,
    log: (m) => logs.push(m),
  });
  scheduler.start();
  t.same(logs, ["schedule drift-check: test run of level staging at '0 3 * * *', splay 60s"]);
  await scheduler.stop();
});
