import t from 'tap';
import { interfaceGrains, interfacesFromNode, parseIpAddr } from '../../../agent/facts/interfaces.ts';

// `ip addr show` with a secondary IPv4 address, an interface that is down and one with no link address
const IP_ADDR = `1: lo: <LOOPBACK,UP,LOWER_UP> mtu 65536 qdisc noqueue state UNKNOWN group default qlen 1000
    link/loopback 00:00:00:00:00:00 brd 00:00:00:00:00:00
    inet 127.0.0.1/8 scope host lo
       valid_lft forever preferred_lft forever
    inet6 ::1/128 scope host
       valid_lft forever preferred_lft forever
2: eth0: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 qdisc fq_codel state UP group default qlen 1000
    link/ether 52:54:00:12:34:56 brd ff:ff:ff:ff:ff:ff
    inet 192.168.10.5/24 brd 192.168.10.255 scope global eth0
       valid_lft forever preferred_lft forever
    inet 192.168.10.9/24 scope global secondary eth0:1
       valid_lft forever preferred_lft forever
    inet 10.9.0.1/16 scope global eth0
       valid_lft forever preferred_lft forever
    inet6 2001:db8::5/64 scope global
       valid_lft forever preferred_lft forever
    inet6 fe80::5054:ff:fe12:3456/64 scope link
       valid_lft forever preferred_lft forever
3: eth1: <BROADCAST,MULTICAST> mtu 1500 qdisc noop state DOWN group default qlen 1000
    link/ether 52:54:00:ab:cd:ef brd ff:ff:ff:ff:ff:ff
4: tun0: <POINTOPOINT,MULTICAST,NOARP,UP,LOWER_UP> mtu 1500 qdisc fq_codel state UNKNOWN group default qlen 500
    link/none
    inet 10.8.0.2/24 scope global tun0
       valid_lft forever preferred_lft forever
5: veth1@if9: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 qdisc noqueue state UP group default qlen 1000
    link/ether e6:f8:36:58:bd:86 brd ff:ff:ff:ff:ff:ff link-netns other
    inet 10.77.2.1/24 scope global veth1
       valid_lft forever preferred_lft forever
`;

t.test("Salt's interface grains from `ip addr show`", async (t) => {
  const g = interfaceGrains(parseIpAddr(IP_ADDR));
  // every interface, loopback and down ones included, in ip's order; secondary addresses last
  t.same(Object.keys(g.ip_interfaces as object), ['lo', 'eth0', 'eth1', 'tun0', 'veth1']);
  t.same(g.ip_interfaces, {
    lo: ['127.0.0.1', '::1'],
    eth0: ['192.168.10.5', '10.9.0.1', '2001:db8::5', 'fe80::5054:ff:fe12:3456', '192.168.10.9'],
    eth1: [],
    tun0: ['10.8.0.2'],
    veth1: ['10.77.2.1'],
  });
  t.same(g.ip4_interfaces, {
    lo: ['127.0.0.1'],
    eth0: ['192.168.10.5', '10.9.0.1', '192.168.10.9'],
    eth1: [],
    tun0: ['10.8.0.2'],
    veth1: ['10.77.2.1'],
  });
  t.same(g.ip6_interfaces, {
    lo: ['::1'],
    eth0: ['2001:db8::5', 'fe80::5054:ff:fe12:3456'],
    eth1: [],
    tun0: [],
    veth1: [],
  });
  // an interface without a link address has no entry
  t.same(g.hwaddr_interfaces, {
    lo: '00:00:00:00:00:00',
    eth0: '52:54:00:12:34:56',
    eth1: '52:54:00:ab:cd:ef',
    veth1: 'e6:f8:36:58:bd:86',
  });
});

t.test("without `ip`: Node's view of the interfaces, zones removed", async (t) => {
  const g = interfaceGrains(
    interfacesFromNode({
      lo: [{ address: '127.0.0.1', family: 'IPv4', mac: '00:00:00:00:00:00' } as never],
      eth0: [
        { address: '10.0.0.5', family: 'IPv4', mac: '52:54:00:12:34:56' } as never,
        { address: 'fe80::1%eth0', family: 'IPv6', mac: '52:54:00:12:34:56' } as never,
      ],
    }),
  );
  t.same(g.ip_interfaces, { lo: ['127.0.0.1'], eth0: ['10.0.0.5', 'fe80::1'] });
  t.same(g.hwaddr_interfaces, { lo: '00:00:00:00:00:00', eth0: '52:54:00:12:34:56' });
});
