// POST /jobs with kind run: an ad-hoc command over a loopback SSH target, through the same code as
// `halite run`, recorded as started by the token, its hosts' outcomes on the bus, never its output.
import t from 'tap';
import { join } from 'node:path';
import { buildApi } from '../../../master/api/app.ts';
import type { ApiEvent } from '../../../master/api/events.ts';
import { TokenStore } from '../../../master/api/tokens.ts';
import { JobStore } from '../../../master/jobs/store.ts';
import { targetFixture } from '../fake-master.ts';
import { closedPort } from '../transport/fake-ssh.ts';

const fx = targetFixture(t);

t.test('a run job: 202 at once, hosts ok and unreachable recorded, outcomes published', async (t) => {
  const dir = fx.master({ web1: ['level: staging'], down1: ['level: staging', `port: ${await closedPort()}`] });
  const store = JobStore.open(join(dir, 'var', 'jobs.sqlite'));
  const token = new TokenStore(store.db).create('ops-bot');
  const { app, context } = buildApi({ store, configFile: join(dir, 'halite.yaml'), env: {}, cwd: dir });
  t.teardown(async () => {
    await app.close();
    await context.launcher.idle();
    store.close();
  });
  const headers = { authorization: `Bearer ${token}` };
  const events: ApiEvent[] = [];
  context.bus.subscribe((e) => events.push(e));

  for (const [body, re] of [
    [{ kind: 'run' }, /needs 'command'/],
    [{ kind: 'run', command: ['true'], test: true }, /'test' not for a run job/],
    [{ kind: 'highstate', command: ['true'] }, /are for a run job/],
    [{ kind: 'run', command: [] }, /command/],
    [{ kind: 'run', command: ['true'], timeout: 0 }, /timeout/],
  ] as const) {
    const r = await app.inject({ method: 'POST', url: '/jobs', headers, payload: body });
    t.equal(r.statusCode, 400, JSON.stringify(body));
    t.match(r.json().message, re);
  }

  const r = await app.inject({
    method: 'POST',
    url: '/jobs',
    headers,
    payload: { kind: 'run', command: ['sh', '-c', 'echo hello'], level: ['staging'] },
  });
  t.equal(r.statusCode, 202, r.body);
  const { jid, hosts } = r.json();
  t.same([...hosts].sort(), ['down1', 'web1']);
  await context.launcher.running.get(jid);

  const job = (await app.inject({ method: 'GET', url: `/jobs/${jid}`, headers })).json();
  t.match(job.job, {
    kind: 'run',
    status: 'unreachable',
    origin: 'api',
    who: 'ops-bot',
    args: { command: ['sh', '-c', 'echo hello'] },
  });
  t.same(job.hosts.map((h: { host: string; status: string }) => [h.host, h.status]).sort(), [
    ['down1', 'unreachable'],
    ['web1', 'ok'],
  ]);
  t.same(
    events.map((e) => e.type),
    ['job-start', 'host-done', 'host-done', 'job-done'],
  );
  t.match(events.at(-1), { type: 'job-done', jid, kind: 'run', status: 'unreachable' });
  t.notMatch(JSON.stringify(events), /hello/, 'the output is not published');
  const metrics = (await app.inject({ method: 'GET', url: '/metrics', headers })).body;
  t.match(metrics, /^halite_jobs_total\{kind="run",status="unreachable"\} 1$/m);
  t.match(metrics, /^halite_host_failures_total\{host="down1"\} 1$/m);
});
