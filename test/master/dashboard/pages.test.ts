// The dashboard through app.inject(): login with a token kept in a cookie, every page behind it,
// the CSRF and origin checks on forms, a highstate started from the page through the API's
// launcher, its live events, and what hosts sent shown escaped and redacted.
import t from 'tap';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { TokenStore } from '../../../master/api/tokens.ts';
import { SECRET } from '../jobs/job-tree.ts';
import { apiFixture, closeGate } from '../api/api-fixture.ts';
import { dashboard } from '../../../master/dashboard/plugin.ts';

const f = apiFixture({ frontends: [dashboard] });
t.teardown(() => f.close());
const { app } = f;

const cookie = `halite_session=${f.token}`;
const get = (url: string, headers: Record<string, string> = { cookie }) => app.inject({ method: 'GET', url, headers });
const form = (url: string, fields: Record<string, string>, headers: Record<string, string> = { cookie }) =>
  app.inject({
    method: 'POST',
    url,
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    payload: new URLSearchParams(fields).toString(),
  });

/** The CSRF token of the logged-in session, as the fleet page's forms carry it. */
async function csrf(): Promise<string> {
  return csrfOf('/ui/');
}

async function csrfOf(url: string): Promise<string> {
  const r = await get(url);
  const m = /name="csrf" value="([^"]+)"/.exec(r.body);
  if (!m) throw new Error(`no csrf field in ${r.body}`);
  return m[1]!;
}

async function startFromPage(fields: Record<string, string>): Promise<string> {
  const r = await form('/ui/start', { csrf: await csrf(), ...fields });
  if (r.statusCode !== 303) throw new Error(`${r.statusCode} ${r.body}`);
  const jid = /^\/ui\/jobs\/([0-9]{20})$/.exec(String(r.headers.location))![1]!;
  await f.context.launcher.running.get(jid);
  return jid;
}

t.test('every page needs a login; the API does not take the cookie, nor the dashboard a bearer header', async (t) => {
  const revoked = new TokenStore(f.store.db).create('gone');
  new TokenStore(f.store.db).revoke('gone');
  for (const url of ['/ui/', '/ui/jobs/20260101000000000000', '/ui/hosts/cache1', '/ui/start?level=staging']) {
    for (const headers of [
      {},
      { cookie: 'halite_session=halite_wrong' },
      { cookie: `halite_session=${revoked}` },
      { authorization: `Bearer ${f.token}` },
    ] as Record<string, string>[]) {
      const r = await get(url, headers);
      t.equal(r.statusCode, 303, `${url} ${JSON.stringify(headers)}`);
      t.equal(r.headers.location, `/ui/login?next=${encodeURIComponent(url)}`);
    }
  }
  for (const url of ['/ui/events?jid=20260101000000000000', '/ui/jobs/20260101000000000000/hosts/cache1']) {
    const r = await get(url, {});
    t.equal(r.statusCode, 401, url);
  }
  const post = await form('/ui/start', { level: 'staging', test: '1' }, {});
  t.equal(post.statusCode, 303);
  t.equal(post.headers.location, '/ui/login');
  t.equal((await get('/jobs', { cookie })).statusCode, 401, 'the API wants its bearer header');
  t.equal((await get('/', {})).headers.location, '/ui/');
  const css = await get('/ui/static/style.css', {});
  t.equal(css.statusCode, 200, 'the stylesheet needs no login');
  t.match(css.headers['content-type'], /^text\/css/);
});

