// Envelopes carry only the host's own pillar: the shipped pillar trees, a memcache and a sessions host.
import t from 'tap';
import { fileURLToPath } from 'node:url';
import { FsTree } from '../../../agent/store/tree.ts';
import { buildEnvelope } from '../../../master/push/envelope.ts';
import type { RosterHost } from '../../../master/config/roster.ts';
import { MemTree } from '../../../agent/store/tree.ts';

const repo = fileURLToPath(new URL('../../../', import.meta.url));
const pillar = new FsTree(`${repo}pillar`);
const privatePillar = new FsTree(`${repo}pillar-private`);
const SECRET = 'demo-redis-session-secret-change-me';

function host(id: string, roles: string[]): RosterHost {
  return { id, host: '10.0.0.1', port: 22, user: 'root', sudo: false, level: 'staging', roles, grains: { rack: 'r1' } };
}

const manifest = { 'top.sls': 'a'.repeat(64) };
const mine = { mem1: { 'network.ip_addrs': ['10.0.0.5'] } };

t.test('a sessions host gets its pillar and the redis password as a secret', async (t) => {
  const r = buildEnvelope({
    jid: 'j1',
    host: host('sess1', ['sessions']),
    pillar,
    privatePillar,
    manifest,
    mine,
    test: true,
    sls: ['redis'],
  });
  t.ok(r.envelope, JSON.stringify(r.errors));
  const e = r.envelope!;
  t.equal(e.id, 'sess1');
  t.same(e.grains, { rack: 'r1', id: 'sess1', level: 'staging', roles: ['sessions'] });
  t.equal((e.pillar.redis as Record<string, unknown>).password, SECRET);
  t.ok(e.secrets.includes(SECRET));
  t.equal((e.pillar.memcached as Record<string, unknown>).memory, 128, 'role pillar over level pillar');
  t.same(e.manifest, manifest);
  t.same(e.mine, mine);
  t.equal(e.test, true);
  t.same(e.sls, ['redis']);
});

t.test('a memcache host never receives the sessions secret', async (t) => {
  const r = buildEnvelope({ jid: 'j1', host: host('mem1', ['memcache']), pillar, privatePillar, manifest });
  const e = r.envelope!;
  const admins = JSON.stringify(e.pillar.admins);
  t.ok(
    e.secrets.length > 0 && e.secrets.every((v) => admins.includes(JSON.stringify(v))),
    'its only secrets are the administrators every host gets',
  );
  t.notOk('redis' in e.pillar);
  t.notMatch(JSON.stringify(e), SECRET, 'the secret appears nowhere in the envelope');
  t.equal((e.pillar.memcached as Record<string, unknown>).port, 11211);
  t.equal(e.saltenv, 'base');
  t.equal(e.test, false);
});

t.test('grain overrides reach the states, not the pillar; identity comes from the roster', async (t) => {
  const tree = new MemTree({
    'top.sls': "base:\n  'flavour:spicy':\n    - match: grain\n    - spicy\n",
    'spicy.sls': 'hot: true\n',
  });
  const r = buildEnvelope({
    jid: 'j',
    host: host('mem1', ['memcache']),
    pillar: tree,
    manifest,
    grainOverrides: [{ path: ['flavour'], value: 'spicy' }],
  });
  t.equal(r.envelope!.grains.flavour, 'spicy');
  t.same(r.envelope!.pillar, {}, 'pillar rendered with roster grains only');
});

t.test('pillar errors come back with the host and no envelope', async (t) => {
  const bad = new MemTree({ 'top.sls': "base:\n  '*':\n    - broken\n", 'broken.sls': 'a: [\n' });
  const r = buildEnvelope({ jid: 'j', host: host('mem1', []), pillar: bad, manifest });
  t.equal(r.envelope, undefined);
  t.ok(r.errors.length);
  t.equal(r.errors[0].host, 'mem1');
});

t.test('a pillar override is merged last; the secrets stay those of the private tree', async (t) => {
  const plain = buildEnvelope({
    jid: 'j',
    host: host('sess1', ['sessions']),
    pillar,
    privatePillar,
    manifest,
  }).envelope!;
  const r = buildEnvelope({
    jid: 'j',
    host: host('sess1', ['sessions']),
    pillar,
    privatePillar,
    manifest,
    pillarOverride: { memcached: { memory: 256 }, redis: { maxmemory_policy: 'allkeys-lru' }, extra: 'operator value' },
  });
  const e = r.envelope!;
  t.equal((e.pillar.memcached as Record<string, unknown>).memory, 256, 'the override wins');
  t.equal((e.pillar.redis as Record<string, unknown>).maxmemory, '512mb', 'merged, not replaced');
  t.equal(e.pillar.extra, 'operator value');
  t.equal((e.pillar.redis as Record<string, unknown>).password, SECRET);
  t.same(e.secrets, plain.secrets, 'an override adds no secret and removes none');
});
