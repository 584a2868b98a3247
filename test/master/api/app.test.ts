// The API through app.inject(), without a socket: authentication, validation, every route, a job
// started over the API running on in-process hosts, its live events, metrics, and no secret anywhere.
import t from 'tap';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { TokenStore } from '../../../master/api/tokens.ts';
import { SECRET } from '../jobs/job-tree.ts';
import { apiFixture, closeGate } from './api-fixture.ts';

const f = apiFixture();
t.teardown(() => f.close());
const { app } = f;

const get = (url: string, headers: Record<string, string> = f.auth) => app.inject({ method: 'GET', url, headers });
const post = (payload: unknown, headers: Record<string, string> = f.auth) =>
  app.inject({ method: 'POST', url: '/jobs', headers, payload: payload as object });

async function runJob(body: Record<string, unknown>): Promise<string> {
  const r = await post(body);
  if (r.statusCode !== 202) throw new Error(r.body);
  const jid = r.json().jid as string;
  await f.context.launcher.running.get(jid);
  return jid;
}

t.test('GET /health needs no token', async (t) => {
  const r = await app.inject({ method: 'GET', url: '/health' });
  t.equal(r.statusCode, 200);
  t.same(r.json(), { status: 'ok' });
});

t.test('every other route needs a valid bearer token', async (t) => {
  const routes: [string, string][] = [
    ['GET', '/jobs'],
    ['GET', '/jobs/20260101000000000000'],
    ['GET', '/jobs/20260101000000000000/hosts/cache1'],
    ['GET', '/hosts'],
    ['GET', '/events'],
    ['GET', '/metrics'],
    ['POST', '/jobs'],
  ];
  const tokens = new TokenStore(f.store.db);
  const revoked = tokens.create('old');
  tokens.revoke('old');
  for (const [method, url] of routes) {
    for (const headers of [
      {},
      { authorization: 'Basic dXNlcjpwYXNz' },
      { authorization: 'Bearer halite_wrong' },
      { authorization: `Bearer ${revoked}` },
      { authorization: `bearer ${f.token}` },
    ]) {
      const r = await app.inject({
        method: method as 'GET',
        url,
        headers,
        ...(method === 'POST' ? { payload: { kind: 'highstate' } } : {}),
      });
      t.equal(r.statusCode, 401, `${method} ${url} ${JSON.stringify(headers)}`);
      t.equal(r.json().code, 'UNAUTHORIZED');
      t.equal(r.headers['www-authenticate'], 'Bearer');
    }
  }
  t.equal(f.store.jobs().length, 0, 'no job was started');
});

t.test('POST /jobs: bad bodies are refused with a stable code and start nothing', async (t) => {
  const cases: [unknown, number, string, RegExp][] = [
    [{ kind: 'highstate', nope: 1 }, 400, 'INVALID_REQUEST', /body: unknown field 'nope'/],
    [{}, 400, 'INVALID_REQUEST', /kind/],
    [{ kind: 'reboot' }, 400, 'INVALID_REQUEST', /kind/],
    [{ kind: 'highstate', test: 'yes' }, 400, 'INVALID_REQUEST', /test/],
    [{ kind: 'highstate', role: 'cache' }, 400, 'INVALID_REQUEST', /role/],
    [{ kind: 'sls' }, 400, 'INVALID_REQUEST', /needs 'sls'/],
    [{ kind: 'highstate', sls: ['ok'] }, 400, 'INVALID_REQUEST', /'sls' is for an sls job/],
    [{ kind: 'highstate', batch: 'lots' }, 400, 'INVALID_REQUEST', /batch/],
    [{ kind: 'highstate', host: ['nosuch*'] }, 400, 'INVALID_TARGET', /nosuch/],
    [{ kind: 'highstate', target: ['G@roles:'] }, 400, 'INVALID_TARGET', /./],
    // nobody is asked: a job names its targets or says all
    [{ kind: 'highstate' }, 400, 'INVALID_TARGET', /no hosts targeted: .*all: true/],
    [{ kind: 'sls', sls: ['ok'] }, 400, 'INVALID_TARGET', /no hosts targeted/],
    [{ kind: 'run', command: ['true'] }, 400, 'INVALID_TARGET', /no hosts targeted/],
    [{ kind: 'highstate', all: true, host: ['web1'] }, 400, 'INVALID_TARGET', /all selects every host/],
    [{ kind: 'highstate', all: 'yes' }, 400, 'INVALID_REQUEST', /all/],
  ];
  for (const [body, status, code, message] of cases) {
    const r = await post(body);
    t.equal(r.statusCode, status, JSON.stringify(body));
    t.equal(r.json().code, code, r.body);
    t.match(r.json().message, message);
  }
  const notJson = await app.inject({
    method: 'POST',
    url: '/jobs',
    headers: { ...f.auth, 'content-type': 'application/json' },
    payload: '{"kind":',
  });
  t.equal(notJson.statusCode, 400);
  t.equal(notJson.json().code, 'INVALID_REQUEST');
  t.equal(f.store.jobs().length, 0);
});

