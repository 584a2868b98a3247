import t from 'tap';
import { hostMenu, pickHost } from '../../master/commands/ssh.ts';
import type { RosterHost } from '../../master/roster.ts';

const host = (id: string): RosterHost => ({ id, host: `10.0.0.${id.length}`, port: 22, user: 'root', sudo: false, level: 'staging', roles: ['memcache'], grains: {} });
const hosts = [host('m1'), host('m22'), host('m333')];
const never = async () => {
  throw new Error('asked');
};

t.test('one host: taken without asking', async (t) => {
  t.equal((await pickHost([hosts[0]], undefined, never)).id, 'm1');
});

t.test('--index picks the n-th; past the end is a usage error listing the hosts', async (t) => {
  t.equal((await pickHost(hosts, 2, never)).id, 'm22');
  await t.rejects(pickHost(hosts, 4, never), { message: /--index 4: only 3 hosts match:\n  1\) m1/, exitCode: 64 });
});

t.test('several hosts: the user is asked', async (t) => {
  t.equal((await pickHost(hosts, undefined, async (hs) => hs.length - 1)).id, 'm333');
  t.equal(hostMenu(hosts), '  1) m1  staging  memcache  10.0.0.2\n  2) m22  staging  memcache  10.0.0.3\n  3) m333  staging  memcache  10.0.0.4\n');
});