t.test('logging in: the token checked as the API does, kept in an HttpOnly SameSite=Strict cookie', async (t) => {
  const page = await get('/ui/login?next=%2Fui%2Fhosts%2Fcache1', {});
  t.equal(page.statusCode, 200);
  t.match(page.body, /<input type="password" name="token"/);
  t.match(page.body, /name="next" value="\/ui\/hosts\/cache1"/);

  const bad = await form('/ui/login', { token: 'halite_nope', next: '/ui/' }, {});
  t.equal(bad.statusCode, 401);
  t.match(bad.body, /not valid/);
  t.notOk(bad.headers['set-cookie']);

  const good = await form('/ui/login', { token: f.token, next: '/ui/hosts/cache1' }, {});
  t.equal(good.statusCode, 303);
  t.equal(good.headers.location, '/ui/hosts/cache1');
  t.equal(good.headers['set-cookie'], `halite_session=${f.token}; Path=/ui; HttpOnly; SameSite=Strict`);

  for (const next of ['//evil.example/x', 'https://evil.example/', '/ui//evil.example', '/jobs', '/ui/\\evil']) {
    const r = await form('/ui/login', { token: f.token, next }, {});
    t.equal(r.headers.location, '/ui/', `next ${next} is not followed`);
  }
  const browserLike = await form(
    '/ui/login',
    { token: f.token },
    { host: 'localhost:80', origin: 'http://localhost:80', 'sec-fetch-site': 'same-origin' },
  );
  t.equal(browserLike.statusCode, 303, 'a form posted from the dashboard itself is taken');
  t.equal(
    good.headers['referrer-policy'] ?? (await get('/ui/login', {})).headers['referrer-policy'],
    'same-origin',
    'a policy under which browsers still send Origin on the forms',
  );
  const foreign = await form('/ui/login', { token: f.token }, { origin: 'http://evil.example' });
  t.equal(foreign.statusCode, 403, 'a login form posted from another site is refused');
  t.notOk(foreign.headers['set-cookie']);
  const unknownField = await form('/ui/login', { token: f.token, admin: '1' }, {});
  t.equal(unknownField.statusCode, 400);

  const out = await form('/ui/logout', { csrf: await csrf() });
  t.equal(out.statusCode, 303);
  t.match(out.headers['set-cookie'], /^halite_session=; Path=\/ui; HttpOnly; SameSite=Strict; Max-Age=0$/);
  t.equal((await form('/ui/logout', { csrf: 'forged' })).statusCode, 403);
});

t.test("the fleet page: roles × levels with each host's last status; security headers", async (t) => {
  const r = await get('/ui/');
  t.equal(r.statusCode, 200);
  t.match(r.headers['content-type'], /^text\/html/);
  t.match(r.headers['content-security-policy'], /default-src 'none'; script-src 'self'/);
  t.equal(r.headers['x-frame-options'], 'DENY');
  t.match(r.body, /<th>role<\/th><th>staging<\/th>/);
  t.match(
    r.body,
    /<tr><th>cache<\/th>\s*<td>\s*<span class="host-entry" data-host="cache1"><a class="host status-never" href="\/ui\/hosts\/cache1"/,
  );
  t.match(
    r.body,
    /<tr><th>web<\/th>\s*<td>\s*<span class="host-entry" data-host="web1"><a class="host status-never" href="\/ui\/hosts\/web1"/,
  );
  t.match(
    r.body,
    /<span class="badge unchecked" title="no test-mode highstate has checked this host">unchecked<\/span>/,
  );
  t.match(r.body, /no jobs yet/);
});

t.test(
  'starting a test run: confirmation naming the hosts, CSRF and origin checked, same launcher as POST /jobs',
  async (t) => {
    const confirm = await get('/ui/start?level=staging&role=cache&test=1');
    t.equal(confirm.statusCode, 200);
    t.match(confirm.body, /test-mode highstate/);
    t.match(confirm.body, /<li>cache1<\/li><li>cache2<\/li><\/ul>/);
    t.notMatch(confirm.body, /<li>web1<\/li>/);
    t.equal(f.store.jobs().length, 0, 'confirming starts nothing');

    const unknown = await get('/ui/start?level=prod&test=1');
    t.equal(unknown.statusCode, 400);
    t.match(unknown.body, /prod/);

    const token = await csrf();
    for (const [fields, headers] of [
      [{ level: 'staging', test: '1' }, { cookie }],
      [{ csrf: 'forged', level: 'staging', test: '1' }, { cookie }],
      [
        { csrf: token, level: 'staging', test: '1' },
        { cookie, origin: 'http://evil.example' },
      ],
      [
        { csrf: token, level: 'staging', test: '1' },
        { cookie, 'sec-fetch-site': 'cross-site' },
      ],
    ] as const) {
      const r = await form('/ui/start', fields, headers);
      t.equal(r.statusCode, 403, JSON.stringify([fields, headers]));
    }
    t.equal(f.store.jobs().length, 0, 'no refused form started a job');

    const jid = await startFromPage({ level: 'staging', role: 'cache', test: '1' });
    const job = f.store.job(jid)!;
    t.match(job, { kind: 'highstate', test: true, origin: 'api', who: 'deploy-bot' });
    t.same(job.args, { level: ['staging'], role: ['cache'], host: [], target: [] });
    t.same(
      f.store
        .hostRuns(jid)
        .map((h) => h.host)
        .sort(),
      ['cache1', 'cache2'],
    );
  },
);

