// Reported facts: only values that parse as what they claim are kept.
import t from 'tap';
import { MAX_ADDRESSES, checkFacts, isAddress, isHostName } from '../../../master/pillar/fact-check.ts';

t.test('addresses', async (t) => {
  for (const a of ['10.0.0.1', 'fd00::1', '::ffff:10.0.0.1', '2001:db8::8a2e:370:7334']) t.ok(isAddress(a), a);
  for (const a of ['10.0.0.1\nx: y', '10.0.0.256', 'fe80::1%eth0', ' 10.0.0.1', 'host', '', 7, null, '10.0.0.1 # c'])
    t.notOk(isAddress(a), JSON.stringify(a));
});

t.test('host names by RFC 1123', async (t) => {
  for (const h of ['web1', 'web-1.example.org', '1host', 'a.b.c.', 'x'.repeat(63)]) t.ok(isHostName(h), h);
  for (const h of [
    '',
    '-web',
    'web-',
    'a b',
    'a_b',
    'a..b',
    'x'.repeat(64),
    `${'a.'.repeat(127)}ab`,
    'évian',
    'a\nb',
    7,
  ])
    t.notOk(isHostName(h), JSON.stringify(h));
});

t.test("a start event's facts: kept, dropped, said why", async (t) => {
  const f = checkFacts(['10.0.0.1', '10.0.0.1', 'x\ny'], {
    os: 'Debian',
    osrelease: '12',
    oscodename: '',
    num_cpus: 2,
    mem_total: 3900,
    fqdn: 'vm1.example',
    init: 'systemd',
    ipv4: ['10.0.0.1', 'fd00::1'],
    ipv6: ['fd00::1'],
    kernel: 'Linux; rm -rf /',
    roles: ['db'],
    num_gpus: 1,
  });
  t.same(f.addresses, ['10.0.0.1']);
  t.same(f.grains, {
    os: 'Debian',
    osrelease: '12',
    oscodename: '',
    num_cpus: 2,
    mem_total: 3900,
    fqdn: 'vm1.example',
    init: 'systemd',
    ipv4: ['10.0.0.1'],
    ipv6: ['fd00::1'],
  });
  t.same(f.dropped, [
    'address entry "x\\ny" (not an IP address)',
    'grain ipv4 entry "fd00::1" (not an IPv4 address)',
    'grain kernel "Linux; rm -rf /" (not a kernel name)',
    'grain "roles" (not one a host reports)',
    'grain "num_gpus" (not one a host reports)',
  ]);
});

t.test('bounded counts and sizes', async (t) => {
  const many = Array.from({ length: MAX_ADDRESSES + 10 }, (_, i) => `10.0.${i >> 8}.${i & 255}`);
  const f = checkFacts(many, { num_cpus: 1e9, os: 'x'.repeat(65) });
  t.equal(f.addresses.length, MAX_ADDRESSES);
  t.same(f.grains, {});
  t.match(f.dropped, [
    'address: 10 entries over the limit of 64',
    /grain num_cpus 1000000000/,
    /grain os "x{50,}\.\.\. \(not an OS name\)/,
  ]);
  t.same(checkFacts('10.0.0.1', ['x']).dropped, ['address "10.0.0.1" (not a list)', 'grains ["x"] (not a map)']);
});
