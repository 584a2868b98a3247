// The parsers behind the system states, on the output the tools print (GNU tar 1.34, unzip 6.0,
// update-alternatives 1.21, Linux mountinfo) and the files Debian keeps.
import t from 'tap';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { archiveContents, memberPath, parseTarListing, parseZipListing } from '../../../agent/facts/archive-list.ts';
import { parseMountinfo, removeFstab, setFstab } from '../../../agent/facts/mounts.ts';
import { parseQuery } from '../../../agent/facts/alternatives.ts';
import {
  enableLocaleGen,
  localeAvailable,
  normalizeLocale,
  setSystemLang,
  supportedLine,
  systemLang,
} from '../../../agent/facts/locale.ts';
import { hwclockOf, setAdjtime, validZoneName } from '../../../agent/facts/timezone.ts';
import { Cas, sha256 } from '../../../agent/store/cas.ts';
import { hashFromFile, parseHashSpec } from '../../../agent/states/archive-source.ts';
import { ManifestTree } from '../../../agent/store/manifest-tree.ts';

t.test('tar -tv: kinds, links, hard links, devices and escaped names', async (t) => {
  const out = [
    'drwxr-xr-x 0/0               0 2026-12-08 00:51 app/',
    'lrwxrwxrwx 0/0               0 2026-12-08 00:51 app/link -> a.txt',
    'hrw-r--r-- 0/0               0 2026-12-08 00:51 app/hard link to app/a.txt',
    'crw-r--r-- 0/0             1,3 2026-12-08 00:51 app/null',
    '-rw-r--r-- 0/0               2 2026-12-08 00:51 app/sp ace\\ttab\\\\back\\303\\251',
    "tar: Removing leading `/' from member names",
  ].join('\n');
  t.same(parseTarListing(out), [
    { path: 'app/', kind: 'dir' },
    { path: 'app/link', kind: 'link' },
    { path: 'app/hard', kind: 'file' },
    { path: 'app/null', kind: 'file' },
    { path: 'app/sp ace\ttab\\back\u00e9', kind: 'file' },
  ]);
});

t.test('unzip -Z -T: directories, links and files; the header and summary left out', async (t) => {
  const out = [
    'Archive:  t.zip',
    'Zip file size: 766 bytes, number of entries: 3',
    'drwxr-xr-x  3.0 unx        0 bx stor 20261208.005131 app/',
    'lrwxrwxrwx  3.0 unx        5 bx stor 20261208.005131 app/link',
    '-rw-r--r--  3.0 unx        2 tx stor 20261208.005131 app/sub/sp ace.txt',
    '3 files, 10 bytes uncompressed, 10 bytes compressed:  0.0%',
  ].join('\n');
  t.same(parseZipListing(out), [
    { path: 'app/', kind: 'dir' },
    { path: 'app/link', kind: 'link' },
    { path: 'app/sub/sp ace.txt', kind: 'file' },
  ]);
});

t.test('member paths: ./ and leading / dropped, strip-components applied, .. refused', async (t) => {
  const cases: Array<[string, number, string | undefined]> = [
    ['./app/a', 0, 'app/a'],
    ['/etc/x', 0, 'etc/x'],
    ['app/bin/run', 1, 'bin/run'],
    ['app/', 1, undefined],
  ];
  for (const [raw, strip, want] of cases) t.equal(memberPath(raw, strip), want, `${raw} strip ${strip}`);
  t.throws(() => memberPath('app/../../etc/passwd'), /points outside the target directory/);
  const c = archiveContents([
    { path: 'app/bin/run', kind: 'file' },
    { path: 'README', kind: 'file' },
    { path: 'latest', kind: 'link' },
  ]);
  t.same(c.dirs, ['app', 'app/bin'], 'parent directories implied');
  t.same([c.topLevelDirs, c.topLevelFiles, c.topLevelLinks], [['app'], ['README'], ['latest']]);
});

t.test('mountinfo: octal escapes, the visible mount of a stacked point', async (t) => {
  const m = parseMountinfo(
    [
      '22 1 0:21 / / rw,relatime - overlay overlay rw,lowerdir=/l',
      '30 22 0:30 / /mnt/my\\040disk rw - tmpfs tmpfs rw,size=1024k',
      '31 22 0:31 / /mnt/x rw - tmpfs first rw',
      '32 31 0:32 / /mnt/x ro,noexec - tmpfs second rw,size=2048k',
    ].join('\n'),
  );
  t.same(m.get('/mnt/my disk')?.superopts, ['rw', 'size=1024k']);
  t.same([m.get('/mnt/x')?.device, m.get('/mnt/x')?.opts], ['second', ['ro', 'noexec']]);
});

t.test("fstab: Salt's set_fstab outcomes and match_on", async (t) => {
  const base = '# static\n/dev/sdb1 /data ext4 defaults 0 2\ntmpfs /tmp/x tmpfs size=1m 0 0\n';
  const tmpfs = { device: 'tmpfs', name: '/tmp/x', fstype: 'tmpfs', opts: 'size=2m', dump: '0', pass: '0' };
  const changed = setFstab(base, tmpfs, ['auto']);
  t.equal(changed.outcome, 'change', 'tmpfs matched on its mount point');
  t.match(changed.text, /^tmpfs\t\t\/tmp\/x\ttmpfs\tsize=2m\t0 0$/m);
  const disk = { device: '/dev/sdb1', name: '/srv', fstype: 'ext4', opts: 'defaults', dump: '0', pass: '2' };
  t.equal(setFstab(base, disk, ['auto']).outcome, 'change', 'a device matched on the device');
  t.equal(setFstab(base, disk, ['name']).outcome, 'new', 'match_on name: another mount point is new');
  const same = { device: '/dev/sdb1', name: '/data', fstype: 'ext4', opts: 'defaults', dump: '0', pass: '2' };
  t.same(setFstab(base, same, ['auto']), { text: base, outcome: 'present' });
  const spaced = { ...tmpfs, name: '/mnt/my disk' };
  t.match(setFstab('', spaced, ['auto']).text, /\/mnt\/my\\040disk/);
  t.equal(removeFstab(base, '/tmp/x'), '# static\n/dev/sdb1 /data ext4 defaults 0 2\n');
  t.equal(removeFstab(base, '/tmp/x', 'other'), null, 'another device: nothing removed');
});

