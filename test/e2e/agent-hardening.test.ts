// The agent on a real Debian VM (a namespace host of the test fleet) against what a local user or
// a clumsy tree can do: a planted symlink, a name that looks like an option, a secret on a command
// line, the agent killed mid-command, a restart that leaves memcached dead, a loose /run/halite.
import t from 'tap';
import { up, type Fleet } from '../fleet/index.ts';
import { applyLocal, putAgent, putFiles, REMOTE, results } from './support.ts';

if (process.getuid?.() !== 0) {
  t.plan(0, 'the test fleet needs root (network namespaces, overlay mounts)');
  process.exit(0);
}

const HOST = 'hard1';
let fleet: Fleet;

const sh = (line: string) => fleet.exec(HOST, ['sh', '-c', line], { reject: false });
const states = (files: Record<string, string>) => putFiles(fleet, HOST, `${REMOTE}/states`, files);

async function until(what: string, cond: () => Promise<boolean>): Promise<void> {
  for (let i = 0; !(await cond()); i++) {
    if (i > 600) throw new Error(`gave up waiting: ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

t.before(async () => {
  fleet = await up({
    name: 'agenthard-vm',
    replace: true,
    hosts: [{ id: HOST, roles: ['memcache'], level: 'staging' }],
  });
  await putAgent(fleet, HOST);
  await putFiles(fleet, HOST, REMOTE, { 'grains.yaml': 'level: staging\n', 'pillar/top.sls': 'base: {}\n' });
});
t.teardown(async () => fleet?.down());

t.test('a loose /run/halite is tightened to 0700 by the next run', async (t) => {
  await sh('mkdir -p /run/halite && chmod 0755 /run/halite');
  await states({ 'noop.sls': 'nothing:\n  test.succeed_without_changes: []\n' });
  const run = await applyLocal(fleet, HOST, ['noop']);
  t.equal(run.code, 0, run.stderr);
  t.equal((await sh('stat -c %a /run/halite')).stdout.trim(), '700');
});

t.test('file.managed does not write through a symlink a local user planted in /tmp', async (t) => {
  await sh(
    "printf 'root:$6$canary-hash:19000::::::\\n' >/etc/fake-shadow && chmod 600 /etc/fake-shadow && rm -f /tmp/app.conf && runuser -u nobody -- ln -s /etc/fake-shadow /tmp/app.conf",
  );
  await states({ 'link.sls': "app:\n  file.managed:\n    - name: /tmp/app.conf\n    - contents: 'owned'\n" });
  const run = await applyLocal(fleet, HOST, ['link']);
  const r = results(run, HOST)['file_|-app_|-/tmp/app.conf_|-managed'];
  t.equal(r.result, false);
  t.match(r.comment, /^Refusing to follow symlink \/tmp\/app.conf: it is owned by uid \d+, not root/);
  t.notMatch(run.stdout, /canary/);
  t.match((await sh('cat /etc/fake-shadow')).stdout, /canary-hash/, 'the target is untouched');
});

t.test('user.present with name "-o" reaches useradd as a name, not an option', async (t) => {
  await states({ 'opt.sls': "dash:\n  user.present:\n    - name: '-o'\n" });
  const run = await applyLocal(fleet, HOST, ['opt']);
  const r = results(run, HOST)['user_|-dash_|--o_|-present'];
  t.equal(r.result, false);
  t.match(r.comment, /invalid user name '-o'/);
});

t.test('a secret on a cmd.run line is in no process list; kill -9 of the agent ends the command', async (t) => {
  const canary = `canary-${process.pid}`;
  await sh('rm -f /tmp/started');
  await states({ 'slow.sls': `slow:\n  cmd.run:\n    - name: ': ${canary}; touch /tmp/started; sleep 3131'\n` });
  const running = applyLocal(fleet, HOST, ['slow']);
  await until('the command started', async () => (await sh('test -e /tmp/started')).exitCode === 0);
  // the pattern is built so that the grep's own argv does not hold the canary
  const seen = await sh(`grep -l 'canar[y]-${process.pid}' /proc/[0-9]*/cmdline /proc/[0-9]*/environ 2>/dev/null`);
  t.equal(seen.stdout.trim(), '', 'no process shows the line');
  const agent = (await sh("pgrep -f 'agent[.]cjs apply'")).stdout.trim();
  t.match(agent, /^\d+$/, 'one agent runs');
  await sh(`kill -9 ${agent}`);
  const ended = await running;
  t.not(ended.code, 0);
  await until('the command is gone', async () => (await sh("pgrep -f 'sleep 313[1]'")).stdout.trim() === '');
  t.pass('no command of the killed agent runs on');
});

const cacheSls = (extra: string): string => `
memcached:
  pkg.installed: []
  service.running:
    - watch:
      - file: /etc/memcached.conf
/etc/memcached.conf:
  file.managed:
    - require:
      - pkg: memcached
    - contents: |
        -d
        logfile /var/log/memcached.log
        -m 64
        -p 11211
        -u memcache
        -l 127.0.0.1
        ${extra}
`;

t.test('a restart fired by watch that leaves memcached dead fails with its status and log', async (t) => {
  await states({ 'cache.sls': cacheSls('-c 1024') });
  const first = await applyLocal(fleet, HOST, ['cache']);
  t.equal(first.code, 0, first.stdout + first.stderr);
  t.equal(results(first, HOST)['service_|-memcached_|-memcached_|-running'].result, true);

  await states({ 'cache.sls': cacheSls('-Z --no-such-option') });
  const broken = await applyLocal(fleet, HOST, ['cache']);
  const svc = results(broken, HOST)['service_|-memcached_|-memcached_|-running'];
  t.equal(svc.result, false, svc.comment);
  t.comment(svc.comment);
  t.match(
    svc.comment,
    /^Failed to restart the service: the service is not running 6 s after the restart\n\/etc\/init.d\/memcached status \(exit \d+\)/,
  );
  t.match(svc.comment, /Last log lines \(\/var\/log\/memcached.log\):\n/);

  const next = await applyLocal(fleet, HOST, ['cache']);
  const again = results(next, HOST)['service_|-memcached_|-memcached_|-running'];
  t.equal(again.result, false);
  t.match(
    again.comment,
    /^Service memcached failed to start: it is not running 6 s after the start\n\/etc\/init.d\/memcached status/,
  );
  t.match(again.comment, /Last log lines/);
});