t.test('POST /jobs runs a highstate through the job path, recorded as started by the token', async (t) => {
  const r = await post({ kind: 'highstate', all: true });
  t.equal(r.statusCode, 202);
  const { jid, hosts, warnings } = r.json();
  t.match(jid, /^\d{20}$/);
  t.same(hosts, ['cache1', 'cache2', 'web1']);
  t.same(warnings, []);
  await f.context.launcher.running.get(jid);

  const job = await get(`/jobs/${jid}`);
  t.equal(job.statusCode, 200);
  t.match(job.json().job, { jid, kind: 'highstate', status: 'failed', origin: 'api', who: 'deploy-bot', test: false });
  t.same(
    job.json().hosts.map((h: { host: string; status: string }) => [h.host, h.status]),
    [
      ['cache1', 'changed'],
      ['cache2', 'failed'],
      ['web1', 'blocked'],
    ],
  );
  t.match(job.json().hosts[2].reason, /^web1: /);

  const host = await get(`/jobs/${jid}/hosts/cache1`);
  t.equal(host.statusCode, 200);
  t.same(
    host.json().results.map((s: { id: string }) => s.id),
    ['conf', 'quiet'],
  );
  t.equal(host.json().results[0].comment, 'wrote password **REDACTED**');
  t.ok(host.json().results[0].warnings.includes('mind the gap'), 'warnings kept');
  t.notMatch(job.body + host.body, SECRET);
});

t.test('POST /jobs: an sls in test mode on one role', async (t) => {
  const jid = await runJob({ kind: 'sls', sls: ['ok'], role: ['cache'], host: ['cache1'], test: true });
  const job = (await get(`/jobs/${jid}`)).json();
  t.match(job.job, { kind: 'sls', test: true, status: 'changed', args: { sls: ['ok'], role: ['cache'] } });
  t.same(
    job.hosts.map((h: { host: string }) => h.host),
    ['cache1'],
  );
});

t.test('GET /jobs: filters as the command line, bad queries refused', async (t) => {
  const all = await get('/jobs');
  t.equal(all.statusCode, 200);
  const jobs = all.json().jobs as { kind: string; status: string }[];
  t.same(
    jobs.map((j) => j.kind),
    ['sls', 'highstate'],
    'most recent first',
  );
  t.same(
    (await get('/jobs?status=failed')).json().jobs.map((j: { kind: string }) => j.kind),
    ['highstate'],
  );
  t.same(
    (await get('/jobs?host=web1')).json().jobs.map((j: { kind: string }) => j.kind),
    ['highstate'],
  );
  t.equal((await get('/jobs?limit=1')).json().jobs.length, 1);
  t.equal((await get('/jobs?since=2099-01-01')).json().jobs.length, 0);
  t.equal((await get('/jobs?since=1h')).json().jobs.length, 2);
  for (const [q, re] of [
    ['limit=0', /limit/],
    ['status=great', /status/],
    ['since=yesterday', /since/],
    ['colour=red', /querystring: unknown field 'colour'/],
  ] as const) {
    const r = await get(`/jobs?${q}`);
    t.equal(r.statusCode, 400, q);
    t.equal(r.json().code, 'INVALID_REQUEST');
    t.match(r.json().message, re);
  }
});

t.test('GET /jobs/:jid and /jobs/:jid/hosts/:host: unknown job, host or a malformed id', async (t) => {
  const missing = await get('/jobs/20000101000000000000');
  t.equal(missing.statusCode, 404);
  t.equal(missing.json().code, 'JOB_NOT_FOUND');
  const jid = f.store.jobs({ limit: 1 })[0].jid;
  const nohost = await get(`/jobs/${jid}/hosts/web1`);
  t.equal(nohost.statusCode, 404);
  t.equal(nohost.json().code, 'HOST_NOT_FOUND');
  const bad = await get('/jobs/..%2Fetc');
  t.equal(bad.statusCode, 400);
  t.equal(bad.json().code, 'INVALID_REQUEST');
  const route = await get('/nowhere');
  t.equal(route.statusCode, 404);
  t.equal(route.json().code, 'NOT_FOUND');
});

t.test("GET /hosts: the roster with each host's last run", async (t) => {
  const r = await get('/hosts');
  t.equal(r.statusCode, 200);
  const hosts = r.json().hosts as {
    id: string;
    level: string;
    roles: string[];
    address: string;
    lastRun: { status: string } | null;
  }[];
  t.same(
    hosts.map((h) => [h.id, h.level, h.roles, h.address]),
    [
      ['cache1', 'staging', ['cache'], '10.0.1.1'],
      ['cache2', 'staging', ['cache'], '10.0.1.2'],
      ['web1', 'staging', ['web'], '10.0.1.3'],
    ],
  );
  t.same(
    hosts.map((h) => h.lastRun?.status ?? null),
    ['changed', 'failed', null],
    'a blocked run is no last run',
  );
});

