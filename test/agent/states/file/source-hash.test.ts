// file.managed source_hash on a temporary root: the source read must have the hash given (as
// type=hex, a bare hex digest, or a line of a hash file), else the state fails and the file is
// left as it was.
import t from 'tap';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MemTree } from '../../../../agent/store/tree.ts';
import { makeContext, silentLogger } from '../../../../agent/states/context.ts';
import { managed } from '../../../../agent/states/file/managed.ts';

// Hashes of the source text 'v2\n'.
const MD5 = 'e30260020baeb0398ff07b37dd33ed16';
const SHA1 = '870efcb9bdd84669a49ddd7a0b434a83bd44a935';
const SHA256 = '81db67b6a5702b9b68f0016f061c409bf3fb16d062fc854d1b424bb4e9c28c56';
const SHA512 =
  '0b019baa9f3dd21f0cf08bd29f12981fde1dee205bde53d7f3d9ceaba101c6713f968661227941e5f8f0bf7e1d277cf39983c6779d17537b467e5fbe66b74529';
const OTHER = 'a'.repeat(64);
const MISMATCH = new RegExp(
  `^Specified sha256 checksum for salt://app.conf \\(${OTHER}\\) does not match actual checksum \\(${SHA256}\\)\\. ` +
    "If the 'source_hash' value refers to a remote file",
);

const TREE = {
  'app.conf': 'v2\n',
  'app.tmpl': '{{ 1 + 1 }}\n',
  SHA256SUMS: `${OTHER}  other.conf\n${SHA256}  app.conf\n`,
  'BSD.sums': `SHA256 (other.conf) = ${OTHER}\nSHA256 (app.conf) = ${SHA256}\n`,
  'one.sha256': `${SHA256}\n`,
  'named.sums': `${OTHER}  app.conf\n${SHA256}  release.tar\n`,
};

interface Case {
  name: string;
  args: Record<string, unknown>;
  /** Written: the file holds the new contents; else the comment of the failed state. */
  want: 'written' | RegExp;
}

// Where each form comes from: Salt's file.managed docs for source_hash (a hash expression
// <hash_type>=<hash>, a bare hash whose type is told by its length, or a file of hashes with
// source_hash_name picking the line), salt.modules.file.get_source_sum and extract_hash, and the
// mismatch comment of salt.modules.file.manage_file.
const cases: Case[] = [
  { name: 'sha256=HEX that matches', args: { source_hash: `sha256=${SHA256}` }, want: 'written' },
  { name: 'md5=HEX', args: { source_hash: `md5=${MD5}` }, want: 'written' },
  { name: 'sha1=HEX', args: { source_hash: `sha1=${SHA1}` }, want: 'written' },
  { name: 'sha512=HEX', args: { source_hash: `sha512=${SHA512}` }, want: 'written' },
  { name: 'a bare sha256 digest (type by length)', args: { source_hash: SHA256 }, want: 'written' },
  { name: 'a bare md5 digest', args: { source_hash: MD5 }, want: 'written' },
  { name: 'upper-case hex', args: { source_hash: `SHA256=${SHA256.toUpperCase()}` }, want: 'written' },
  { name: 'a digest that does not match', args: { source_hash: `sha256=${OTHER}` }, want: MISMATCH },
  { name: 'a bare digest that does not match', args: { source_hash: OTHER }, want: MISMATCH },
  {
    name: 'skip_verify: the hash is not checked',
    args: { source_hash: `sha256=${OTHER}`, skip_verify: true },
    want: 'written',
  },
  {
    name: 'a hash file in sha256sum form, the line of the source',
    args: { source_hash: 'salt://SHA256SUMS' },
    want: 'written',
  },
  { name: 'a hash file in BSD form', args: { source_hash: 'salt://BSD.sums' }, want: 'written' },
  { name: 'a hash file with one bare hash', args: { source_hash: 'salt://one.sha256' }, want: 'written' },
  {
    name: 'source_hash_name picks the line',
    args: { source_hash: 'salt://named.sums', source_hash_name: 'release.tar' },
    want: 'written',
  },
  {
    name: 'a hash file whose line for the source has another hash',
    args: { source_hash: 'salt://named.sums' },
    want: MISMATCH,
  },
  {
    name: 'a hash file that is missing',
    args: { source_hash: 'salt://nope.sums' },
    want: /^Source hash file salt:\/\/nope.sums not found$/,
  },
  {
    name: 'a remote hash file',
    args: { source_hash: 'https://example.invalid/SUMS' },
    want: /only salt:\/\/ and local hash files are supported/,
  },
  { name: 'not a hash', args: { source_hash: 'xyz' }, want: /^Source hash xyz format is invalid/ },
  { name: 'a digest of no known length', args: { source_hash: 'abcd' }, want: /^Source hash abcd format is invalid/ },
  {
    name: 'an unknown hash type',
    args: { source_hash: 'crc32=abcd1234' },
    want: /^Invalid hash type 'crc32'. Only the following hash types are supported: sha512 \(128\)/,
  },
  {
    name: 'a digest too short for its type',
    args: { source_hash: 'sha256=abcd' },
    want: /^Invalid length \(4\) for hash type 'sha256'/,
  },
];

