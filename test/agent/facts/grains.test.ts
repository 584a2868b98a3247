import t, { type Test } from 'tap';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import {
  collectGrains,
  hostAndDomain,
  ipGrains,
  memTotal,
  osGrains,
  parseOsRelease,
  parsePythonVersion,
} from '../../../agent/facts/grains.ts';
import { hostProbe } from '../../../agent/facts/host-probe.ts';
import { lsbGrains, parseLsbRelease } from '../../../agent/facts/lsb.ts';

const BOOKWORM = `PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"
NAME="Debian GNU/Linux"
VERSION_ID="12"
VERSION="12 (bookworm)"
VERSION_CODENAME=bookworm
ID=debian
`;

t.test('os grains from os-release, named as Salt names them', async (t) => {
  t.same(osGrains(parseOsRelease(BOOKWORM)), {
    os: 'Debian',
    os_family: 'Debian',
    osfullname: 'Debian GNU/Linux',
    osrelease: '12',
    osmajorrelease: 12,
    oscodename: 'bookworm',
    osfinger: 'Debian-12',
  });
  t.match(
    osGrains(parseOsRelease('NAME="Ubuntu"\nID=ubuntu\nID_LIKE=debian\nVERSION_ID="24.04"\nVERSION_CODENAME=noble\n')),
    {
      os: 'Ubuntu',
      os_family: 'Debian',
      osmajorrelease: 24,
      oscodename: 'noble',
    },
  );
});

t.test('ip grains', async (t) => {
  t.same(
    ipGrains({
      lo: [{ address: '127.0.0.1', family: 'IPv4' } as never, { address: '::1', family: 'IPv6' } as never],
      eth0: [{ address: '10.0.0.5', family: 'IPv4' } as never, { address: 'fe80::1%eth0', family: 'IPv6' } as never],
    }),
    { ipv4: ['127.0.0.1', '10.0.0.5'], ipv6: ['::1', 'fe80::1'] },
  );
});

t.test("mem_total: MemTotal in MiB, rounded down as Salt's floor division does", async (t) => {
  t.equal(memTotal('MemTotal:        4028312 kB\nMemFree:          123 kB\n'), 3933);
  t.equal(memTotal('MemTotal:        2047 kB\n'), 1);
  t.equal(memTotal(''), 0);
});

t.test('lsb grains: /etc/lsb-release when there is one, else os-release as Salt reads it', async (t) => {
  // Debian has no /etc/lsb-release: NAME, VERSION_ID, VERSION_CODENAME; no description
  t.same(lsbGrains('', parseOsRelease(BOOKWORM)), {
    lsb_distrib_id: 'Debian GNU/Linux',
    lsb_distrib_release: '12',
    lsb_distrib_codename: 'bookworm',
  });
  const ubuntu =
    'DISTRIB_ID=Ubuntu\nDISTRIB_RELEASE=24.04\nDISTRIB_CODENAME=noble\nDISTRIB_DESCRIPTION="Ubuntu 24.04.1 LTS"\n';
  t.same(parseLsbRelease(ubuntu), {
    lsb_distrib_id: 'Ubuntu',
    lsb_distrib_release: '24.04',
    lsb_distrib_codename: 'noble',
    lsb_distrib_description: 'Ubuntu 24.04.1 LTS',
  });
  t.same(lsbGrains(ubuntu, parseOsRelease(BOOKWORM)).lsb_distrib_id, 'Ubuntu');
  // no code name: PRETTY_NAME stands in, as in Salt
  t.same(lsbGrains('', { NAME: 'Debian GNU/Linux', VERSION_ID: '13', PRETTY_NAME: 'Debian GNU/Linux trixie/sid' }), {
    lsb_distrib_id: 'Debian GNU/Linux',
    lsb_distrib_release: '13',
    lsb_distrib_codename: 'Debian GNU/Linux trixie/sid',
  });
});

t.test('pythonversion is the list of sys.version_info; anything else gives no grain', async (t) => {
  t.same(parsePythonVersion("[3, 11, 2, 'final', 0]\n"), [3, 11, 2, 'final', 0]);
  t.same(parsePythonVersion("[3, 13, 0, 'candidate', 2]"), [3, 13, 0, 'candidate', 2]);
  t.equal(parsePythonVersion(''), undefined);
  t.equal(parsePythonVersion('[3, 11]'), undefined);
  t.equal(parsePythonVersion('{"a": 1}'), undefined);
});

t.test('host and domain: the fqdn split at its first dot', async (t) => {
  t.same(hostAndDomain('web1.example.org'), { host: 'web1', domain: 'example.org' });
  t.same(hostAndDomain('web1'), { host: 'web1', domain: '' });
});

