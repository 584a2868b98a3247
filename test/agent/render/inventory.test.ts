// The inventory in templates and pillar: hosts and IPs by role, at the host's own level unless
// another (or '*') is asked for, from roster roles and reported addresses.
import t from 'tap';
import { compileHighstate } from '../../../agent/compile/highstate.ts';
import { compilePillar } from '../../../agent/pillar/compile.ts';
import type { InventoryHost } from '../../../agent/protocol.ts';
import { firstIpv4, inventoryHosts, inventoryIps } from '../../../agent/render/inventory.ts';
import { renderTemplate } from '../../../agent/render/template.ts';
import { MemTree } from '../../../agent/store/tree.ts';

const inventory: InventoryHost[] = [
  { id: 'memcache1', level: 'staging', roles: ['memcache'], addresses: ['fd00::10', '10.77.1.10', '10.77.1.200'] },
  { id: 'memcache2', level: 'staging', roles: ['memcache'], addresses: ['10.77.1.9', 'fd00::11'] },
  { id: 'memcache3', level: 'production', roles: ['memcache'], addresses: ['10.77.2.10'] },
  { id: 'memcache4', level: 'staging', roles: ['memcache'], addresses: ['fd00::12'] },
  { id: 'db1', level: 'staging', roles: ['db', 'masterdb'], addresses: [] },
  { id: 'app1', level: 'staging', roles: ['app'], addresses: ['10.77.1.20'] },
  { id: 'tools', roles: ['app'], addresses: ['10.77.9.1'] },
];
const ctx = { grains: { id: 'app1', level: 'staging', roles: ['app'] }, pillar: {}, saltenv: 'base', inventory };
const render = (source: string, c: object = ctx): string => {
  const r = renderTemplate(new MemTree({}), 'app.conf', source, c as typeof ctx);
  if (r.error) throw new Error(r.error.message);
  return r.text;
};

t.test('lookup: first IPv4 of each host, numerically sorted; hosts sorted by id', async (t) => {
  t.same(
    inventoryIps(inventory, 'memcache', 'staging'),
    ['10.77.1.9', '10.77.1.10'],
    '10.77.1.9 before 10.77.1.10; IPv6-only memcache4 has no IPv4',
  );
  t.same(inventoryIps(inventory, 'memcache', '*'), ['10.77.1.9', '10.77.1.10', '10.77.2.10']);
  t.same(inventoryIps(inventory, 'app', undefined), ['10.77.9.1'], 'no level: the hosts without one');
  t.same(
    inventoryHosts(inventory, 'memcache', 'staging').map((h) => h.id),
    ['memcache1', 'memcache2', 'memcache4'],
  );
  t.same(inventoryIps(undefined, 'memcache', 'staging'), []);
  t.equal(
    firstIpv4(['127.0.0.1', '::1', '300.1.1.1', '10.0.0.1']),
    '10.0.0.1',
    'loopback and non-addresses are skipped',
  );
  const copy = inventoryHosts(inventory, 'db', 'staging')[0];
  copy.roles.push('app');
  t.same(inventory.find((h) => h.id === 'db1')!.roles, ['db', 'masterdb'], 'the entries are copies');
});

t.test("inventory.ips in a template: the role at this host's level", async (t) => {
  t.equal(render("{{ inventory.ips('memcache') | join(',') }}"), '10.77.1.9,10.77.1.10');
  t.equal(
    render("{% for ip in inventory.ips('memcache') %}server {{ ip }}:11211\n{% endfor %}"),
    'server 10.77.1.9:11211\nserver 10.77.1.10:11211\n',
  );
  const prod = { ...ctx, grains: { id: 'app9', level: 'production', roles: ['app'] } };
  t.equal(
    render("{{ inventory.ips('memcache') | join(',') }}", prod),
    '10.77.2.10',
    'a production host sees the production memcache',
  );
});

t.test('another level, every level, keyword arguments, unknown roles', async (t) => {
  t.equal(render("{{ inventory.ips('memcache', 'production') | join(',') }}"), '10.77.2.10');
  t.equal(render("{{ inventory.ips('memcache', level='*') | join(',') }}"), '10.77.1.9,10.77.1.10,10.77.2.10');
  t.equal(render("{{ inventory.ips(role='memcache', level='production') | join(',') }}"), '10.77.2.10');
  t.equal(render("{{ inventory.ips(level='production', role='memcache') | join(',') }}"), '10.77.2.10');
  t.equal(
    render("{{ inventory.ips('memcache', level=None) | join(',') }}"),
    '10.77.1.9,10.77.1.10',
    "None: this host's level",
  );
  t.equal(render("{{ inventory.ips('elastic') }}"), '[]', 'an unknown role: an empty list');
  t.equal(render("{{ inventory.ips('db') }}"), '[]', 'a host that never reported has no address');
});

