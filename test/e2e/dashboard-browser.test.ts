// The dashboard in a real browser (Debian's chromium, driven by playwright-core) against a daemon
// whose jobs reach a small fleet: log in with a token, start a test-mode highstate of a level and
// role from the page, watch it finish live (no reload), open the diff of a state that fails on
// purpose, then follow a host's drift badge on the fleet grid to what would change. Screenshots of
// each step are kept in a temporary directory named in the output.
import t from 'tap';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { buildApi } from '../../master/api/app.ts';
import { TokenStore } from '../../master/api/tokens.ts';
import { JobStore } from '../../master/jobs/store.ts';
import { dashboard } from '../../master/dashboard/plugin.ts';
import { putFiles } from './support.ts';
import { fleetSuite, withStates } from './workspace.ts';

const CHROMIUM = process.env.HALITE_CHROMIUM ?? '/usr/bin/chromium';
if (!existsSync(CHROMIUM)) {
  t.plan(
    0,
    `chromium is not installed (${CHROMIUM}; apt-get install chromium, or set HALITE_CHROMIUM): the dashboard's browser tests cannot run`,
  );
  process.exit(0);
}

const HOSTS = ['dash1', 'dash2'];
const SECRET = 'example-only-platform-db-password';
const GO = '/run/halite-dash-go';
const suite = fleetSuite(
  'dashboard-b',
  [
    { id: 'dash1', roles: ['memcache'], level: 'staging' },
    // an app host depends on memcache: dash2 starts once dash1 has finished, after the page is open
    { id: 'dash2', roles: ['app'], level: 'staging' },
    { id: 'dash3', roles: ['memcache'], level: 'production' },
  ],
  async (s) => {
    for (const h of HOSTS)
      await putFiles(s.fleet, h, '/etc/halite-dash', { 'a.conf': 'old line\n', 'c.conf': 'db password old\n' });
  },
);

// `hold` keeps the job running until the test lets it go, so the page is seen before the end;
// `conf` fails on purpose on dash2: b.conf's template raises there, while a.conf has a diff to show.
const TREE = {
  'top.sls': "base:\n  '*':\n    - dash\n",
  'dash/init.sls': [
    'hold:',
    '  cmd.run:',
    '    - name: "true"',
    `    - unless: "while [ ! -e ${GO} ]; do sleep 0.2; done; false"`,
    'conf:',
    '  file.recurse:',
    '    - name: /etc/halite-dash',
    '    - source: salt://dash/files',
    '    - template: jinja',
    '',
  ].join('\n'),
  'dash/files/a.conf': "new line {{ grains['id'] }}\n",
  // a private pillar value (dash2, an app host, gets the database password): never on a page
  'dash/files/c.conf': "db password {{ salt['pillar.get']('mariadb:databases:platform:password', 'none') }}\n",
  'dash/files/b.conf': "{% if grains['id'] == 'dash2' %}{{ raise('broken on purpose') }}{% endif %}\n",
};

const shots = mkdtempSync(join(tmpdir(), 'halite-dashboard-screenshots-'));
let n = 0;
const shot = async (page: Page, name: string) =>
  page.screenshot({ path: join(shots, `${String(++n).padStart(2, '0')}-${name}.png`), fullPage: true });

