// file.managed encoding / encoding_errors on a temporary root: contents are written in the codec
// Python names, unencodable characters follow Python's error handlers, and a codec halite does not
// write is an error naming it.
import t from 'tap';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MemTree } from '../../../../agent/store/tree.ts';
import { makeContext, silentLogger } from '../../../../agent/states/context.ts';
import { managed } from '../../../../agent/states/file/managed.ts';

interface Case {
  name: string;
  contents: string;
  encoding: string;
  errors?: string;
  /** The bytes written (hex), or the comment of the failed state. */
  want: string | RegExp;
}

// The bytes are what Python's str.encode(encoding, errors) gives, which is what Salt's
// salt.modules.file.manage_file writes for contents when `encoding` is set (Salt's docs for
// file.managed encoding / encoding_errors point to Python's standard encodings and error handlers).
const cases: Case[] = [
  { name: 'latin-1', contents: 'café', encoding: 'latin-1', want: '636166e90a' },
  { name: 'an alias: ISO-8859-1', contents: 'café', encoding: 'ISO-8859-1', want: '636166e90a' },
  { name: 'an alias: latin1', contents: 'café', encoding: 'latin1', want: '636166e90a' },
  { name: 'utf-8', contents: 'café', encoding: 'utf-8', want: '636166c3a90a' },
  { name: 'utf-8-sig writes a BOM', contents: 'hé', encoding: 'utf-8-sig', want: 'efbbbf68c3a90a' },
  { name: 'utf-16: BOM, little-endian', contents: 'hé', encoding: 'utf-16', want: 'fffe6800e9000a00' },
  { name: 'utf_16_le', contents: 'hé', encoding: 'utf_16_le', want: '6800e9000a00' },
  { name: 'utf-16-be', contents: 'hé', encoding: 'utf-16-be', want: '006800e9000a' },
  { name: 'utf-32', contents: 'h', encoding: 'utf-32', want: 'fffe0000680000000a000000' },
  { name: 'ascii, replace', contents: 'café', encoding: 'ascii', errors: 'replace', want: '6361663f0a' },
  { name: 'ascii, ignore', contents: 'café', encoding: 'ascii', errors: 'ignore', want: '6361660a' },
  {
    name: 'ascii, xmlcharrefreplace',
    contents: 'café',
    encoding: 'ascii',
    errors: 'xmlcharrefreplace',
    want: Buffer.from('caf&#233;\n').toString('hex'),
  },
  {
    name: 'latin-1, backslashreplace',
    contents: '5 €',
    encoding: 'latin-1',
    errors: 'backslashreplace',
    want: Buffer.from('5 \\u20ac\n').toString('hex'),
  },
  {
    name: 'latin-1, strict: a character it cannot hold fails the state',
    contents: 'prix: 5 €',
    encoding: 'latin-1',
    want: /^Unable to manage file: 'latin-1' codec can't encode character '\\u20ac' in position 8: ordinal not in range\(256\)$/,
  },
  {
    name: 'ascii, strict',
    contents: 'café',
    encoding: 'ascii',
    want: /^Unable to manage file: 'ascii' codec can't encode character '\\u00e9' in position 3: ordinal not in range\(128\)$/,
  },
  {
    name: 'a codec halite does not write is named',
    contents: 'x',
    encoding: 'koi8-r',
    want: /^Unable to manage file: encoding koi8-r is not supported here \(supported: utf-8, utf-8-sig, latin-1/,
  },
  {
    name: 'an error handler halite does not know is named',
    contents: 'x',
    encoding: 'latin-1',
    errors: 'namereplace',
    want: /^Unable to manage file: encoding_errors namereplace is not supported here/,
  },
];

function rooted(t: { teardown(fn: () => void): void }): string {
  const root = mkdtempSync(join(tmpdir(), 'halite-encoding-'));
  t.teardown(() => rmSync(root, { recursive: true, force: true }));
  mkdirSync(join(root, 'etc'));
  return root;
}

for (const c of cases) {
  t.test(c.name, async (t) => {
    const root = rooted(t);
    writeFileSync(join(root, 'etc/app.conf'), 'old\n');
    const ctx = makeContext({ root, log: silentLogger });
    const args = {
      name: '/etc/app.conf',
      contents: c.contents,
      encoding: c.encoding,
      ...(c.errors ? { encoding_errors: c.errors } : {}),
    };
    const plan = await managed.check(args, ctx);
    if (typeof c.want === 'string') {
      t.equal(plan.status, 'pending', plan.comment);
      await managed.apply(plan, ctx);
      t.equal(readFileSync(join(root, 'etc/app.conf')).toString('hex'), c.want);
      t.equal((await managed.check(args, ctx)).status, 'converged', 'the re-check compares the encoded bytes');
    } else {
      t.equal(plan.status, 'failed');
      t.match(plan.comment, c.want);
      t.equal(readFileSync(join(root, 'etc/app.conf'), 'utf8'), 'old\n', 'the file is left as it was');
    }
  });
}

t.test('the diff shows the text, read in the encoding', async (t) => {
  const root = rooted(t);
  writeFileSync(join(root, 'etc/app.conf'), Buffer.from('636166e90a', 'hex'));
  const ctx = makeContext({ root, log: silentLogger });
  const plan = await managed.check({ name: '/etc/app.conf', contents: 'thé', encoding: 'latin-1' }, ctx);
  t.equal(plan.status, 'pending');
  t.match(plan.changes.diff, /-café\n\+thé/);
});

t.test('a source is written as it is, with a warning that encoding applies to contents', async (t) => {
  const root = rooted(t);
  const ctx = makeContext({ root, log: silentLogger, tree: new MemTree({ 'app.conf': 'café\n' }) });
  const plan = await managed.check({ name: '/etc/app.conf', source: 'salt://app.conf', encoding: 'latin-1' }, ctx);
  t.match(plan.warnings, [/'encoding' applies to contents, contents_pillar and contents_grains/]);
  await managed.apply(plan, ctx);
  t.equal(readFileSync(join(root, 'etc/app.conf'), 'utf8'), 'café\n');
});
