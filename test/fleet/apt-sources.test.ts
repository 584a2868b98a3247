import t from 'tap';
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  DEFAULT_KEYRING,
  findDebianMirror,
  mirrorSourcesList,
  parseDeb822,
  parseOneLine,
  readMachineSources,
} from './apt-sources.ts';

const DEBIAN_SOURCES = `Types: deb
# http://snapshot.debian.org/archive/debian/20250520T000000Z
URIs: http://mirror.example/debian/
Suites: bookworm bookworm-updates
Components: main contrib
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb
URIs: http://security.example/debian-security
Suites: bookworm-security
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb
URIs: http://disabled.example/debian
Suites: bookworm
Components: main
Enabled: no
`;

t.test('deb822: stanzas, comments, disabled entries', async (t) => {
  const s = parseDeb822(DEBIAN_SOURCES, 'debian.sources');
  t.equal(s.length, 2, 'the disabled stanza is skipped');
  t.same(s[0], {
    types: ['deb'],
    uris: ['http://mirror.example/debian/'],
    suites: ['bookworm', 'bookworm-updates'],
    components: ['main', 'contrib'],
    signedBy: '/usr/share/keyrings/debian-archive-keyring.gpg',
    file: 'debian.sources',
  });
});

t.test('deb822: an inline key is not taken for a keyring path', async (t) => {
  const [s] = parseDeb822(
    'Types: deb\nURIs: http://x/debian\nSuites: bookworm\nComponents: main\nSigned-By:\n -----BEGIN PGP PUBLIC KEY BLOCK-----\n .\n abc\n',
  );
  t.equal(s.signedBy, undefined);
});

t.test('one-line sources with options and comments', async (t) => {
  const s = parseOneLine(
    '# comment\ndeb [arch=amd64 signed-by=/k.gpg] http://m/debian bookworm main non-free\ndeb-src http://m/debian bookworm main\n\n',
  );
  t.equal(s.length, 2);
  t.same(s[0], {
    types: ['deb'],
    uris: ['http://m/debian'],
    suites: ['bookworm'],
    components: ['main', 'non-free'],
    signedBy: '/k.gpg',
    file: '<sources.list>',
  });
});

t.test('the Debian mirror is found among third-party sources', async (t) => {
  const third = parseDeb822(
    'Types: deb\nURIs: https://deb.nodesource.com/node_20.x\nSuites: nodistro\nComponents: main\n',
  );
  const m = findDebianMirror([...third, ...parseDeb822(DEBIAN_SOURCES)]);
  t.same(m, {
    archive: 'http://mirror.example/debian',
    keyring: '/usr/share/keyrings/debian-archive-keyring.gpg',
    updates: true,
    security: {
      uri: 'http://security.example/debian-security',
      keyring: '/usr/share/keyrings/debian-archive-keyring.gpg',
    },
  });
  t.equal(
    mirrorSourcesList(m, 'bookworm'),
    [
      'deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://mirror.example/debian bookworm main',
      'deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://mirror.example/debian bookworm-updates main',
      'deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://security.example/debian-security bookworm-security main',
      '',
    ].join('\n'),
  );
});

t.test('a machine on another Debian release still gives its mirror; the keyring defaults', async (t) => {
  const m = findDebianMirror(parseOneLine('deb http://m.example/debian trixie main\n'));
  t.same(m, { archive: 'http://m.example/debian', keyring: DEFAULT_KEYRING, updates: false, security: undefined });
  t.equal(
    mirrorSourcesList(m, 'bookworm'),
    `deb [signed-by=${DEFAULT_KEYRING}] http://m.example/debian bookworm main\n`,
  );
});

t.test('no Debian source is an error that lists what was seen', async (t) => {
  t.throws(
    () => findDebianMirror(parseOneLine('deb https://packages.example/apt cloud-sdk main\n', 'x.list')),
    /no Debian archive.*\n.*x\.list: https:\/\/packages\.example\/apt cloud-sdk/,
  );
});

t.test('reads sources.list and sources.list.d, ignoring other files', async (t) => {
  const etc = mkdtempSync(join(tmpdir(), 'apt-'));
  mkdirSync(join(etc, 'sources.list.d'));
  writeFileSync(join(etc, 'sources.list'), 'deb http://a/debian bookworm main\n');
  writeFileSync(
    join(etc, 'sources.list.d', 'b.sources'),
    'Types: deb\nURIs: http://b/debian\nSuites: bookworm\nComponents: main\n',
  );
  writeFileSync(join(etc, 'sources.list.d', 'c.list.disabled'), 'deb http://c/debian bookworm main\n');
  t.same(
    readMachineSources(etc).map((s) => s.uris[0]),
    ['http://a/debian', 'http://b/debian'],
  );
});
