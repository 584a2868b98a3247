// The inventory in templates and pillar: hosts and IPs by role, at the host's own level unless
// another (or '*') is asked for, from roster roles and reported addresses.
import t from 'tap';
import { compilePillar } from '../../../agent/pillar.ts';
import type { InventoryHost } from '../../../agent/protocol.ts';
import { renderTemplate } from '../../../agent/render/template.ts';
import { MemTree } from '../../../agent/tree.ts';

const inventory: InventoryHost[] = [
  { id: 'memcache1', level: 'staging', roles: ['memcache'], addresses: ['10.77.1.10', 'fd00::10'] },
  { id: 'memcache2', level: 'staging', roles: ['memcache'], addresses: ['fd00::11', '10.77.1.11'] },
  { id: 'memcache3', level: 'production', roles: ['memcache'], addresses: ['10.77.2.10'] },
  { id: 'db1', level: 'staging', roles: ['db', 'masterdb'], addresses: [] },
  { id: 'app1', level: 'staging', roles: ['app'], addresses: ['10.77.1.20'] },
];
const ctx = { grains: { id: 'app1', level: 'staging', roles: ['app'] }, pillar: {}, saltenv: 'base', inventory };
const render = (source: string): string => {
  const r = renderTemplate(new MemTree({}), 'app.conf', source, ctx);
  if (r.error) throw new Error(r.error.message);
  return r.text;
};

t.test('inventory.ips: the first IPv4 of each host of the role at this host\'s level', async (t) => {
  t.equal(render("{{ inventory.ips('memcache') | join(',') }}"), '10.77.1.10,10.77.1.11');
  t.equal(render("{% for ip in inventory.ips('memcache') %}server {{ ip }}:11211\n{% endfor %}"), 'server 10.77.1.10:11211\nserver 10.77.1.11:11211\n');
});

t.test('another level, every level, keyword arguments, unknown roles', async (t) => {
  t.equal(render("{{ inventory.ips('memcache', 'production') | join(',') }}"), '10.77.2.10');
  t.equal(render("{{ inventory.ips('memcache', level='*') | join(',') }}"), '10.77.1.10,10.77.1.11,10.77.2.10');
  t.equal(render("{{ inventory.ips(role='memcache', level='production') | join(',') }}"), '10.77.2.10');
  t.equal(render("{{ inventory.ips('elastic') | length }}"), '0');
  t.equal(render("{{ inventory.ips('db') | length }}"), '0', 'a host that never reported has no address');
});

t.test('inventory.hosts and the salt functions of the same name', async (t) => {
  t.equal(render("{% for h in inventory.hosts('db') %}{{ h.id }} {{ h.roles | join('+') }}{% endfor %}"), 'db1 db+masterdb');
  t.equal(render("{{ salt['inventory.hosts'](level='production') | map(attribute='id') | join(',') }}"), 'memcache3');
  t.equal(render("{{ salt['inventory.ips']('app') | join(',') }}"), '10.77.1.20');
  t.equal(render("{{ inventory.hosts() | length }}"), '4', 'every host of this level');
});

t.test('pillar rendered on the master sees the inventory too', async (t) => {
  const tree = new MemTree({
    'top.sls': "base:\n  '*':\n    - app\n",
    'app.sls': "app:\n  memcached: {{ inventory.ips('memcache') | json }}\n",
  });
  const p = compilePillar({ tree, grains: ctx.grains, inventory });
  t.same(p.errors, []);
  t.same(p.pillar, { app: { memcached: ['10.77.1.10', '10.77.1.11'] } });
});

t.test('without an inventory the helpers answer empty lists', async (t) => {
  const r = renderTemplate(new MemTree({}), 'x', "{{ inventory.ips('memcache') | length }}", { grains: {}, pillar: {}, saltenv: 'base' });
  t.equal(r.text, '0');
});