t.test('drift on the fleet grid and the host page, from the last test run', async (t) => {
  const checked = f.store.jobs().find((j) => j.test && j.kind === 'highstate')!;
  t.ok(checked, 'the test run started from the page above');
  const grid = await get('/ui/');
  // each host's entry: its link, then its drift badge on the next line
  const entry = (host: string) =>
    new RegExp(`<span class="host-entry" data-host="${host}">[^\\n]*\\n[^\\n]*`).exec(grid.body)?.[0] ?? '';
  t.match(
    entry('cache1'),
    `<a class="badge drift" href="/ui/hosts/cache1#drift" title="1 state would change (test run ${checked.jid} at `,
  );
  t.match(entry('cache1'), />drift 1<\/a>/);
  t.match(
    entry('cache2'),
    /<a class="badge in-line" href="\/ui\/hosts\/cache2#drift" title="in line: test run \d{20} at [^"]+ found nothing to change"[^>]*>in line<\/a>/,
  );
  t.match(entry('web1'), />unchecked<\/span>/, 'not in the test run');

  const page = await get('/ui/hosts/cache1');
  t.match(page.body, /<dt>drift<\/dt><dd><a href="#drift"><span class="badge drift">drift 1<\/span><\/a><\/dd>/);
  t.match(page.body, `<a href="/ui/jobs/${checked.jid}#host-cache1">job ${checked.jid}</a>`);
  const drifted = /<div class="drifted" data-host="cache1">(.*?)<h2>Runs over time<\/h2>/s.exec(page.body)?.[1] ?? '';
  t.match(drifted, /data-tag="test_\|-conf_\|-conf_\|-configurable_test_state"/);
  t.match(drifted, /<code>conf<\/code> <span class="comment-line">ok<\/span>/, 'the state and its SLS');
  t.match(drifted, /wrote password \*\*REDACTED\*\*/);
  t.match(drifted, /&quot;testing&quot;/, 'what would change');
  t.notMatch(page.body, SECRET);
  t.notMatch(drifted, /quiet/, 'a state that would not change is not listed');
  t.match(
    (await get('/ui/hosts/cache2')).body,
    /<p class="drift-check">in line: test run \d{20} at .* found nothing to change/,
  );
  t.match((await get('/ui/hosts/web1')).body, /<dt>drift<\/dt><dd>never checked<\/dd>/);
});