t.test('GET /events?jid= streams a job live and ends with it; secrets redacted', async (t) => {
  closeGate(f);
  const start = await post({ kind: 'highstate', host: ['cache1'] });
  t.equal(start.statusCode, 202, start.body);
  if (start.statusCode !== 202) return f.gate.release();
  const jid = start.json().jid as string;
  const listeners = f.context.bus.size;
  const stream = get(`/events?jid=${jid}`);
  while (f.context.bus.size === listeners) await new Promise((r) => setImmediate(r));
  f.gate.release();
  const r = await stream;
  t.equal(r.statusCode, 200);
  t.match(r.headers['content-type'], /^text\/event-stream/);
  const frames = r.body
    .split('\n\n')
    .filter((b) => b.startsWith('event: '))
    .map((b) => {
      const [ev, data] = b.split('\n');
      return { event: ev.slice(7), data: JSON.parse(data.slice(6)) };
    });
  // the host had started (and was held) before the stream opened: everything after came live
  t.same(
    frames.map((x) => x.event),
    ['state', 'state', 'host-done', 'job-done'],
  );
  t.equal(frames.at(-1)!.event, 'job-done');
  t.match(frames.at(-1)!.data, { jid, status: 'changed', kind: 'highstate' });
  const states = frames.filter((x) => x.event === 'state');
  t.same(
    states.map((x) => x.data.tag),
    ['test_|-conf_|-conf_|-configurable_test_state', 'test_|-quiet_|-quiet_|-succeed_without_changes'],
  );
  t.equal(states[0].data.comment, 'wrote password **REDACTED**');
  t.match(frames.find((x) => x.event === 'host-done')!.data, {
    host: 'cache1',
    status: 'changed',
    states: 2,
    changed: 1,
    failed: 0,
  });
  t.ok(
    frames.every((x) => x.data.jid === jid),
    'only this job',
  );
  t.notMatch(r.body, SECRET);
  await f.context.launcher.running.get(jid);
  t.equal(f.context.bus.size, listeners, 'the stream unsubscribed');

  const after = await get(`/events?jid=${jid}`);
  t.match(after.body, /event: job-done\ndata: .*"status":"changed"/, 'a finished job: its end at once');
  const bad = await get('/events?jid=abc');
  t.equal(bad.statusCode, 400);
});

t.test('GET /metrics: Prometheus text of runs, failures, durations and last success per host', async (t) => {
  const r = await get('/metrics');
  t.equal(r.statusCode, 200);
  t.match(r.headers['content-type'], /^text\/plain; version=0\.0\.4/);
  const m = r.body;
  t.match(m, /^# TYPE halite_jobs_total counter$/m);
  t.match(m, /^halite_jobs_total\{kind="highstate",status="failed"\} 1$/m);
  t.match(m, /^halite_jobs_total\{kind="highstate",status="changed"\} 1$/m);
  t.match(m, /^halite_jobs_total\{kind="sls",status="changed"\} 1$/m);
  t.match(m, /^halite_host_runs_total\{host="cache2",status="failed"\} 1$/m);
  t.match(m, /^halite_host_runs_total\{host="web1",status="blocked"\} 1$/m);
  t.match(m, /^halite_host_failures_total\{host="cache2"\} 1$/m);
  t.match(m, /^# TYPE halite_host_run_duration_seconds summary$/m);
  t.match(m, /^halite_host_run_duration_seconds_count\{host="cache1"\} 3$/m);
  t.match(m, /^halite_jobs_running 0$/m);
  const last = /^halite_host_last_success_timestamp_seconds\{host="cache1"\} ([\d.]+)$/m.exec(m);
  t.ok(last && Math.abs(Number(last[1]) * 1000 - Date.parse(f.store.lastRun('cache1')!.finishedAt ?? '')) < 1);
  t.notMatch(m, /host="web1"\} \d+$\n(?=.*last_success)/, 'web1 never succeeded');
  t.notMatch(m, /halite_host_last_success_timestamp_seconds\{host="web1"\}/);
});

t.test('a configuration with errors: 422 CONFIG_INVALID with each error, no job started', async (t) => {
  const file = join(f.dir, 'halite.yaml');
  const good = readFileSync(file, 'utf8');
  t.teardown(() => writeFileSync(file, good));
  writeFileSync(file, good + 'concurrency: 0\n');
  const before = f.store.jobs({ limit: 1000 }).length;
  for (const r of [await post({ kind: 'highstate', all: true }), await get('/hosts')]) {
    t.equal(r.statusCode, 422, r.body);
    t.equal(r.json().code, 'CONFIG_INVALID');
    t.match(r.json().details, [/concurrency: expected a positive integer/]);
  }
  t.equal(f.store.jobs({ limit: 1000 }).length, before);
});
