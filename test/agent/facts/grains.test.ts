import t from 'tap';
import { collectGrains, ipGrains, lsbGrains, osGrains, parseOsRelease } from '../../../agent/facts/grains.ts';

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

t.test('lsb_distrib grains from os-release, as Salt reads them without lsb_release', async (t) => {
  // salt/grains/core.py os_data: lsb_distrib_* from /etc/os-release
  t.same(lsbGrains(parseOsRelease(BOOKWORM)), {
    lsb_distrib_id: 'Debian',
    lsb_distrib_release: '12',
    lsb_distrib_codename: 'bookworm',
    lsb_distrib_description: 'Debian GNU/Linux 12 (bookworm)',
  });
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

t.test('the machine grains have the basic keys', async (t) => {
  const g = collectGrains();
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