t.test("log in, start a test run from the page, watch it finish live, open a failed state's diff", async (t) => {
  t.comment(`screenshots: ${shots}`);
  // said on stderr too: reporters that hide the comments of passing tests still show it
  process.stderr.write(`dashboard browser test: screenshots in ${shots}\n`);
  const { chromium } = await import('playwright-core');
  const config = withStates(suite.ws, 'dash', TREE);
  const store = JobStore.open(join(suite.ws.dir, 'dash-jobs.sqlite'));
  const token = new TokenStore(store.db).create('browser');
  const { app, context } = buildApi({
    store,
    configFile: config,
    env: { USER: 'e2e', HALITE_RUNTIME_DIR: suite.ws.runtimeDir },
    cwd: suite.ws.dir,
    frontends: [dashboard],
    log: (m) => t.comment(m),
  });
  const url = await app.listen({ port: 0, host: '127.0.0.1' });
  const browser: Browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
  t.teardown(async () => {
    await browser.close();
    await app.close();
    await context.launcher.idle();
    store.close();
  });
  const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
  const problems: string[] = [];
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on(
    'console',
    (m) =>
      m.type() === 'error' && !m.text().startsWith('Failed to load resource') && problems.push(`console: ${m.text()}`),
  );
  // every answer that was not a success, by path: only the refused login is expected
  const refused: string[] = [];
  page.on(
    'response',
    (r) => r.status() >= 400 && refused.push(`${r.status()} ${r.request().method()} ${new URL(r.url()).pathname}`),
  );

  // log in: the dashboard sends a visitor without a session to the login form
  await page.goto(`${url}/ui/`);
  t.match(page.url(), /\/ui\/login\?next=%2Fui%2F$/);
  await page.fill('input[name=token]', 'halite_wrong');
  await page.click('form.login button');
  t.match(await page.textContent('p.error'), /not valid/);
  await page.fill('input[name=token]', token);
  await shot(page, 'login');
  await page.click('form.login button');
  t.equal(new URL(page.url()).pathname, '/ui/');
  const cookies = await page.context().cookies();
  t.match(
    cookies.find((c) => c.name === 'halite_session'),
    { httpOnly: true, sameSite: 'Strict', path: '/ui' },
  );
  t.equal(await page.evaluate('document.cookie'), '', "the page's scripts cannot read the session");

  // the fleet grid: roles × levels
  t.same(await page.$$eval('table.grid thead th', (ths) => ths.map((th) => th.textContent)), [
    'role',
    'staging',
    'production',
  ]);
  t.match(await page.textContent('table.grid'), /dash1[\s\S]*dash3/);
  await shot(page, 'fleet');

  // start a test run of staging's memcache and sessions hosts: confirmation first
  await page.selectOption('form.start select[name=level]', 'staging');
  t.ok(await page.isChecked('form.start input[name=test]'), 'a test run unless unticked');
  await page.click('form.start button');
  t.match(new URL(page.url()).pathname, '/ui/start');
  t.same(await page.$$eval('ul.targets li', (lis) => lis.map((li) => li.textContent)), HOSTS);
  t.match(await page.textContent('main'), /test-mode highstate \(nothing is changed\) of level staging/);
  await shot(page, 'confirm');
  t.equal(store.jobs().length, 0, 'nothing started before the confirmation');
  await page.click('button.confirm');
  t.match(new URL(page.url()).pathname, /^\/ui\/jobs\/\d{20}$/);
  const jid = new URL(page.url()).pathname.split('/').pop()!;
  t.match(store.job(jid), { kind: 'highstate', test: true, origin: 'api', who: 'browser' });

  // the job is held on the hosts: the page shows it running and follows its events
  t.equal(await page.textContent('#job-status'), 'running');
  await page.waitForSelector('#job[data-events="open"]');
  await page.evaluate('window.loadedOnce = true');
  // the state lines the live script adds as results arrive (the sections replace them at each host's end)
  await page.evaluate(`window.liveLines = [];
    new MutationObserver((ms) => ms.forEach((m) => m.addedNodes.forEach((n) => {
      if (n.tagName === 'LI' && n.parentElement && n.parentElement.classList.contains('live')) window.liveLines.push(n.closest('section').id + ' ' + n.textContent);
    }))).observe(document.body, { childList: true, subtree: true });`);
  t.equal(await page.textContent('#row-dash1 [data-field=status]'), 'running');
  t.equal(await page.locator('#row-dash2').count(), 0, 'dash2 waits for dash1: not on the page yet');
  await shot(page, 'job-running');
  for (const h of HOSTS) await suite.fleet.exec(h, ['touch', GO]);

  await page.waitForSelector('#job[data-status="failed"]', { timeout: 300_000 });
  t.equal(await page.evaluate('window.loadedOnce'), true, 'finished without a reload');
  t.equal(await page.getAttribute('#job-status', 'data-live'), '1', 'the status was set by the live events');
  t.equal(await page.textContent('#job-status'), 'failed');
  t.equal(await page.textContent('#row-dash1 [data-field=status]'), 'changed', 'dash1 would change, shown live');
  t.equal(await page.textContent('#row-dash2 [data-field=status]'), 'failed', 'dash2 failed, shown live');
  t.equal(await page.getAttribute('#row-dash2 a', 'href'), '#host-dash2', 'its row, added live, leads to its results');
  for (const h of HOSTS)
    t.equal(await page.getAttribute(`#host-${h}`, 'data-live'), '1', `${h}'s results came in live`);
  const lines = (await page.evaluate('window.liveLines')) as string[];
  t.ok(
    lines.some((l) => /^host-dash1 pending {2}cmd_\|-hold/.test(l)),
    "dash1's states listed as they came",
  );
  t.ok(
    lines.some((l) => /^host-dash2 failed {2}file_\|-conf/.test(l)),
    'dash2, which started after the page was made, too',
  );
  await shot(page, 'job-finished-live');

  // dash2's failed state is listed first; its diff opens
  const first = page.locator('#host-dash2 details.state').first();
  t.match(await first.getAttribute('class'), /result-failed/);
  t.match(await first.locator('summary').textContent(), /conf/);
  t.notOk(await first.locator('pre.diff').first().isVisible(), 'closed until opened');
  await first.locator('summary').click();
  const diff = first.locator('pre.diff').first();
  t.ok(await diff.isVisible(), 'the diff is shown');
  t.match(await diff.textContent(), /-old line\n\+new line dash2/);
  t.equal(await diff.locator('span.add').textContent(), '+new line dash2');
  t.match(await first.locator('pre.comment').textContent(), /broken on purpose/);
  t.match(
    await first.textContent(),
    /content changed: holds private pillar values/,
    'the file holding a secret is summed up',
  );
  t.notMatch(await page.content(), SECRET, 'the secret is not on the page');
  await shot(page, 'failed-diff');

  // a test run changed nothing on the hosts
  for (const h of HOSTS)
    t.equal((await suite.fleet.exec(h, ['cat', '/etc/halite-dash/a.conf'])).stdout, 'old line\n', `${h} untouched`);

  // the host page: its history and plot
  await page.click('#host-dash2 h2 a');
  t.equal(new URL(page.url()).pathname, '/ui/hosts/dash2');
  t.equal(await page.locator('svg.plot circle.point').count(), 1);
  t.match(await page.textContent('table.runs'), jid);
  t.notMatch(await page.content(), SECRET);
  await shot(page, 'host');

  // drift on the fleet grid: dash1's test run found what would change; its badge leads there
  await page.goto(`${url}/ui/`);
  const badge = page.locator('.host-entry[data-host="dash1"] a.badge.drift');
  t.match(await badge.textContent(), /^drift [1-9]\d*$/);
  await badge.click();
  t.equal(`${new URL(page.url()).pathname}${new URL(page.url()).hash}`, '/ui/hosts/dash1#drift');
  t.match(await page.textContent('p.drift-check'), `would change (test run ${jid} at `);
  t.match(await page.textContent('div.drifted'), /-old line\n\+new line dash1/, 'what would change, as a diff');
  t.notMatch(await page.content(), SECRET);
  await shot(page, 'drift');
  t.same(problems, [], 'no script errors in the pages');
  t.same(refused, ['401 POST /ui/login'], 'no request failed but the login with a wrong token');
});
