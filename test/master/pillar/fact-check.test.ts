// Reported facts: only values that parse as what they claim are kept.
import t from 'tap';
import { MAX_ADDRESSES, MAX_INTERFACES, checkFacts, isAddress, isHostName } from '../../../master/pillar/fact-check.ts';

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

t.test("Salt's core grains a Debian host reports are kept as they are", async (t) => {
  const grains = {
    domain: 'example.org',
    fqdn_ip4: ['10.20.1.5'],
    fqdn_ip6: [],
    ip_interfaces: { lo: ['127.0.0.1', '::1'], eth0: ['10.20.1.5', 'fe80::1'], eth1: [] },
    ip4_interfaces: { lo: ['127.0.0.1'], eth0: ['10.20.1.5'], eth1: [] },
    ip6_interfaces: { lo: ['::1'], eth0: ['fe80::1'], eth1: [] },
    hwaddr_interfaces: { lo: '00:00:00:00:00:00', eth0: '02:42:0a:14:01:05' },
    lsb_distrib_id: 'Debian GNU/Linux',
    lsb_distrib_release: '12',
    lsb_distrib_codename: 'bookworm',
    osarch: 'amd64',
    virtual: 'container',
    virtual_subtype: 'Xen PV DomU',
    pythonversion: [3, 11, 2, 'final', 0],
    saltversion: '3008.0',
    saltversioninfo: [3008, 0],
  };
  const f = checkFacts([], grains);
  t.same(f.dropped, []);
  t.same(f.grains, grains);
});

t.test('core grains that are not what they claim are dropped whole', async (t) => {
  const tooMany = Object.fromEntries(Array.from({ length: MAX_INTERFACES + 1 }, (_, i) => [`eth${i}`, []]));
  const f = checkFacts([], {
    domain: 'a b',
    fqdn_ip4: ['fd00::1'],
    ip_interfaces: { 'eth0; rm': ['10.0.0.1'] },
    ip4_interfaces: tooMany,
    ip6_interfaces: { eth0: ['10.0.0.1'] },
    hwaddr_interfaces: { eth0: '{{ pillar }}' },
    lsb_distrib_id: '{{ salt.cmd.run("id") }}',
    lsb_distrib_codename: 'x'.repeat(65),
    virtual: 'kvm\n',
    pythonversion: [3, 11, 2, 'final'],
    saltversioninfo: 'x',
  });
  t.same(f.grains, {});
  t.match(f.dropped, [
    /^grain domain "a b" \(not a domain name\)$/,
    /^grain fqdn_ip4 .*not a list of IPv4 addresses/,
    /^grain ip_interfaces .*not addresses by interface/,
    /^grain ip4_interfaces .*not IPv4 addresses by interface/,
    /^grain ip6_interfaces .*not IPv6 addresses by interface/,
    /^grain hwaddr_interfaces .*not hardware addresses by interface/,
    /^grain lsb_distrib_id .*not a distribution name/,
    /^grain lsb_distrib_codename .*not a code name/,
    /^grain virtual .*not a virtualization type/,
    /^grain pythonversion .*not a Python version/,
    /^grain saltversioninfo .*not a version/,
  ]);
});