t.test('the job page: failed hosts and states first, redacted, diffs; a host section alone', async (t) => {
  const jid = await startFromPage({ level: 'staging', test: '' });
  const r = await get(`/ui/jobs/${jid}`);
  t.equal(r.statusCode, 200);
  t.notMatch(r.body, SECRET, 'no secret on the page');
  t.match(r.body, /wrote password \*\*REDACTED\*\*/);
  const order = [...r.body.matchAll(/<section class="host-run status-(\w+)" id="host-([\w-]+)"/g)].map(
    (m) => `${m[2]}:${m[1]}`,
  );
  t.same(order, ['cache2:failed', 'web1:blocked', 'cache1:changed'], 'failed hosts first');
  const cells = (host: string) =>
    [
      ...r.body
        .slice(r.body.indexOf(`<tr id="row-${host}">`))
        .split('</tr>')[0]!
        .matchAll(/data-field="(\w+)">([^<]*)</g),
    ].map((m) => `${m[1]}=${m[2]}`);
  t.same(
    cells('cache1').slice(0, 4),
    ['status=changed', 'total=2', 'failed=0', 'changed=1'],
    "each host's counts in the table",
  );
  t.same(cells('cache2').slice(0, 4), ['status=failed', 'total=1', 'failed=1', 'changed=0']);
  t.match(
    r.body,
    /<span class="badge result-failed">failed<\/span> <code>boom<\/code> <span class="comment-line">it broke<\/span>/,
  );
  const cache1 = r.body.slice(r.body.indexOf('id="host-cache1"'));
  t.ok(cache1.indexOf('result-changed') < cache1.indexOf('result-ok'), 'changed states before unchanged ones');
  t.match(cache1, /&quot;testing&quot;: \{/, 'changes other than a diff as JSON');
  t.notMatch(r.body, /live\.js/, 'a finished job needs no live script');

  const section = await get(`/ui/jobs/${jid}/hosts/cache2`);
  t.equal(section.statusCode, 200);
  t.match(section.body, /^<section class="host-run status-failed" id="host-cache2"/);
  t.equal((await get(`/ui/jobs/${jid}/hosts/nohost`)).statusCode, 404);
  t.equal((await get('/ui/jobs/20200101000000000000')).statusCode, 404);
  t.equal((await get('/ui/jobs/notajid')).statusCode, 400);
});

t.test('what a VM sent is escaped on every page; diffs are shown line by line', async (t) => {
  const hostile = '<script>alert(1)</script>';
  const { jid } = f.store.startJob({ kind: 'highstate', test: false });
  f.store.startHostRun(jid, 'cache1');
  f.store.recordHostRun(jid, {
    host: 'cache1',
    status: 'failed',
    durationMs: 1200,
    errors: [{ code: 'RENDER_TEMPLATE', message: `bad <img src=x onerror=alert(2)>` }],
    results: [
      {
        tag: `file_|-"><svg onload=alert(3)>_|-/etc/x_|-managed`,
        id: `"><svg onload=alert(3)>`,
        name: '/etc/x',
        sls: 'x',
        result: false,
        run_num: 0,
        changes: { diff: `--- a\n+++ b\n@@ -1 +1 @@\n-old\n+${hostile}\n</pre><b>out</b>` },
        comment: `failed: ${hostile}`,
        start_time: '',
        duration_ms: 5,
      },
    ],
  });
  f.store.finishJob(jid, 'failed');
  for (const url of [`/ui/jobs/${jid}`, `/ui/jobs/${jid}/hosts/cache1`, '/ui/hosts/cache1', '/ui/']) {
    const r = await get(url);
    t.equal(r.statusCode, 200, url);
    t.notMatch(r.body, /<script>alert|<img src=x|<svg onload|<\/pre><b>/, `${url}: nothing a VM sent is markup`);
  }
  const page = (await get(`/ui/jobs/${jid}`)).body;
  t.match(page, /<span class="add">\+&lt;script&gt;alert\(1\)&lt;\/script&gt;<\/span>/);
  t.match(page, /<span class="del">-old<\/span>/);
  t.match(page, /<span class="hunk">@@ -1 \+1 @@<\/span>/);
  t.match(page, /bad &lt;img src=x onerror=alert\(2\)&gt;/);
});

t.test('diffs of the files a state manages are shown by path, other changes as JSON', async (t) => {
  const { jid } = f.store.startJob({ kind: 'highstate', test: true });
  f.store.recordHostRun(jid, {
    host: 'cache2',
    status: 'failed',
    results: [
      {
        tag: 'file_|-conf_|-/etc/app_|-recurse',
        id: 'conf',
        name: '/etc/app',
        sls: 'app',
        result: false,
        run_num: 0,
        comment: 'b.conf: render failed',
        start_time: '',
        duration_ms: 1,
        changes: {
          '/etc/app/a.conf': { diff: '--- \n+++ \n@@ -1 +1 @@\n-old\n+new', mode: '0644' },
          removed: ['/etc/app/stale'],
        },
      },
    ],
  });
  f.store.finishJob(jid, 'failed');
  const body = (await get(`/ui/jobs/${jid}/hosts/cache2`)).body;
  t.match(body, /<p class="diff-label">\/etc\/app\/a\.conf<\/p><pre class="diff">/);
  t.match(body, /<span class="del">-old<\/span>\n<span class="add">\+new<\/span>/);
  t.match(body, /&quot;\/etc\/app\/a\.conf&quot;: \{\n\s+&quot;mode&quot;: &quot;0644&quot;/);
  t.match(body, /&quot;removed&quot;/);
  t.notMatch(body, /no changes/);
});

t.test('a job another process runs is shown as recorded, without the live script', async (t) => {
  const { jid } = f.store.startJob({ kind: 'highstate', origin: 'cli', who: 'alice' });
  f.store.startHostRun(jid, 'web1');
  const r = await get(`/ui/jobs/${jid}`);
  t.equal(r.statusCode, 200);
  t.match(r.body, /run by another process \(cli: alice\)/);
  t.match(r.body, /<section class="host-run status-running" id="host-web1"/);
  t.notMatch(r.body, /live\.js/);
  f.store.finishJob(jid, 'interrupted');
});

t.test('a command-line job the daemon runs (its events on the bus) is followed live', async (t) => {
  const { jid } = f.store.startJob({ kind: 'highstate', origin: 'cli', who: 'alice' });
  f.context.bus.publish({
    type: 'job-start',
    jid,
    kind: 'highstate',
    test: false,
    hosts: ['web1'],
    origin: 'cli',
    who: 'alice',
  });
  const r = await get(`/ui/jobs/${jid}`);
  t.match(r.body, /live\.js/);
  t.notMatch(r.body, /run by another process/);
  f.context.bus.publish({ type: 'job-done', jid, kind: 'highstate', status: 'ok', durationMs: 1 });
  f.store.finishJob(jid, 'ok');
  t.notOk(f.context.bus.running(jid));
});

t.test('the host page: its history and a plot of duration and changes', async (t) => {
  const r = await get('/ui/hosts/cache1');
  t.equal(r.statusCode, 200);
  t.match(r.body, /<dt>level<\/dt><dd>staging<\/dd>/);
  const rows = [...r.body.matchAll(/<tr><td><a href="\/ui\/jobs\/(\d{20})#host-cache1">/g)].map((m) => m[1]);
  t.same(
    rows,
    f.store.jobs({ host: 'cache1' }).map((j) => j.jid),
    'every job the host took part in, newest first',
  );
  t.match(r.body, /<svg class="plot"/);
  t.equal([...r.body.matchAll(/<circle class="point/g)].length, rows.length, 'a point per run');
  t.equal([...r.body.matchAll(/<rect class="bar/g)].length, rows.length, 'a bar per run');
  t.match(r.body, /<polyline class="duration" points="[\d., ]+"\/>/);
  t.notMatch(r.body, SECRET);
  t.equal((await get('/ui/hosts/nosuch')).statusCode, 404);
  t.equal((await get('/ui/hosts/web1')).statusCode, 200, 'a host that never ran');
});

t.test('live: the job page of a running job subscribes to its events, which come redacted', async (t) => {
  closeGate(f);
  const token = await csrf();
  const started = await form('/ui/start', { csrf: token, level: 'staging', role: 'cache', test: '' });
  t.equal(started.statusCode, 303, started.body);
  const jid = /(\d{20})$/.exec(String(started.headers.location))![1]!;
  const page = await get(`/ui/jobs/${jid}`);
  t.match(page.body, /<span id="job-status" class="badge status-running">running<\/span>/);
  t.match(page.body, /<script src="\/ui\/static\/live\.js"><\/script>/);
  const listeners = f.context.bus.size;
  const stream = get(`/ui/events?jid=${jid}`);
  while (f.context.bus.size === listeners) await new Promise((r) => setImmediate(r));
  f.gate.release();
  const r = await stream;
  t.equal(r.statusCode, 200);
  t.match(r.headers['content-type'], /^text\/event-stream/);
  t.match(r.body, /event: host-done\n/);
  t.match(r.body, /event: job-done\ndata: .*"status":"failed"/);
  t.match(r.body, /wrote password \*\*REDACTED\*\*/);
  t.notMatch(r.body, SECRET);
  await f.context.launcher.running.get(jid);
  const js = await get('/ui/static/live.js', {});
  t.match(js.headers['content-type'], /^text\/javascript/);
  t.notMatch(js.body, /innerHTML = (?!html)/, 'the script writes only server-rendered HTML as markup');
});

t.test('a configuration with errors: the pages list them, and the start form starts nothing', async (t) => {
  const file = join(f.dir, 'halite.yaml');
  const good = readFileSync(file, 'utf8');
  t.teardown(() => writeFileSync(file, good));
  writeFileSync(file, good + 'concurrency: 0\n');
  const before = f.store.jobs({ limit: 1000 }).length;
  for (const r of [
    await get('/ui/'),
    await get('/ui/start?level=staging&test=1'),
    await form('/ui/start', { csrf: await csrfOf('/ui/hosts/cache1'), level: 'staging', test: '1' }),
  ]) {
    t.equal(r.statusCode, 422, r.body);
    t.match(r.body, /<pre class="detail">[^<]*concurrency: expected a positive integer/);
  }
  t.equal(f.store.jobs({ limit: 1000 }).length, before);
});