/** A fixture tree of /etc, /proc and /sys files. */
function fixtureRoot(t: Test, files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'halite-grains-'));
  t.teardown(() => rmSync(root, { recursive: true, force: true }));
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  return root;
}

const IP_ADDR = `1: lo: <LOOPBACK,UP,LOWER_UP> mtu 65536 qdisc noqueue state UNKNOWN group default qlen 1000
    link/loopback 00:00:00:00:00:00 brd 00:00:00:00:00:00
    inet 127.0.0.1/8 scope host lo
       valid_lft forever preferred_lft forever
    inet6 ::1/128 scope host
       valid_lft forever preferred_lft forever
2: eth0@if7: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 qdisc noqueue state UP group default qlen 1000
    link/ether 02:42:0a:14:01:05 brd ff:ff:ff:ff:ff:ff link-netnsid 0
    inet 10.20.1.5/24 brd 10.20.1.255 scope global eth0
       valid_lft forever preferred_lft forever
    inet6 fe80::42:aff:fe14:105/64 scope link
       valid_lft forever preferred_lft forever
`;

t.test('collected from fixture files and commands, with Salt shapes', async (t) => {
  const root = fixtureRoot(t, {
    '/etc/os-release': BOOKWORM,
    '/proc/meminfo': 'MemTotal:        2048000 kB\n',
    '/proc/sys/kernel/osrelease': '6.1.0-28-amd64\n',
    '/proc/1/cgroup': '0::/\n',
  });
  const files = hostProbe(root);
  const ran: string[][] = [];
  const outputs: Record<string, { code: number; stdout: string }> = {
    ip: { code: 0, stdout: IP_ADDR },
    dpkg: { code: 0, stdout: 'arm64' },
    python3: { code: 0, stdout: "[3, 11, 2, 'final', 0]" },
    'systemd-detect-virt': { code: 0, stdout: 'kvm' },
  };
  const g = await collectGrains({
    root,
    probe: {
      ...files,
      has: (p) => p in outputs,
      run: async (argv) => (ran.push(argv), outputs[argv[0]]),
      sameRootAsInit: () => true,
    },
    resolve: async (_name, family) => (family === 4 ? ['10.20.1.5'] : []),
  });
  t.match(g, {
    os: 'Debian',
    osarch: 'arm64',
    mem_total: 2000,
    kernelrelease: '6.1.0-28-amd64',
    lsb_distrib_id: 'Debian GNU/Linux',
    lsb_distrib_release: '12',
    lsb_distrib_codename: 'bookworm',
    virtual: 'kvm',
    pythonversion: [3, 11, 2, 'final', 0],
    saltversion: '3008.0',
    saltversioninfo: [3008, 0],
    fqdn_ip4: ['10.20.1.5'],
    ip_interfaces: { lo: ['127.0.0.1', '::1'], eth0: ['10.20.1.5', 'fe80::42:aff:fe14:105'] },
    ip4_interfaces: { lo: ['127.0.0.1'], eth0: ['10.20.1.5'] },
    ip6_interfaces: { lo: ['::1'], eth0: ['fe80::42:aff:fe14:105'] },
    hwaddr_interfaces: { lo: '00:00:00:00:00:00', eth0: '02:42:0a:14:01:05' },
  });
  t.equal(g.domain, hostAndDomain(String(g.fqdn)).domain);
  t.notOk('lsb_distrib_description' in g, 'Salt has none on Debian');
  t.ok(ran.some((a) => a.join(' ') === 'dpkg --print-architecture'));
});

t.test('no python3 on the host: no pythonversion; not Debian: osarch is the CPU architecture', async (t) => {
  const root = fixtureRoot(t, { '/etc/os-release': 'NAME="Arch Linux"\nID=arch\n' });
  const g = await collectGrains({
    root,
    probe: { ...hostProbe(root), has: () => false, sameRootAsInit: () => true },
    resolve: async () => [],
  });
  t.notOk('pythonversion' in g);
  t.equal(g.osarch, g.cpuarch);
  t.equal(g.mem_total, 0);
  t.same(g.fqdn_ip6, []);
});

t.test('the machine grains have the basic keys', async (t) => {
  const g = await collectGrains();
  t.type(g.id, 'string');
  t.equal(g.kernel, 'Linux');
  t.ok(Array.isArray(g.ipv4) && (g.ipv4 as string[]).includes('127.0.0.1'));
  t.ok((g.num_cpus as number) >= 1);
  t.match(g.init, /^(systemd|sysvinit)$/);
  // formulas compare saltversioninfo (users-formula) and read osarch for package repositories
  t.same(g.saltversioninfo, [3008, 0]);
  t.equal(g.saltversion, '3008.0');
  t.match(g.osarch, /^(amd64|arm64|i386|armhf)$/);
  t.type(g.domain, 'string');
});