t.test('update-alternatives --query', async (t) => {
  const q = parseQuery(
    'Name: editor\nLink: /usr/bin/editor\nSlaves:\n editor.1.gz /usr/share/man/man1/editor.1.gz\nStatus: manual\nBest: /bin/nano\nValue: none\n\nAlternative: /bin/nano\nPriority: 40\nSlaves:\n editor.1.gz /usr/share/man/man1/nano.1.gz\n',
  );
  t.same(q, {
    name: 'editor',
    link: '/usr/bin/editor',
    status: 'manual',
    alternatives: [{ path: '/bin/nano', priority: 40 }],
  });
  t.equal(parseQuery(''), undefined);
});

t.test("locales: glibc's normal form, SUPPORTED lines, locale.gen and LANG", async (t) => {
  t.equal(normalizeLocale('en_US.UTF-8'), 'en_US.utf8');
  t.equal(normalizeLocale('sr_RS.UTF-8@latin'), 'sr_RS.utf8@latin');
  t.ok(localeAvailable('C\nen_US.utf8\n', 'en_US.UTF-8'));
  t.notOk(localeAvailable('C\nen_US.utf8\n', 'en_GB.UTF-8'));
  const supported = 'en_US ISO-8859-1\nen_US.UTF-8 UTF-8\nde_DE@euro ISO-8859-15\n';
  t.equal(supportedLine(supported, 'en_US.UTF-8'), 'en_US.UTF-8 UTF-8');
  t.equal(supportedLine(supported, 'en_US'), 'en_US ISO-8859-1');
  t.equal(supportedLine(supported, 'de_DE@euro'), 'de_DE@euro ISO-8859-15');
  t.equal(supportedLine(supported, 'en_US.UTF-8 ISO-8859-1'), undefined);
  t.equal(enableLocaleGen('#  en_US.UTF-8   UTF-8\n', 'en_US.UTF-8 UTF-8'), 'en_US.UTF-8 UTF-8\n');
  t.equal(enableLocaleGen('en_US.UTF-8 UTF-8\n', 'en_US.UTF-8 UTF-8'), 'en_US.UTF-8 UTF-8\n', 'already enabled');
  t.equal(systemLang('LANG="C.UTF-8"\nLANG=de_DE.UTF-8\n'), 'de_DE.UTF-8', 'the last LANG wins');
  t.equal(setSystemLang('LANG=C\nLC_ALL=C\nLANG=POSIX\n', 'en_US.UTF-8'), 'LC_ALL=C\nLANG=en_US.UTF-8\n');
});

t.test('time zones and the hardware clock', async (t) => {
  for (const ok of ['Europe/Paris', 'UTC', 'Etc/GMT+5', 'America/Argentina/Buenos_Aires']) t.ok(validZoneName(ok), ok);
  for (const bad of ['../etc/passwd', '/etc/x', 'Europe//Paris', 'a b']) t.notOk(validZoneName(bad), bad);
  t.equal(hwclockOf(null), 'UTC', 'no adjtime: UTC, as hwclock assumes');
  t.equal(hwclockOf('0.0 0 0.0\n0\nLOCAL\n'), 'localtime');
  t.equal(setAdjtime(null, 'UTC'), '0.0 0 0.0\n0\nUTC\n');
});

t.test('a shipped tree hands out binary files intact', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'halite-cas-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const cas = new Cas(dir);
  const bytes = Buffer.from([0x1f, 0x8b, 0x08, 0x00, 0xff, 0xfe, 0x80]);
  cas.put(sha256(bytes), bytes);
  const tree = new ManifestTree({ 'app/x.tar.gz': sha256(bytes) }, cas);
  t.same(tree.readBytes('app/x.tar.gz'), bytes);
  t.equal(tree.readBytes('nope'), undefined);
});

t.test('source_hash: a hash, type=hash, and hash files in the forms Salt reads', async (t) => {
  const h = 'ab'.repeat(32);
  t.same(parseHashSpec(h), { type: 'sha256', hex: h }, 'type from the length');
  t.same(parseHashSpec(`sha256=${h.toUpperCase()}`), { type: 'sha256', hex: h });
  t.equal(parseHashSpec(`md5=${h}`), undefined, 'a type that does not fit the length');
  t.equal(parseHashSpec('not-a-hash'), undefined);
  const md5 = 'c'.repeat(32);
  const file = `${'1'.repeat(64)}  ./dir1/app.tar.gz\n${h} *./dir2/app.tar.gz\nMD5 (other.tgz) = ${md5}\n`;
  t.same(hashFromFile(file, 'app.tar.gz'), { type: 'sha256', hex: '1'.repeat(64) }, 'the first line naming it');
  t.same(hashFromFile(file, 'app.tar.gz', './dir2/app.tar.gz'), { type: 'sha256', hex: h }, 'source_hash_name');
  t.same(hashFromFile(file, 'other.tgz'), { type: 'md5', hex: md5 }, "BSD's form");
  t.equal(hashFromFile(file, 'missing.tgz'), undefined);
  t.same(hashFromFile(`${h}\n`, 'anything'), { type: 'sha256', hex: h }, 'a file holding one hash');
});
