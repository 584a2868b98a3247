import t from 'tap';
import { cloneData, dataEqual, deepUpdate, merge } from '../../../agent/pillar/merge.ts';

t.test('dicts merge recursively, later values win', async (t) => {
  t.same(merge({ a: { b: 1, c: 2 }, x: 1 }, { a: { c: 3, d: 4 }, y: 2 }), { a: { b: 1, c: 3, d: 4 }, x: 1, y: 2 });
  t.same(merge({ a: { b: { c: { d: 1, e: 2 } } } }, { a: { b: { c: { e: 3 } } } }), {
    a: { b: { c: { d: 1, e: 3 } } },
  });
});

t.test('a value of another type replaces', async (t) => {
  t.same(merge({ a: { b: 1 } }, { a: null }), { a: null });
  t.same(merge({ a: 1 }, { a: { b: 2 } }), { a: { b: 2 } });
  t.same(merge({ a: [1] }, { a: { b: 2 } }), { a: { b: 2 } });
  t.same(merge({ a: { b: 1 } }, { a: 'text' }), { a: 'text' });
});

t.test('lists are replaced unless mergeLists', async (t) => {
  t.same(merge({ l: [1, 2] }, { l: [3] }), { l: [3] });
  t.same(merge({ l: [1, 2] }, { l: [2, 3] }, { mergeLists: true }), { l: [1, 2, 3] });
  t.same(merge({ l: [{ x: 1 }] }, { l: [{ x: 1 }, { y: 2 }] }, { mergeLists: true }), { l: [{ x: 1 }, { y: 2 }] });
  t.same(merge({ l: [1] }, { l: [true, 'a'] }, { mergeLists: true }), { l: [1, 'a'] }, 'Python equality: True == 1');
  t.same(
    merge({ a: { l: ['x'] } }, { a: { l: ['y'] } }, { mergeLists: true }),
    { a: { l: ['x', 'y'] } },
    'nested lists too',
  );
  t.same(merge({ l: [1] }, { l: 'x' }, { mergeLists: true }), { l: 'x' });
});

t.test('existing keys keep their place, new keys come last', async (t) => {
  const r = merge({ first: 1, second: { a: 1 }, third: 3 }, { second: { b: 2 }, fourth: 4, first: 0 });
  t.same(Object.keys(r), ['first', 'second', 'third', 'fourth']);
  t.same(Object.keys(r.second as object), ['a', 'b']);
});

t.test('inputs are never modified and the result shares nothing with them', async (t) => {
  const a = { d: { x: [1, { y: 1 }] } };
  const b = { d: { z: { w: [1] } }, n: { m: 1 } };
  const before = JSON.stringify([a, b]);
  const r = merge(a, b) as { d: { x: unknown[]; z: { w: number[] } }; n: { m: number } };
  t.equal(JSON.stringify([a, b]), before);
  r.d.x.push(2);
  r.d.z.w.push(2);
  r.n.m = 5;
  t.equal(JSON.stringify([a, b]), before, 'mutating the result leaves the inputs alone');
});

t.test('a __proto__ key is data, not a prototype', async (t) => {
  const evil = JSON.parse('{"__proto__": {"polluted": 1}, "a": {"__proto__": {"p": 2}}}') as Record<string, unknown>;
  const r = merge({ a: { ok: 1 } }, evil);
  t.ok(Object.prototype.hasOwnProperty.call(r, '__proto__'));
  t.equal(Object.getPrototypeOf(r), Object.prototype);
  t.equal((r as { polluted?: unknown }).polluted, undefined);
  t.equal(({} as { polluted?: unknown }).polluted, undefined);
  t.ok(Object.prototype.hasOwnProperty.call(r.a, '__proto__'));
  t.equal((r.a as { ok: number }).ok, 1);
});

t.test('strategies', async (t) => {
  t.same(
    merge({ a: { b: 1, c: 2 }, k: 1 }, { a: { c: 3 } }, { strategy: 'overwrite' }),
    { a: { c: 3 }, k: 1 },
    'overwrite replaces top-level keys',
  );
  t.same(merge({ a: { b: 1 } }, { a: { c: 3 } }, { strategy: 'recurse' }), { a: { b: 1, c: 3 } });
  t.same(merge({ l: [1] }, { l: [2] }, { strategy: 'none', mergeLists: true }), { l: [2] }, 'none never merges lists');
  t.same(merge({ l: [1] }, { l: [2] }, { strategy: 'overwrite', mergeLists: true }), { l: [2] });
});

t.test('helpers', async (t) => {
  const v = { a: [1, { b: 2 }] };
  const c = cloneData(v);
  t.same(c, v);
  t.not(c.a, v.a);
  t.ok(dataEqual({ a: [1, 2] }, { a: [1, 2] }));
  t.notOk(dataEqual({ a: [1, 2] }, { a: [2, 1] }));
  t.notOk(dataEqual({ a: 1 }, { a: 1, b: 2 }));
  t.notOk(dataEqual('1', 1));
  t.same(deepUpdate({ a: 1 }, { b: 2 }), { a: 1, b: 2 });
});
