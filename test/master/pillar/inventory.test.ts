import t from 'tap';
import { mineGet } from '../../../agent/render/mine.ts';
import { inventoryByWave, inventoryHosts, ipsBy, mineData, mineFromStore } from '../../../master/pillar/inventory.ts';
import { JobStore } from '../../../master/jobs/store.ts';
import { orchestrate } from '../../../master/push/orchestrate.ts';
import type { PushResult } from '../../../master/push/host.ts';
import type { Role } from '../../../master/config/roles.ts';
import type { RosterHost } from '../../../master/config/roster.ts';

const host = (id: string, level: string, roles: string[], addr = '10.0.0.1'): RosterHost => ({
  id,
  host: addr,
  port: 22,
  user: 'root',
  sudo: false,
  level,
  roles,
  grains: {},
});
const ROSTER = [
  host('mem1.staging', 'staging', ['memcache'], '10.77.1.10'),
  host('sess1.staging', 'staging', ['sessions', 'memcache'], '10.77.1.11'),
  host('mem1.production', 'production', ['memcache'], 'mem1.example.org'),
  host('db1.production', 'production', ['db'], '10.77.2.20'),
];

t.test('mine data from the store: reported addresses and grains, only for roster hosts', async (t) => {
  const store = JobStore.open(':memory:');
  store.updateInventory('mem1.staging', ['127.0.0.1', '10.77.1.10'], { os: 'Debian', roles: ['claimed-db'] });
  store.updateInventory('gone.staging', ['10.77.1.99'], {});
  const mine = mineFromStore(store, ROSTER);
  t.same(
    mine,
    { 'mem1.staging': { 'network.ip_addrs': ['127.0.0.1', '10.77.1.10'], 'grains.items': { os: 'Debian' } } },
    'a grain hosts do not report (roles) never reaches the mine',
  );
  t.same(
    mineGet(mine, '*', 'network.ip_addrs'),
    { 'mem1.staging': ['127.0.0.1', '10.77.1.10'] },
    'salt mine.get reads it',
  );
  store.close();
});

t.test('IPs by role and level come from roster identity, never from reported grains', async (t) => {
  const mine = mineData([
    { host: 'mem1.staging', addresses: ['10.77.1.10', '10.77.1.50'], grains: { roles: ['db'] }, updatedAt: '' },
    { host: 'db1.production', addresses: ['10.77.2.20'], grains: {}, updatedAt: '' },
  ]);
  t.same(
    ipsBy(mine, ROSTER, { role: 'memcache', level: 'staging' }),
    { 'mem1.staging': ['10.77.1.10', '10.77.1.50'], 'sess1.staging': [] },
    'sess1 never reported: no address',
  );
  t.same(
    ipsBy(mine, ROSTER, { role: 'db' }),
    { 'db1.production': ['10.77.2.20'] },
    'a host claiming db in its grains is not a db',
  );
  t.same(ipsBy(mine, ROSTER, { role: 'memcache', level: 'production' }), { 'mem1.production': [] });
});

t.test(
  "inventory from stored runs: what hosts reported in their pushes becomes the next run's mine data",
  async (t) => {
    const store = JobStore.open(':memory:');
    const role = (name: string): Role => ({
      name,
      file: `/r/${name}.yaml`,
      description: name,
      dependsOn: [],
      count: {},
      ports: [],
      lines: {},
    });
    const roles = new Map(['memcache', 'sessions'].map((n) => [n, role(n)]));
    const hosts = ROSTER.slice(0, 2);
    const reported: Record<string, PushResult> = {
      'mem1.staging': {
        host: 'mem1.staging',
        status: 'ok',
        results: [],
        errors: [],
        durationMs: 1,
        addresses: ['10.77.1.10'],
        grains: { os: 'Debian', ipv4: ['10.77.1.10'] },
      },
      // an agent that reported nothing (older agent, or it failed before its start event)
      'sess1.staging': {
        host: 'sess1.staging',
        status: 'error',
        results: [],
        errors: [{ code: 'BOOTSTRAP', message: 'no node' }],
        durationMs: 1,
      },
    };
    await orchestrate({ hosts, roles, run: async (h) => reported[h.id], store });
    const mine = mineFromStore(store, ROSTER);
    t.same(Object.keys(mine), ['mem1.staging'], 'only hosts that reported');
    t.same(mineGet(mine, '*', 'network.ip_addrs'), { 'mem1.staging': ['10.77.1.10'] });
    t.same(ipsBy(mine, ROSTER, { role: 'memcache', level: 'staging' }), {
      'mem1.staging': ['10.77.1.10'],
      'sess1.staging': [],
    });

    // a later run's report replaces the earlier one
    reported['mem1.staging'] = { ...reported['mem1.staging'], addresses: ['10.77.1.12'] };
    await orchestrate({ hosts, roles, run: async (h) => reported[h.id], store });
    t.same(mineGet(mineFromStore(store, ROSTER), '*', 'network.ip_addrs'), { 'mem1.staging': ['10.77.1.12'] });
    store.close();
  },
);

