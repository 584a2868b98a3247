// Levels kept apart, and a pillar change reaching only the hosts it concerns, with the shipped
// state tree through the jump box: `highstate --level production` converges the production host
// alone, with production's pillar and nothing of staging's (the pillar it received is written out
// and read back); a new memcached size changes the staging memcache and sessions hosts only and
// restarts nothing but memcached there, and production stays as it was.
import t from 'tap';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO } from './support.ts';
import { changedTags, failures, parseHighstate, secondRunChangesNothing, sh, withPillar } from './platform-support.ts';
import { cliFor, fleetSuite, withStates } from './workspace.ts';

const suite = fleetSuite('platform-levels', [
  { id: 'memcache1', roles: ['memcache'], level: 'staging' },
  { id: 'sessions1', roles: ['sessions'], level: 'staging' },
  { id: 'elastic1', roles: ['elastic'], level: 'staging' },
  { id: 'prodcache1', roles: ['memcache'], level: 'production' },
]);
const STAGING = ['elastic1', 'memcache1', 'sessions1'];
const MEMCACHED = ['file_|-memcached_|-/etc/memcached.conf_|-managed', 'service_|-memcached_|-memcached_|-running'];
const DAEMONS = ['memcached', 'redis-server', 'master', 'chronyd'];

/** Pid of each daemon on the host ('' when it does not run there). */
async function pids(host: string): Promise<Record<string, string>> {
  const out = await sh(suite.fleet, host, DAEMONS.map((d) => `echo "${d} $(pidof -s ${d})"`).join('; '));
  return Object.fromEntries(
    out
      .trim()
      .split('\n')
      .map((l) => [l.split(' ')[0], l.split(' ')[1] ?? '']),
  );
}

t.test(
  "--level production converges only the production host, with production pillar and none of staging's",
  async (t) => {
    // the tree plus one state writing out the pillar each host receives
    const top = readFileSync(join(REPO, 'states/top.sls'), 'utf8').replace(
      /^ {4}- postfix$/m,
      '    - postfix\n    - pillar_dump',
    );
    const config = withStates(suite.ws, 'dump', {
      'top.sls': top,
      'pillar_dump.sls':
        "pillar-dump:\n  file.managed:\n    - name: /root/pillar.json\n    - contents: {{ salt['pillar.items']() | json | json }}\n    - mode: '0600'\n",
    });
    const r = await cliFor(suite.ws, config)('highstate', '--level', 'production', '--out', 'json');
    const doc = parseHighstate(r);
    t.same(failures(doc), []);
    t.equal(r.code, 0, r.err);
    t.same(Object.keys(doc), ['prodcache1'], 'the production host alone');
    for (const h of STAGING)
      t.equal(
        (await suite.fleet.exec(h, ['test', '-e', '/var/lib/halite'], { reject: false })).exitCode,
        1,
        `${h}: never reached`,
      );

    const received = await sh(suite.fleet, 'prodcache1', 'cat /root/pillar.json');
    const pillar = JSON.parse(received);
    t.match(pillar, {
      infra: { level: 'production', domain: 'example.internal' },
      memcached: { memory: 1024, max_connections: 4096 },
      logrotate: { rotate: 12 },
    });
    t.notMatch(received, /staging/, 'no staging value in the pillar it received');
    t.match(await sh(suite.fleet, 'prodcache1', 'cat /etc/memcached.conf'), /^-m 1024$/m);
    t.equal(await sh(suite.fleet, 'prodcache1', 'cat /etc/mailname'), 'example.internal\n');
    t.match(await sh(suite.fleet, 'prodcache1', 'cat /etc/logrotate.conf'), /^rotate 12$/m);
    t.equal(
      await sh(
        suite.fleet,
        'prodcache1',
        'grep -rIl -e staging.example.internal -e platform-staging /etc /root /var/lib/halite || true',
      ),
      '',
      'no staging value in any file it has',
    );
  },
);

t.test('the staging level converges, then changes nothing', async (t) => {
  const r = await suite.halite('highstate', '--level', 'staging', '--out', 'json');
  const doc = parseHighstate(r);
  t.same(failures(doc), []);
  t.same(Object.keys(doc).sort(), STAGING, 'the staging hosts alone');
  await secondRunChangesNothing(t, () => suite.halite('highstate', '--level', 'staging', '--out', 'json'), STAGING);
});

t.test('a new memcached size changes only the memcache and sessions hosts and restarts only memcached', async (t) => {
  const before = Object.fromEntries(await Promise.all(STAGING.map(async (h) => [h, await pids(h)] as const)));
  const config = withPillar(suite.ws, 'bigger', {
    'infra/staging.sls': (text) => text.replace(/^ {2}memory: 64$/m, '  memory: 80'),
    'roles/sessions.sls': (text) => text.replace(/^ {2}memory: 128$/m, '  memory: 144'),
  });
  const r = await cliFor(suite.ws, config)('highstate', '--level', 'staging', '--out', 'json');
  const doc = parseHighstate(r);
  t.same(failures(doc), []);
  t.same(changedTags(doc, 'memcache1').sort(), MEMCACHED);
  t.same(changedTags(doc, 'sessions1').sort(), MEMCACHED);
  t.same(changedTags(doc, 'elastic1'), [], 'the elastic host is not touched');
  t.match(await sh(suite.fleet, 'memcache1', 'cat /etc/memcached.conf'), /^-m 80$/m);
  t.match(await sh(suite.fleet, 'sessions1', 'cat /etc/memcached.conf'), /^-m 144$/m);
  for (const h of STAGING) {
    const after = await pids(h);
    for (const d of DAEMONS) {
      if (!before[h][d]) continue;
      if (d === 'memcached') t.not(after[d], before[h][d], `${h}: memcached restarted`);
      else t.equal(after[d], before[h][d], `${h}: ${d} not restarted`);
    }
  }
  t.ok(before.sessions1['redis-server'] && before.elastic1.master, 'the daemons compared were running');

  const prod = parseHighstate(await cliFor(suite.ws, config)('highstate', '--level', 'production', '--out', 'json'));
  t.same(failures(prod), []);
  t.same(changedTags(prod, 'prodcache1'), [], 'production changes nothing: the staging sizes are not its pillar');
  t.match(await sh(suite.fleet, 'prodcache1', 'cat /etc/memcached.conf'), /^-m 1024$/m);
});
