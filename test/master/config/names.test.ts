import t from 'tap';
import {
  isAddress,
  isHostname,
  isPort,
  isPosixUser,
  isSafeToken,
  parseEndpoint,
} from '../../../master/config/names.ts';

t.test('safe tokens', async (t) => {
  for (const ok of ['app1', 'app1.staging', 'db_2', 'a-b', '_x', '9lives']) t.ok(isSafeToken(ok), ok);
  for (const bad of ['', '-a', '.a', 'a b', 'a;b', 'a$b', 'a/b', 'a\nb', "a'b", 'x'.repeat(254), 3, null])
    t.notOk(isSafeToken(bad), String(bad));
});

t.test('addresses: hostnames and IP literals, nothing that looks like an option', async (t) => {
  for (const ok of [
    '10.77.1.2',
    'fd00::1',
    '::1',
    'db1',
    'db1.example.internal',
    'db1.example.internal.',
    'xn--bcher-kva.example',
  ])
    t.ok(isAddress(ok), ok);
  for (const bad of [
    '-oProxyCommand=x',
    '10.77.1.300',
    '[fd00::1]',
    'a_b.lan',
    'a..b',
    '-a.lan',
    'a-.lan',
    'a b',
    '',
    'a.lan;id',
    'host:22',
  ]) {
    t.notOk(isAddress(bad), bad);
  }
  t.notOk(isHostname('a'.repeat(64)), 'labels are at most 63 characters');
});

t.test('POSIX user names and ports', async (t) => {
  for (const ok of ['root', 'deploy', '_apt', 'www-data', 'a.b']) t.ok(isPosixUser(ok), ok);
  for (const bad of ['-l', '1abc', 'a b', 'a:b', '', 'x'.repeat(33)]) t.notOk(isPosixUser(bad), bad);
  for (const ok of [1, 22, 65535]) t.ok(isPort(ok));
  for (const bad of [0, 65536, 22.5, '22', -1]) t.notOk(isPort(bad), String(bad));
});

t.test('endpoints: [user@]host[:port]', async (t) => {
  t.same(parseEndpoint('10.77.0.1'), { host: '10.77.0.1' });
  t.same(parseEndpoint('ops@jump:2222'), { host: 'jump', user: 'ops', port: 2222 });
  t.same(parseEndpoint('root@[fd00::1]:22'), { host: 'fd00::1', user: 'root', port: 22 });
  t.same(parseEndpoint('[fd00::1]'), { host: 'fd00::1' });
  t.equal(parseEndpoint('fd00::1'), undefined, 'IPv6 needs brackets');
  t.equal(parseEndpoint('a@b@c'), undefined);
  t.equal(parseEndpoint('host:ssh'), undefined);
});
