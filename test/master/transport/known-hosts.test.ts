import t from 'tap';
import { spawnSync } from 'node:child_process';
import { createHmac, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fingerprint, keyType, preferredAlgorithms } from '../../../master/transport/host-key.ts';
import {
  KnownHosts,
  checkHostKey,
  hostKeyName,
  knownHostsLine,
  matchesHost,
  parseKnownHosts,
} from '../../../master/transport/known-hosts.ts';
import { keyPair } from './fake-ssh.ts';

const dir = mkdtempSync(join(tmpdir(), 'halite-kh-'));
t.teardown(() => rmSync(dir, { recursive: true, force: true }));
const a = keyPair();
const b = keyPair();
const b64 = (k: { blob: Buffer }) => k.blob.toString('base64');

t.test('names: port 22 plain, other ports in brackets', async (t) => {
  t.equal(hostKeyName('10.0.0.5', 22), '10.0.0.5');
  t.equal(hostKeyName('10.0.0.5', 2222), '[10.0.0.5]:2222');
  t.equal(hostKeyName('fd00::1', 2222), '[fd00::1]:2222');
  t.equal(knownHostsLine('[h]:2', a.blob), `[h]:2 ssh-ed25519 ${b64(a)}`);
});

t.test(
  'fingerprints and key types agree with ssh-keygen',
  { skip: spawnSync('ssh-keygen', ['-?']).error ? 'no ssh-keygen' : false },
  async (t) => {
    const pub = join(dir, 'k.pub');
    writeFileSync(pub, a.public + '\n');
    const r = spawnSync('ssh-keygen', ['-lf', pub], { encoding: 'utf8' });
    t.equal(r.status, 0, r.stderr);
    t.equal(r.stdout.split(' ')[1], fingerprint(a.blob));
    t.equal(keyType(a.blob), 'ssh-ed25519');
    t.equal(keyType(Buffer.from([0, 0])), 'unknown');
  },
);

t.test('host patterns: lists, wildcards, negation, hashed names', async (t) => {
  t.ok(matchesHost('web1,10.0.0.5', '10.0.0.5'));
  t.notOk(matchesHost('web1,10.0.0.5', '10.0.0.50'));
  t.ok(matchesHost('10.0.0.*', '10.0.0.50'));
  t.notOk(matchesHost('10.0.0.*,!10.0.0.50', '10.0.0.50'));
  t.ok(matchesHost('WEB1', 'web1'), 'case-insensitive');
  t.ok(matchesHost('[10.0.0.5]:2222', '[10.0.0.5]:2222'), 'brackets are literal');
  t.notOk(matchesHost('10.0.0.5', '[10.0.0.5]:2222'));
  const salt = randomBytes(20);
  const hashed = `|1|${salt.toString('base64')}|${createHmac('sha1', salt).update('[10.0.0.5]:2222').digest('base64')}`;
  t.ok(matchesHost(hashed, '[10.0.0.5]:2222'));
  t.notOk(matchesHost(hashed, '10.0.0.5'));
});

t.test('parsing skips comments, junk and lines whose type does not match the key', async (t) => {
  const text = [
    '# comment',
    '',
    `h1 ssh-ed25519 ${b64(a)} me@there`,
    `h2 ssh-rsa ${b64(a)}`,
    'h3 ssh-ed25519 not*base64',
    `@revoked * ssh-ed25519 ${b64(b)}`,
    `@cert-authority *.example ssh-ed25519 ${b64(b)}`,
    'garbage',
  ].join('\n');
  const entries = parseKnownHosts(text);
  t.same(
    entries.map((e) => [e.patterns, e.line, e.marker]),
    [
      ['h1', 3, undefined],
      ['*', 6, 'revoked'],
      ['*.example', 7, 'cert-authority'],
    ],
  );
});

t.test('check: ok, unknown, changed, revoked', async (t) => {
  const entries = parseKnownHosts(`h1 ssh-ed25519 ${b64(a)}\n`);
  t.equal(checkHostKey(entries, 'h1', a.blob).status, 'ok');
  t.equal(checkHostKey(entries, 'h2', a.blob).status, 'unknown');
  const changed = checkHostKey(entries, 'h1', b.blob);
  t.equal(changed.status, 'changed');
  t.equal(changed.status === 'changed' && changed.known[0].line, 1);
  const revoked = parseKnownHosts(`h1 ssh-ed25519 ${b64(a)}\n@revoked * ssh-ed25519 ${b64(a)}\n`);
  t.equal(checkHostKey(revoked, 'h1', a.blob).status, 'revoked', 'a revoked key is refused even when pinned');
  const cert = parseKnownHosts(`@cert-authority h1 ssh-ed25519 ${b64(b)}\n`);
  t.equal(checkHostKey(cert, 'h1', b.blob).status, 'unknown', 'certificate authorities are not host keys');
});

t.test('KnownHosts: add appends one line, re-reads changes made elsewhere', async (t) => {
  const file = join(dir, 'sub', 'known_hosts');
  const kh = new KnownHosts(file);
  t.equal(kh.check('h1', a.blob).status, 'unknown', 'a missing file knows nothing');
  t.equal(kh.add('h1', a.blob), 'added');
  t.equal(kh.add('h1', a.blob), 'present');
  t.equal(readFileSync(file, 'utf8'), `h1 ssh-ed25519 ${b64(a)}\n`);
  writeFileSync(file, readFileSync(file, 'utf8') + `[h2]:2222 ssh-ed25519 ${b64(b)}`);
  t.equal(kh.check('[h2]:2222', b.blob).status, 'ok', 'sees the line written by someone else');
  kh.add('h3', b.blob);
  t.equal(readFileSync(file, 'utf8').split('\n')[2], `h3 ssh-ed25519 ${b64(b)}`, 'a missing final newline is repaired');
  t.same(kh.knownTypes('h1'), ['ssh-ed25519']);
});

t.test('KnownHosts: a file the master creates is 0600 in a new 0700 directory, whatever the umask', async (t) => {
  const old = process.umask(0o022);
  t.teardown(() => void process.umask(old));
  const file = join(dir, 'var', 'known_hosts');
  new KnownHosts(file).add('h1', a.blob);
  t.equal(statSync(file).mode & 0o777, 0o600);
  t.equal(statSync(join(dir, 'var')).mode & 0o777, 0o700);
});

t.test('host key algorithms: pinned types first', async (t) => {
  t.same(preferredAlgorithms(['ssh-rsa']).slice(0, 3), ['rsa-sha2-512', 'rsa-sha2-256', 'ssh-ed25519'], 'SHA-2 only');
  t.same(
    preferredAlgorithms(['ssh-rsa'], true).slice(0, 3),
    ['rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa'],
    'SHA-1 allowed',
  );
  t.equal(preferredAlgorithms(['ecdsa-sha2-nistp256'])[0], 'ecdsa-sha2-nistp256');
  t.equal(preferredAlgorithms([])[0], 'ssh-ed25519');
  t.equal(
    new Set(preferredAlgorithms(['ssh-ed25519'])).size,
    preferredAlgorithms(['ssh-ed25519']).length,
    'no duplicates',
  );
});
