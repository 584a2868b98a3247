import t from 'tap';
import { grainMatch } from '../../../agent/match/grain.ts';
import { TargetError } from '../../../agent/match/types.ts';

const grains = {
  id: 'db1',
  os: 'Debian',
  osrelease: '12',
  num_cpus: 4,
  virtual: true,
  nothing: null,
  empty: {},
  roles: ['db', 'web'],
  locale_info: { defaultlanguage: 'en_US' },
  ip_interfaces: { eth0: ['10.0.0.1', 'fe80::1'] },
  nested: { a: { b: 'c:d' } },
  disks: [{ name: 'sda' }, { name: 'sdb' }],
};
const m = { id: 'db1', grains };

t.test('values are case-insensitive globs', async (t) => {
  t.ok(grainMatch('os:Debian', m));
  t.ok(grainMatch('os:debian', m));
  t.ok(grainMatch('os:DEB*', m));
  t.ok(grainMatch('osrelease:1?', m));
  t.notOk(grainMatch('os:Ubuntu', m));
  t.notOk(grainMatch('os:Deb', m), 'the whole value must match');
});

t.test('values are compared as Python prints them', async (t) => {
  t.ok(grainMatch('num_cpus:4', m));
  t.ok(grainMatch('virtual:True', m));
  t.ok(grainMatch('virtual:true', m));
  t.ok(grainMatch('nothing:None', m));
});

t.test('list grains match when any member does', async (t) => {
  t.ok(grainMatch('roles:db', m));
  t.ok(grainMatch('roles:web', m));
  t.ok(grainMatch('roles:w*', m));
  t.notOk(grainMatch('roles:mail', m));
  t.ok(grainMatch('roles:0:db', m), 'a list index in the path');
  t.ok(grainMatch('disks:name:sdb', m), 'dicts inside a list');
});

t.test('nested keys', async (t) => {
  t.ok(grainMatch('locale_info:defaultlanguage:en_*', m));
  t.ok(grainMatch('ip_interfaces:eth0:10.0.0.1', m));
  t.notOk(grainMatch('ip_interfaces:eth1:10.0.0.1', m));
  t.ok(grainMatch('locale_info:defaultlanguage', m), 'a dict matches when it has the key');
  t.ok(grainMatch('nested:a:b:c:d', m), 'a value may itself contain the delimiter');
  t.ok(grainMatch('*:debian', m), "'*' searches every top-level grain");
  t.notOk(grainMatch('empty:*', m), 'an empty dict matches nothing');
  t.notOk(grainMatch('missing:x', m));
  t.notOk(grainMatch('os:debian:x', m));
});

t.test('another delimiter', async (t) => {
  t.ok(grainMatch('nested|a|b|c:d', m, '|'));
  t.ok(grainMatch('os|debian', m, '|'));
  t.throws(() => grainMatch('os:debian', m, '|'), /no '\|'/);
});

t.test('a target without the delimiter is an error', async (t) => {
  t.throws(() => grainMatch('roles', m), TargetError);
  t.throws(() => grainMatch('roles', m), /grain target 'roles' has no ':'/);
  t.throws(() => grainMatch(['roles:db'], m), TargetError);
});

t.test('no grains at all', async (t) => {
  t.notOk(grainMatch('roles:db', { id: 'x' }));
});
