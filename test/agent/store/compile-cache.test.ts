// Compiled chunks kept between runs: found again only with the same inputs, unreadable without
// them, and never fatal when damaged.
import t from 'tap';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compileCache } from '../../../agent/store/compile-cache.ts';
import type { LowChunk } from '../../../agent/protocol.ts';

const root = mkdtempSync(join(tmpdir(), 'halite-compile-cache-'));
t.teardown(() => rmSync(root, { recursive: true, force: true }));

const chunk = (id: string, secret = 's3cret-value'): LowChunk => ({
  tag: `file_|-${id}_|-/etc/${id}_|-managed`,
  state: 'file',
  fun: 'managed',
  id,
  name: `/etc/${id}`,
  sls: 'base',
  env: 'base',
  order: 10000,
  args: { contents: `password=${secret}`, mode: '0600' },
  meta: {},
  requisites: { require: ['pkg_|-a_|-a_|-installed'] },
});
const inputs = (pillar: object) => ({ agent: 'agent-x', manifest: { 'top.sls': 'ab' }, grains: { id: 'h1' }, pillar });

t.test('same inputs find the chunks; other inputs do not', async (t) => {
  const dir = join(root, 'a');
  const chunks = [chunk('one'), chunk('two')];
  t.equal(compileCache(dir, inputs({ pw: 1 })).get(), undefined, 'empty cache');
  compileCache(dir, inputs({ pw: 1 })).put(chunks);
  t.same(compileCache(dir, inputs({ pw: 1 })).get(), chunks);
  t.equal(compileCache(dir, inputs({ pw: 2 })).get(), undefined, 'a pillar change misses');
});

t.test('nothing readable at rest', async (t) => {
  const dir = join(root, 'b');
  compileCache(dir, inputs({ pw: 'x' })).put([chunk('one', 'hunter2-very-secret')]);
  const files = readdirSync(dir);
  t.equal(files.length, 1);
  const raw = readFileSync(join(dir, files[0]));
  t.notOk(raw.includes('hunter2'), 'the secret is not in the file');
  t.notOk(raw.includes('/etc/one'), 'nor any other value');
});

t.test('a damaged file is a miss and is removed', async (t) => {
  const dir = join(root, 'c');
  compileCache(dir, inputs({})).put([chunk('one')]);
  const [f] = readdirSync(dir);
  const raw = readFileSync(join(dir, f));
  raw[raw.length - 1] ^= 0xff;
  writeFileSync(join(dir, f), raw);
  t.equal(compileCache(dir, inputs({})).get(), undefined);
  t.same(readdirSync(dir), []);
});

t.test('only the most recent sets of inputs are kept', async (t) => {
  const dir = join(root, 'd');
  for (let i = 0; i < 12; i++) compileCache(dir, inputs({ i })).put([chunk(`c${i}`)]);
  t.equal(readdirSync(dir).length, 8);
  t.same(compileCache(dir, inputs({ i: 11 })).get(), [chunk('c11')], 'the newest survive');
});

t.test('values that do not survive serialization are not cached', async (t) => {
  const dir = join(root, 'e');
  const odd = chunk('one');
  odd.args.fn = new (class Opaque {
    x = 1;
  })();
  compileCache(dir, inputs({})).put([odd]);
  t.equal(compileCache(dir, inputs({})).get(), undefined);
});
