// The pure parsers on output captured from a Debian bookworm host.
import t from 'tap';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseDpkgQuery, versionChanges } from '../../../../agent/facts/dpkg.ts';
import { candidateFor, parseAptPolicy } from '../../../../agent/facts/apt-policy.ts';
import { parseDebconf, parseDebconfDat } from '../../../../agent/facts/debconf.ts';
import { OUTPUT_DIR } from './recorded.ts';

const out = (name: string): string => readFileSync(join(OUTPUT_DIR, name), 'utf8');

t.test('dpkg-query: every installed package with its version and architecture', async (t) => {
  const text = out('dpkg-query-bookworm.txt');
  const db = parseDpkgQuery(text);
  const lines = text.split('\n').filter(Boolean).length;
  t.equal([...db.installed.keys()].filter((k) => !k.includes(':')).length, lines, 'one entry per line');
  t.same(db.installed.get('bash'), {
    name: 'bash',
    version: '5.2.15-2+b8',
    arch: 'amd64',
    want: 'install',
    status: 'installed',
  });
  t.equal(db.installed.get('adduser')?.arch, 'all');
  t.equal(db.installed.get('bash:amd64')?.version, '5.2.15-2+b8', 'reachable with its architecture');
  t.notOk(db.installed.has('memcached'));
});

t.test('dpkg-query: held, removed-with-config and half-installed packages', async (t) => {
  const db = parseDpkgQuery(
    [
      'bash\t5.2.15-2+b8\thold ok installed\tamd64',
      'oldpkg\t1.0-1\tdeinstall ok config-files\tamd64',
      'broken\t2.0-1\tinstall reinstreq half-installed\tamd64',
      'libc6\t2.36-9\tinstall ok installed\ti386',
      'libc6\t2.36-9\tinstall ok installed\tamd64',
      'garbage line',
      '',
    ].join('\n'),
  );
  t.equal(db.installed.get('bash')?.want, 'hold');
  t.notOk(db.installed.has('oldpkg'));
  t.equal(db.configFiles.get('oldpkg')?.version, '1.0-1');
  t.notOk(db.installed.has('broken'), 'half-installed is not installed');
  t.equal(db.installed.get('libc6')?.arch, 'i386', 'first architecture owns the bare name');
  t.equal(db.installed.get('libc6:amd64')?.arch, 'amd64');
});

t.test('versionChanges: Salt shape for installed, upgraded and removed packages', async (t) => {
  const before = parseDpkgQuery(
    'a\t1.0\tinstall ok installed\tall\nb\t1.0\tinstall ok installed\tall\nc\t1\tinstall ok installed\tall\n',
  );
  const after = parseDpkgQuery(
    'b\t2.0\tinstall ok installed\tall\nc\t1\tinstall ok installed\tall\nd\t3\tinstall ok installed\tall\n',
  );
  t.same(versionChanges(before, after), {
    a: { old: '1.0', new: '' },
    b: { old: '1.0', new: '2.0' },
    d: { old: '', new: '3' },
  });
});

t.test('apt-cache policy: installed, candidate and the version table', async (t) => {
  const p = parseAptPolicy(out('apt-cache-policy-bookworm.txt'));
  t.same([...p.keys()], ['memcached', 'bash', 'libc6', 'mail-transport-agent'], 'unknown names are absent');
  const mc = p.get('memcached');
  t.equal(mc?.installed, null);
  t.equal(mc?.candidate, '1.6.18-1+deb12u1');
  t.same(
    mc?.versions.map((v) => v.version),
    ['1.6.18-1+deb12u1', '1.6.18-1'],
  );
  t.same(mc?.versions[0].sources, [
    { priority: 500, uri: 'http://deb.debian.org/debian-security', release: 'bookworm-security', component: 'main' },
  ]);
  const bash = p.get('bash');
  t.equal(bash?.installed, '5.2.15-2+b8');
  t.same(
    bash?.versions.map((v) => [v.version, v.installed, v.priority]),
    [
      ['5.2.15-2+b13', false, 500],
      ['5.2.15-2+b8', true, 100],
    ],
  );
  t.same(bash?.versions[1].sources, [{ priority: 100, uri: '/var/lib/dpkg/status', release: '', component: '' }]);
  const libc = p.get('libc6');
  t.equal(libc?.versions[0].sources.length, 2, 'installed version from an archive and the status file');
  t.same(
    p.get('mail-transport-agent'),
    { name: 'mail-transport-agent', installed: null, candidate: null, versions: [] },
    'virtual package',
  );
});

t.test('candidateFor: apt candidate, or the best version of one release', async (t) => {
  const p = parseAptPolicy(out('apt-cache-policy-memcached.txt')).get('memcached');
  t.equal(candidateFor(p), '1.6.18-1+deb12u1');
  t.equal(candidateFor(p, 'bookworm'), '1.6.18-1');
  t.equal(candidateFor(p, 'bookworm-security'), '1.6.18-1+deb12u1');
  t.equal(candidateFor(p, 'trixie'), null);
  t.equal(candidateFor(undefined), null);
});

t.test('debconf config.dat: answers, owners, flags and continuation lines', async (t) => {
  const db = parseDebconfDat(out('debconf-config-tzdata-locales.dat'));
  t.same(db.get('tzdata/Areas'), { name: 'tzdata/Areas', value: 'Etc', owners: ['tzdata'], flags: ['seen'] });
  t.equal(db.get('tzdata/Zones/Etc')?.value, 'UTC');
  t.equal(db.get('tzdata/Zones/Europe')?.value, null, 'no Value field: no answer');
  t.equal(db.get('locales/locales_to_be_generated')?.value, '', 'empty answer');
  t.notOk(
    [...db.keys()].some((k) => !k.includes('/')),
    'Variables continuation lines are not questions',
  );
});

t.test('debconf: passwords.dat answers override', async (t) => {
  const db = parseDebconf({
    config: 'Name: x/pw\nTemplate: x/pw\nOwners: x\n\nName: x/s\nTemplate: x/s\nValue: a\nOwners: x\n',
    passwords: 'Name: x/pw\nTemplate: x/pw\nValue: hunter2\nOwners: x\n',
  });
  t.equal(db.get('x/pw')?.value, 'hunter2');
  t.equal(db.get('x/s')?.value, 'a');
  t.equal(parseDebconf({ config: null, passwords: null }).size, 0);
});
