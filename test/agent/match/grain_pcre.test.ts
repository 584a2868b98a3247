import t from 'tap';
import { grainPcreMatch } from '../../../agent/match/grain_pcre.ts';
import { TargetError } from '../../../agent/match/types.ts';

const m = {
  id: 'h',
  grains: { os: 'Debian', roles: ['db', 'web'], kernelrelease: '6.1.0-18-amd64', osmajorrelease: 12 },
};

t.test('re.match, case-insensitive, on the grain value', async (t) => {
  t.ok(grainPcreMatch('os:deb.*', m));
  t.ok(grainPcreMatch('os:DEB', m), 'anchored at the start only');
  t.notOk(grainPcreMatch('os:ian', m));
  t.ok(grainPcreMatch('os:(debian|ubuntu)$', m));
  t.ok(grainPcreMatch('roles:w.b', m));
  t.notOk(grainPcreMatch('roles:mail|cache', m));
  t.ok(grainPcreMatch('kernelrelease:6\\.1\\.\\d+-\\d+-amd64', m));
  t.ok(grainPcreMatch('osmajorrelease:1[0-9]', m));
});

t.test('upper-case escapes keep their meaning', async (t) => {
  t.ok(grainPcreMatch('os:\\D+$', m));
  t.notOk(grainPcreMatch('osmajorrelease:\\D', m));
});

t.test('errors', async (t) => {
  t.throws(() => grainPcreMatch('os', m), TargetError);
  t.throws(() => grainPcreMatch('os:(', m), /invalid regular expression/);
});
