import t from 'tap';
import { inNetwork, parseAddress, parseNetwork } from '../../../agent/match/ip.ts';
import { ipcidrMatch } from '../../../agent/match/ipcidr.ts';
import { TargetError } from '../../../agent/match/types.ts';

const m = { id: 'h', grains: { ipv4: ['127.0.0.1', '10.1.2.3'], ipv6: ['::1', 'fe80::1%eth0', '2001:db8::5'] } };

t.test('addresses', async (t) => {
  t.ok(ipcidrMatch('10.1.2.3', m));
  t.notOk(ipcidrMatch('10.1.2.4', m));
  t.ok(ipcidrMatch('2001:db8::5', m));
  t.ok(ipcidrMatch('2001:0db8:0:0::5', m), 'any spelling of the same address');
  t.notOk(ipcidrMatch('::ffff:10.1.2.3', m), 'an IPv4-mapped address is IPv6');
});

t.test('networks', async (t) => {
  t.ok(ipcidrMatch('10.1.0.0/16', m));
  t.ok(ipcidrMatch('10.1.2.3/32', m));
  t.ok(ipcidrMatch('10.1.2.0/255.255.255.0', m), 'netmask');
  t.ok(ipcidrMatch('10.1.2.0/0.0.0.255', m), 'hostmask');
  t.ok(ipcidrMatch('0.0.0.0/0', m));
  t.notOk(ipcidrMatch('10.2.0.0/16', m));
  t.ok(ipcidrMatch('2001:db8::/32', m));
  t.ok(ipcidrMatch('fe80::/10', m), 'zone index ignored');
  t.notOk(ipcidrMatch('2001:db9::/32', m));
});

t.test('a missing address family never matches', async (t) => {
  t.notOk(ipcidrMatch('::1', { id: 'h', grains: { ipv4: ['127.0.0.1'] } }));
  t.notOk(ipcidrMatch('127.0.0.1', { id: 'h' }));
  t.ok(ipcidrMatch('127.0.0.1', { id: 'h', grains: { ipv4: '127.0.0.1' } }), 'a single string grain');
});

t.test('invalid targets are errors', async (t) => {
  for (const bad of [
    'not-an-ip',
    '300.1.1.1',
    '010.1.2.3',
    '10.1.2.3/24',
    '10.0.0.0/33',
    '10.0.0.0/8/8',
    '1::2::3',
    '',
  ]) {
    t.throws(() => ipcidrMatch(bad, m), TargetError, bad);
  }
  t.throws(() => ipcidrMatch('10.1.2.3/24', m), /host bits set/);
});

t.test('address parsing', async (t) => {
  t.same(parseAddress('::'), { version: 6, value: 0n });
  t.same(parseAddress('::1'), { version: 6, value: 1n });
  t.same(parseAddress('1::'), { version: 6, value: 1n << 112n });
  t.same(parseAddress('::ffff:1.2.3.4'), { version: 6, value: (0xffffn << 32n) | 0x01020304n });
  t.same(parseAddress('::1.2.3.4'), { version: 6, value: 0x01020304n });
  t.same(parseAddress('1:2:3:4:5:6:1.2.3.4')?.version, 6);
  t.same(parseAddress('1:2:3:4:5:6:7:8'), { version: 6, value: 0x00010002000300040005000600070008n });
  t.same(parseAddress('192.168.0.1'), { version: 4, value: 0xc0a80001n });
  for (const bad of ['1:2:3:4:5:6:7:8:9', '1::2::3', ':::', '12345::', '1.2.3', '1.2.3.4.5', 'a.b.c.d', '::1.2.3']) {
    t.equal(parseAddress(bad), undefined, bad);
  }
  const net = parseNetwork('192.168.0.0/16');
  t.ok(typeof net !== 'string' && inNetwork(parseAddress('192.168.9.9')!, net));
  t.ok(typeof net !== 'string' && !inNetwork(parseAddress('::1')!, net), 'different family');
});
