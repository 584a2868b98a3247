// The agent converges a real Debian VM (a namespace host of the test fleet) with the shipped
// memcached states: package from the fleet's apt repository, templated config, running service.
import t from 'tap';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { up, type Fleet } from '../fleet/index.ts';
import { applyLocal, changed, putAgent, putFiles, putTree, REMOTE, REPO, results } from './support.ts';

if (process.getuid?.() !== 0) {
  t.plan(0, 'the test fleet needs root (network namespaces, overlay mounts)');
  process.exit(0);
}

const PKG = 'pkg_|-memcached_|-memcached_|-installed';
const CONF = 'file_|-memcached_|-/etc/memcached.conf_|-managed';
const SVC = 'service_|-memcached_|-memcached_|-running';

let fleet: Fleet;

t.before(async () => {
  fleet = await up({
    name: 'e2e-agent',
    replace: true,
    hosts: [
      { id: 'memcache1', roles: ['memcache'], level: 'staging' },
      { id: 'fresh1', roles: ['memcache'], level: 'staging' },
    ],
  });
  for (const h of ['memcache1', 'fresh1']) {
    await putAgent(fleet, h);
    await putTree(fleet, h, ['states', 'pillar']);
    await putFiles(fleet, h, REMOTE, { 'grains.yaml': 'level: staging\nroles: [memcache]\n' });
  }
});
t.teardown(async () => fleet?.down());

async function memcachedPid(host: string): Promise<string> {
  const r = await fleet.exec(host, ['pidof', 'memcached'], { reject: false });
  const pid = r.stdout.trim();
  if (!/^\d+$/.test(pid)) throw new Error(`expected one memcached process on ${host}, pidof said "${pid}" ${r.stderr}`);
  return pid;
}

async function memcachedVersion(host: string): Promise<string> {
  const probe =
    "const s=require('net').connect(11211,process.argv[1]);s.on('data',d=>{process.stdout.write(String(d));s.end()});s.on('error',e=>{console.error(e.message);process.exit(1)});s.write('version\\r\\n')";
  const addr = (await fleet.exec(host, ['sh', '-c', "sed -n 's/^-l //p' /etc/memcached.conf"])).stdout.trim();
  const r = await fleet.exec(host, ['node', '-e', probe, addr], { reject: false, timeoutMs: 10_000 });
  return r.stdout.trim();
}

t.test('test mode on a fresh host changes nothing and reports what would happen', async (t) => {
  const run = await applyLocal(fleet, 'fresh1', ['--test']);
  const r = results(run, 'fresh1');
  t.equal(run.code, 0, run.stderr);
  t.equal(r[PKG].result, null, 'package would be installed');
  t.equal(r[CONF].result, null, 'config would be written');
  t.equal(r[SVC].result, null, 'service would start (pending package), not an error');
  const dpkg = await fleet.exec('fresh1', ['dpkg-query', '-W', '-f', '${Status}', 'memcached'], { reject: false });
  t.notMatch(dpkg.stdout, /install ok installed/, 'memcached is not installed');
  const conf = await fleet.exec('fresh1', ['test', '-e', '/etc/memcached.conf'], { reject: false });
  t.not(conf.exitCode, 0, 'no config written');
});

t.test('first run converges package, config and service', async (t) => {
  const run = await applyLocal(fleet, 'memcache1');
  const r = results(run, 'memcache1');
  t.equal(run.code, 0, run.stderr);
  // pkg states are merged into one apt-get call, whose changes the first pkg state of the run reports
  t.ok(
    r[PKG].result && Object.values(r).some((x) => x.result && Object.keys(x.changes).includes('memcached')),
    'package installed',
  );
  t.equal(r[CONF].result, true);
  t.equal(r[SVC].result, true);
  const conf = (await fleet.exec('memcache1', ['cat', '/etc/memcached.conf'])).stdout;
  t.match(conf, /^-m 64$/m, 'staging pillar memory');
  t.match(await memcachedVersion('memcache1'), /^VERSION /, 'memcached answers on its configured address');
});

