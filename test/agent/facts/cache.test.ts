import t from 'tap';
import { FactCache, type Fact } from '../../../agent/facts/cache.ts';
import { run } from '../../../agent/process/run.ts';

function counting(name: string): Fact<string, string> & { reads: string[] } {
  const reads: string[] = [];
  return {
    name,
    reads,
    async gather(key) {
      reads.push(key);
      if (key === '/fail') throw new Error('unreadable');
      return `raw:${key}`;
    },
    parse: (raw) => raw.toUpperCase(),
  };
}

t.test('a fact is gathered once per key and parsed', async (t) => {
  const cache = new FactCache({ root: '/', run });
  const f = counting('f');
  const [a, b] = await Promise.all([cache.get(f, '/a'), cache.get(f, '/a')]);
  t.equal(a, 'RAW:/A');
  t.equal(b, 'RAW:/A');
  await cache.get(f, '/b');
  t.same(f.reads, ['/a', '/b'], 'concurrent callers share one read');
});

t.test('a failed read is not cached', async (t) => {
  const cache = new FactCache({ root: '/', run });
  const f = counting('f');
  await t.rejects(cache.get(f, '/fail'), /unreadable/);
  await t.rejects(cache.get(f, '/fail'), /unreadable/);
  t.same(f.reads, ['/fail', '/fail']);
});

t.test('invalidatePath drops the path, what is under it and its parents', async (t) => {
  const cache = new FactCache({ root: '/', run });
  const f = counting('f');
  const keys = ['/etc', '/etc/app', '/etc/app/x.conf', '/etc/apple', '/var', 'passwd:root'];
  for (const k of keys) await cache.get(f, k);
  cache.invalidatePath('/etc/app');
  for (const k of keys) await cache.get(f, k);
  t.same(
    f.reads.slice(keys.length),
    ['/etc', '/etc/app', '/etc/app/x.conf'],
    '/etc/apple, /var and non-path keys stay cached',
  );
});

t.test('invalidate by fact (and key); set seeds a value; clear forgets all', async (t) => {
  const cache = new FactCache({ root: '/', run });
  const f = counting('f');
  const g = counting('g');
  await cache.get(f, '/a');
  await cache.get(g, '/a');
  cache.invalidate(f);
  await cache.get(f, '/a');
  await cache.get(g, '/a');
  t.same([f.reads.length, g.reads.length], [2, 1]);
  cache.set(f, '/seeded', 'VALUE');
  t.equal(await cache.get(f, '/seeded'), 'VALUE');
  t.equal(f.reads.includes('/seeded'), false);
  cache.invalidate('g', '/other');
  await cache.get(g, '/a');
  t.equal(g.reads.length, 1, 'another key of g is untouched');
  cache.clear();
  await cache.get(g, '/a');
  t.equal(g.reads.length, 2);
});