t.test('an unknown keyword argument is an error, as in Python', async (t) => {
  const r = renderTemplate(new MemTree({}), 'app.conf', "{{ inventory.ips('memcache', colour='red') }}", ctx);
  t.match(r.error?.message, /colour/);
});

t.test('inventory.hosts and the salt functions of the same name', async (t) => {
  t.equal(
    render(
      "{% for h in inventory.hosts('db') %}{{ h.id }} {{ h.roles | join('+') }} {{ h.level }} {{ h.address }}{% endfor %}",
    ),
    'db1 db+masterdb staging None',
  );
  t.equal(
    render("{% for h in inventory.hosts('memcache') %}{{ h.id }}={{ h.address }};{% endfor %}"),
    'memcache1=10.77.1.10;memcache2=10.77.1.9;memcache4=None;',
  );
  t.equal(render("{{ salt['inventory.hosts'](level='production') | map(attribute='id') | join(',') }}"), 'memcache3');
  t.equal(render("{{ salt['inventory.ips']('app') | join(',') }}"), '10.77.1.20');
  t.equal(render("{{ salt['inventory.ips'](role='memcache', level='*') | length }}"), '3');
  t.equal(
    render('{{ inventory.hosts() | map(attribute="id") | join(",") }}'),
    'app1,db1,memcache1,memcache2,memcache4',
    'every host of this level',
  );
});

t.test('a map.jinja imported without context reads the inventory too', async (t) => {
  const tree = new MemTree({ 'map.jinja': "{% set servers = inventory.ips('memcache') %}" });
  const r = renderTemplate(tree, 'app.conf', "{% from 'map.jinja' import servers %}{{ servers | join(' ') }}", ctx);
  t.equal(r.error, undefined);
  t.equal(r.text, '10.77.1.9 10.77.1.10');
});

t.test('SLS rendered on the agent: states name the addresses', async (t) => {
  const tree = new MemTree({
    'top.sls': "base:\n  '*':\n    - app\n",
    'app.sls': [
      '/etc/app/memcache.conf:',
      '  file.managed:',
      '    - contents: |',
      "        {%- for ip in inventory.ips('memcache') %}",
      '        server {{ ip }}:11211',
      '        {%- endfor %}',
      "{% for h in salt['inventory.hosts']('memcache', level='*') if h.address %}",
      'ping-{{ h.id }}:',
      '  test.succeed_without_changes:',
      '    - name: {{ h.address }}',
      '{% endfor %}',
      '',
    ].join('\n'),
  });
  const out = compileHighstate({ tree, ctx });
  t.same(out.errors, []);
  const contents = out.chunks.find((c) => c.id === '/etc/app/memcache.conf')?.args.contents;
  t.equal(contents, 'server 10.77.1.9:11211\nserver 10.77.1.10:11211\n');
  t.same(
    out.chunks
      .filter((c) => c.id.startsWith('ping-'))
      .map((c) => `${c.id} ${c.name}`)
      .sort(),
    ['ping-memcache1 10.77.1.10', 'ping-memcache2 10.77.1.9', 'ping-memcache3 10.77.2.10'],
  );
});

t.test('pillar sees the inventory too', async (t) => {
  const tree = new MemTree({
    'top.sls': "base:\n  '*':\n    - app\n",
    'app.sls':
      "app:\n  memcached: {{ inventory.ips('memcache') | json }}\n  db: {{ salt['inventory.ips']('masterdb') | json }}\n",
  });
  const p = compilePillar({ tree, grains: ctx.grains, inventory });
  t.same(p.errors, []);
  t.same(p.pillar, { app: { memcached: ['10.77.1.9', '10.77.1.10'], db: [] } });
});

t.test('without an inventory the helpers answer empty lists', async (t) => {
  const r = renderTemplate(new MemTree({}), 'x', "{{ inventory.ips('memcache') }} {{ inventory.hosts() }}", {
    grains: {},
    pillar: {},
    saltenv: 'base',
  });
  t.equal(r.text, '[] []');
});

t.test('a host that never reported carries the roster address apart; only an IPv4 literal is kept', async (t) => {
  const inv: InventoryHost[] = [
    { id: 'new1', level: 'staging', roles: ['app'], addresses: [], roster_address: '10.9.0.7' },
    { id: 'odd1', level: 'staging', roles: ['app'], addresses: [], roster_address: 'x\n- cmd.run: evil' },
    { id: 'old1', level: 'staging', roles: ['app'], addresses: ['10.9.0.8'], roster_address: '10.9.0.8' },
  ];
  const hosts = inventoryHosts(inv, undefined, 'staging');
  t.same(
    hosts.map((h) => [h.id, h.address, h.roster_address]),
    [
      ['new1', null, '10.9.0.7'],
      ['odd1', null, null],
      ['old1', '10.9.0.8', '10.9.0.8'],
    ],
  );
  t.same(inventoryIps(inv, 'app', 'staging'), ['10.9.0.8'], 'service addresses stay what hosts reported');
});