t.test('a second run changes nothing and restarts nothing', async (t) => {
  const before = await memcachedPid('memcache1');
  const run = await applyLocal(fleet, 'memcache1');
  t.equal(run.code, 0, run.stderr);
  t.same(changed(run, 'memcache1'), [], 'no changes');
  t.equal(await memcachedPid('memcache1'), before, 'same memcached process');
});

t.test('a pillar change rewrites only the config and restarts memcached (watch)', async (t) => {
  const before = await memcachedPid('memcache1');
  const staging = readFileSync(join(REPO, 'pillar/infra/staging.sls'), 'utf8');
  t.match(staging, /^  memory: 64$/m);
  await putFiles(fleet, 'memcache1', `${REMOTE}/pillar`, {
    'infra/staging.sls': staging.replace(/^  memory: 64$/m, '  memory: 96'),
  });
  const run = await applyLocal(fleet, 'memcache1');
  t.equal(run.code, 0, run.stderr);
  t.same(changed(run, 'memcache1'), [CONF, SVC].sort(), 'config changed and the service reacted');
  t.match(String(results(run, 'memcache1')[CONF].changes.diff), /-m 64\n\+-m 96/);
  t.match((await fleet.exec('memcache1', ['cat', '/etc/memcached.conf'])).stdout, /^-m 96$/m);
  const after = await memcachedPid('memcache1');
  t.ok(after && after !== before, `memcached restarted (${before} → ${after})`);
  t.match(await memcachedVersion('memcache1'), /^VERSION /);
});

t.test('the replaced config was backed up and can be restored', async (t) => {
  const agent = ['node', `${REMOTE}/agent.cjs`, 'backups'];
  const list = await fleet.exec('memcache1', [...agent, 'list', '/etc/memcached.conf', '--json']);
  const versions = JSON.parse(list.stdout) as Array<{ id: string }>;
  t.ok(versions.length >= 1, 'the -m 64 version is kept');
  const oldest = versions[0].id;
  await fleet.exec('memcache1', [...agent, 'restore', '/etc/memcached.conf', oldest]);
  t.match((await fleet.exec('memcache1', ['cat', '/etc/memcached.conf'])).stdout, /^-m 64$/m, 'old version restored');
  const run = await applyLocal(fleet, 'memcache1');
  t.same(changed(run, 'memcache1'), [CONF, SVC].sort(), 'the next run converges it back and restarts');
});

t.test('a failing state stops its dependents and not the others', async (t) => {
  await putFiles(fleet, 'memcache1', `${REMOTE}/states`, {
    'failing.sls': [
      'broken:',
      '  cmd.run:',
      '    - name: "exit 3"',
      'dependent:',
      '  file.managed:',
      '    - name: /tmp/dependent',
      '    - contents: x',
      '    - require:',
      '      - cmd: broken',
      'independent:',
      '  file.managed:',
      '    - name: /tmp/independent',
      '    - contents: y',
      '',
    ].join('\n'),
  });
  const run = await applyLocal(fleet, 'memcache1', ['failing']);
  const r = results(run, 'memcache1');
  t.equal(run.code, 2, 'exit code 2: a state failed');
  t.equal(r['cmd_|-broken_|-exit 3_|-run'].result, false);
  t.equal(r['file_|-dependent_|-/tmp/dependent_|-managed'].result, false);
  t.match(r['file_|-dependent_|-/tmp/dependent_|-managed'].comment, /requisite failed/i);
  t.equal(r['file_|-independent_|-/tmp/independent_|-managed'].result, true);
  t.not(
    (await fleet.exec('memcache1', ['test', '-e', '/tmp/dependent'], { reject: false })).exitCode,
    0,
    'dependent did not run',
  );
  t.equal(
    (await fleet.exec('memcache1', ['cat', '/tmp/independent'])).stdout,
    'y\n',
    'contents end with a newline, as in Salt',
  );
});