function rooted(t: { teardown(fn: () => void): void }): string {
  const root = mkdtempSync(join(tmpdir(), 'halite-srchash-'));
  t.teardown(() => rmSync(root, { recursive: true, force: true }));
  mkdirSync(join(root, 'etc'));
  writeFileSync(join(root, 'etc/app.conf'), 'v1\n');
  return root;
}

for (const c of cases) {
  t.test(c.name, async (t) => {
    const root = rooted(t);
    const ctx = makeContext({ root, log: silentLogger, tree: new MemTree(TREE) });
    const plan = await managed.check({ name: '/etc/app.conf', source: 'salt://app.conf', ...c.args }, ctx);
    if (c.want === 'written') {
      t.equal(plan.status, 'pending', plan.comment);
      await managed.apply(plan, ctx);
      t.equal(readFileSync(join(root, 'etc/app.conf'), 'utf8'), 'v2\n');
    } else {
      t.equal(plan.status, 'failed');
      t.match(plan.comment, c.want);
      t.equal(readFileSync(join(root, 'etc/app.conf'), 'utf8'), 'v1\n', 'the file is left as it was');
    }
  });
}

t.test('test mode reports a hash that does not match as the failure it will be', async (t) => {
  const root = rooted(t);
  const ctx = makeContext({ root, log: silentLogger, tree: new MemTree(TREE), test: true });
  const plan = await managed.check(
    { name: '/etc/app.conf', source: 'salt://app.conf', source_hash: `sha256=${OTHER}` },
    ctx,
  );
  t.equal(plan.status, 'failed');
  t.match(plan.comment, MISMATCH);
});

t.test('a local source and a local hash file', async (t) => {
  const root = rooted(t);
  mkdirSync(join(root, 'srv'));
  writeFileSync(join(root, 'srv/app.conf'), 'v2\n');
  writeFileSync(join(root, 'srv/SHA256SUMS'), `${SHA256}  /srv/app.conf\n`);
  const ctx = makeContext({ root, log: silentLogger });
  const ok = await managed.check(
    { name: '/etc/app.conf', source: '/srv/app.conf', source_hash: '/srv/SHA256SUMS' },
    ctx,
  );
  t.equal(ok.status, 'pending', ok.comment);
  writeFileSync(join(root, 'srv/app.conf'), 'tampered\n');
  const bad = await managed.check(
    { name: '/etc/app.conf', source: 'file:///srv/app.conf', source_hash: `sha256=${SHA256}` },
    makeContext({ root, log: silentLogger }),
  );
  t.equal(bad.status, 'failed');
  t.match(bad.comment, /^Specified sha256 checksum for file:\/\/\/srv\/app.conf/);
});

t.test('a template source: the hash is of the template as read, not of what it renders', async (t) => {
  const root = rooted(t);
  const ctx = makeContext({ root, log: silentLogger, tree: new MemTree(TREE) });
  const template = 'c2cddb82320f1ca4a0d3fbd29e976da7c98b05663d7f7ee33f1b755e3a8db309';
  const plan = await managed.check(
    { name: '/etc/app.conf', source: 'salt://app.tmpl', template: 'jinja', source_hash: template },
    ctx,
  );
  t.equal(plan.status, 'pending', plan.comment);
  await managed.apply(plan, ctx);
  t.equal(readFileSync(join(root, 'etc/app.conf'), 'utf8'), '2\n');
});
