import t from 'tap';
import { REPORTED_GRAINS, isLoopback, reportedFacts } from '../../../agent/facts/reported.ts';
import { collectGrains } from '../../../agent/facts/grains.ts';

t.test('addresses without loopback, ipv4 first', async (t) => {
  const f = reportedFacts({ ipv4: ['127.0.0.1', '10.0.0.5', '192.168.1.2'], ipv6: ['::1', 'fe80::1', '2001:db8::5'] });
  t.same(f.addresses, ['10.0.0.5', '192.168.1.2', 'fe80::1', '2001:db8::5']);
  t.same(f.grains.ipv4, ['10.0.0.5', '192.168.1.2']);
  t.same(f.grains.ipv6, ['fe80::1', '2001:db8::5']);
});

t.test('only the reported grains; nothing else leaves the host', async (t) => {
  const f = reportedFacts({
    os: 'Debian',
    os_family: 'Debian',
    kernel: 'Linux',
    num_cpus: 2,
    id: 'vm1',
    roles: ['db'],
    level: 'prod',
    secret: 'x',
    ipv4: ['10.1.1.1'],
  });
  t.same(f.grains, { os: 'Debian', os_family: 'Debian', kernel: 'Linux', num_cpus: 2, ipv4: ['10.1.1.1'], ipv6: [] });
  t.same(f.addresses, ['10.1.1.1']);
});

t.test('malformed address grains give empty lists', async (t) => {
  t.same(reportedFacts({ ipv4: '10.0.0.1', ipv6: [1, null] }).addresses, []);
});

t.test('isLoopback', async (t) => {
  t.ok(isLoopback('127.0.1.1'));
  t.ok(isLoopback('::1'));
  t.ok(isLoopback('::ffff:127.0.0.1'));
  t.notOk(isLoopback('10.127.0.1'));
  t.notOk(isLoopback('fe80::1'));
});

t.test("from this machine's detected grains", async (t) => {
  const f = reportedFacts(await collectGrains());
  t.ok(f.addresses.every((a) => !isLoopback(a)));
  for (const k of Object.keys(f.grains)) t.ok((REPORTED_GRAINS as readonly string[]).includes(k), k);
  t.equal(f.grains.kernel, 'Linux');
});
