// apt sources lines, default file names and key de-armoring.
import t from 'tap';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  dearmor,
  defaultSourceFile,
  formatSourceLine,
  keyFileContent,
  parseSourceLine,
  sameRepo,
  sameSource,
} from '../../../../agent/backends/apt-sources.ts';
import { withSource } from '../../../../agent/states/pkgrepo.ts';
import { OUTPUT_DIR } from './recorded.ts';

t.test('parse and format one-line sources', async (t) => {
  const s = parseSourceLine(
    'deb [signed-by=/etc/apt/keyrings/x.gpg arch=amd64] http://repo.example.com/debian bookworm main contrib # note',
  );
  t.same(s, {
    type: 'deb',
    options: { 'signed-by': '/etc/apt/keyrings/x.gpg', arch: 'amd64' },
    uri: 'http://repo.example.com/debian',
    suite: 'bookworm',
    components: ['main', 'contrib'],
  });
  t.equal(
    formatSourceLine(s!),
    'deb [signed-by=/etc/apt/keyrings/x.gpg arch=amd64] http://repo.example.com/debian bookworm main contrib',
  );
  t.equal(parseSourceLine('# deb http://x bookworm main'), undefined);
  t.equal(parseSourceLine('deb [broken http://x bookworm main'), undefined);
  t.equal(parseSourceLine('deb http://x'), undefined);
  t.same(parseSourceLine('deb http://x/ ./')?.components, [], 'flat repository');
});

t.test('same repository and same source', async (t) => {
  const a = parseSourceLine('deb http://x/debian/ bookworm main contrib')!;
  const b = parseSourceLine('deb http://x/debian bookworm contrib main')!;
  const c = parseSourceLine('deb http://x/debian bookworm main')!;
  const d = parseSourceLine('deb-src http://x/debian bookworm main')!;
  t.ok(sameSource(a, b));
  t.ok(sameRepo(a, c));
  t.notOk(sameSource(a, c));
  t.notOk(sameRepo(c, d));
});

t.test('default file derives from the URI', async (t) => {
  t.equal(
    defaultSourceFile(parseSourceLine('deb https://user@repo.example.com:8443/apt/debian/ bookworm main')!),
    '/etc/apt/sources.list.d/repo.example.com_8443_apt_debian.list',
  );
});

t.test('withSource keeps, replaces or appends', async (t) => {
  const want = parseSourceLine('deb http://x/debian bookworm main')!;
  t.equal(withSource('', want, false), 'deb http://x/debian bookworm main\n');
  t.equal(
    withSource('deb http://y bookworm main', want, false),
    'deb http://y bookworm main\ndeb http://x/debian bookworm main\n',
  );
  t.equal(withSource('deb http://x/debian bookworm main\n', want, false), 'deb http://x/debian bookworm main\n');
  t.equal(
    withSource('deb http://x/debian bookworm contrib\ndeb http://x/debian bookworm non-free\n', want, false),
    'deb http://x/debian bookworm main\n',
    'duplicates of the repository go',
  );
  t.equal(withSource('deb http://y bookworm main\n', want, true), 'deb http://x/debian bookworm main\n');
});

t.test('dearmor gives what gpg --export writes', async (t) => {
  const armored = readFileSync(join(OUTPUT_DIR, 'example-repo-key.asc'), 'utf8');
  const binary = readFileSync(join(OUTPUT_DIR, 'example-repo-key.gpg'));
  t.ok(dearmor(armored)?.equals(binary));
  t.ok(keyFileContent('/etc/apt/keyrings/x.gpg', armored)?.equals(binary));
  t.equal(keyFileContent('/etc/apt/keyrings/x.asc', armored)?.toString(), armored, '.asc keeps the armor');
  t.equal(dearmor('not a key'), undefined);
  t.equal(dearmor('-----BEGIN PGP PUBLIC KEY BLOCK-----\n\n!!!\n-----END PGP PUBLIC KEY BLOCK-----'), undefined);
});