t.test('the inventory templates get: roster roles and levels, reported addresses', async (t) => {
  const mine = mineData([
    { host: 'mem1.staging', addresses: ['10.77.1.10'], grains: { roles: ['db'], level: 'production' }, updatedAt: '' },
  ]);
  const inv = inventoryHosts(mine, ROSTER);
  t.same(
    inv.map((h) => h.id),
    ROSTER.map((h) => h.id),
    'every roster host, in roster order',
  );
  t.same(
    inv[0],
    { ...inv[0], id: 'mem1.staging', level: 'staging', roles: ['memcache'], addresses: ['10.77.1.10'] },
    'reported grains do not change roles or level',
  );
  t.same(
    inv.find((h) => h.id === 'mem1.production')?.addresses,
    [],
    'a host named by DNS that never reported has no address',
  );
  t.same(inv.find((h) => h.id === 'db1.production')?.addresses, [], 'nor has one whose roster address is an IP');
  const db1 = ROSTER.find((h) => h.id === 'db1.production')!;
  t.equal(inv.find((h) => h.id === 'db1.production')?.roster_address, db1.host, 'its roster address travels apart');
  t.notOk('roster_address' in inv.find((h) => h.id === 'mem1.production')!, 'a roster name is no roster address');
  const gone = inventoryHosts(
    mineData([{ host: 'old.staging', addresses: ['10.77.1.99'], grains: {}, updatedAt: '' }]),
    ROSTER,
  );
  t.notOk(
    gone.some((h) => h.id === 'old.staging'),
    'a host that left the roster is gone, whatever it reported',
  );
});

t.test(
  'within one job, a wave renders with what the earlier waves reported; hosts of one wave see the same',
  async (t) => {
    const store = JobStore.open(':memory:');
    t.teardown(() => store.close());
    const role = (name: string, dependsOn: string[] = []): Role => ({
      name,
      file: `/r/${name}.yaml`,
      description: name,
      dependsOn,
      count: {},
      ports: [],
      lines: {},
    });
    const roles = new Map([role('masterdb'), role('db', ['masterdb']), role('app', ['db'])].map((r) => [r.name, r]));
    const hosts = [
      host('app1', 'staging', ['app']),
      host('db1', 'staging', ['db']),
      host('db2', 'staging', ['db']),
      host('master1', 'staging', ['masterdb']),
    ];
    const addr: Record<string, string> = { master1: '10.1.0.1', db1: '10.1.0.2', db2: '10.1.0.3', app1: '10.1.0.4' };
    const snapshot = inventoryByWave(store, hosts);
    const seen: Record<string, string[]> = {};
    await orchestrate({
      hosts,
      roles,
      store,
      run: async (h, opts) => {
        seen[h.id] = snapshot(opts.wave)
          .inventory.filter((x) => x.addresses.length)
          .map((x) => x.id);
        // db2 finishes first: db1 must still not see it
        if (h.id === 'db1') await new Promise((r) => setTimeout(r, 20));
        return {
          host: h.id,
          status: 'ok',
          results: [],
          errors: [],
          durationMs: 1,
          addresses: [addr[h.id]],
          grains: {},
        };
      },
    });
    t.same(seen.master1, [], 'the first wave: nothing reported yet');
    t.same(seen.db1, ['master1'], 'the replicas see the primary converged in the same job');
    t.same(seen.db2, ['master1'], 'every host of a wave sees the same data');
    t.same(seen.app1, ['db1', 'db2', 'master1'], 'the last wave sees every earlier one');
  },
);
