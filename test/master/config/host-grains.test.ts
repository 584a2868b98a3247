import t from 'tap';
import { applyGrainOverrides, parseGrainOverride, rosterGrains } from '../../../master/config/host-grains.ts';
import type { RosterHost } from '../../../master/config/roster.ts';

const host: RosterHost = {
  id: 'db1.production',
  host: '10.77.2.13',
  port: 22,
  user: 'root',
  sudo: false,
  level: 'production',
  roles: ['db'],
  grains: { rack: 'r2', os: { family: 'Debian', release: '12' } },
};

t.test('roster grains: static grains plus id, level and roles', async (t) => {
  const g = rosterGrains(host);
  t.same(g, {
    rack: 'r2',
    os: { family: 'Debian', release: '12' },
    id: 'db1.production',
    level: 'production',
    roles: ['db'],
  });
  (g.roles as string[]).push('masterdb');
  (g.os as Record<string, string>).family = 'RedHat';
  t.same(host.roles, ['db'], 'the roster entry is not shared with the result');
  t.equal(host.grains.os && (host.grains.os as Record<string, string>).family, 'Debian');
});

t.test('--grain values are YAML', async (t) => {
  t.same(parseGrainOverride('virtual=kvm'), { path: ['virtual'], value: 'kvm' });
  t.same(parseGrainOverride('num_cpus=4'), { path: ['num_cpus'], value: 4 });
  t.same(parseGrainOverride('is_vm=true'), { path: ['is_vm'], value: true });
  t.same(parseGrainOverride('ipv4=[127.0.0.1, 10.77.2.13]'), { path: ['ipv4'], value: ['127.0.0.1', '10.77.2.13'] });
  t.same(parseGrainOverride('motd='), { path: ['motd'], value: '' });
  t.same(parseGrainOverride('x=a=b'), { path: ['x'], value: 'a=b' });
  t.same(parseGrainOverride("quoted='007'"), { path: ['quoted'], value: '007' });
  t.same(parseGrainOverride('bad=[unclosed'), { path: ['bad'], value: '[unclosed' }, 'unparsable values stay strings');
  t.same(parseGrainOverride('os:family=Debian'), { path: ['os', 'family'], value: 'Debian' });
});

t.test('--grain refuses malformed specs and identity grains', async (t) => {
  t.throws(() => parseGrainOverride('novalue'), { message: 'expected key=value, got "novalue"' });
  t.throws(() => parseGrainOverride('=x'), { message: 'expected key=value, got "=x"' });
  t.throws(() => parseGrainOverride('os::family=x'), { message: 'empty key in "os::family"' });
  t.throws(() => parseGrainOverride('roles=[masterdb]'), {
    message: "grain 'roles' comes from the roster and cannot be overridden",
  });
  t.throws(() => parseGrainOverride('id=other'), /comes from the roster/);
  t.throws(() => parseGrainOverride('level:x=1'), /comes from the roster/);
});

t.test('overrides apply in order, nested keys create maps, the input is not changed', async (t) => {
  const base = rosterGrains(host);
  const out = applyGrainOverrides(base, [
    parseGrainOverride('os:release=13'),
    parseGrainOverride('rack=r9'),
    parseGrainOverride('rack=r3'),
    parseGrainOverride('net:eth0:mtu=9000'),
    parseGrainOverride('rack:sub=x'),
  ]);
  t.same(out, {
    rack: { sub: 'x' },
    os: { family: 'Debian', release: 13 },
    id: 'db1.production',
    level: 'production',
    roles: ['db'],
    net: { eth0: { mtu: 9000 } },
  });
  t.same(base.os, { family: 'Debian', release: '12' });
  t.equal(base.rack, 'r2');
  t.same(applyGrainOverrides(base, []), base);
});
