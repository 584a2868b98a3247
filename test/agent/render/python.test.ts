// Python semantics used by templates: formatting, repr, equality, argument binding, serialisers.
// Expected values are what CPython 3 / PyYAML print for the same input.
import t from 'tap';
import { percentFormat, strFormat } from '../../../agent/render/pyformat.ts';
import { pyEq, pyRepr, pyStr, tuple } from '../../../agent/render/pyvalue.ts';
import { bindArgs } from '../../../agent/render/pyargs.ts';
import { pyJsonDumps, yamlFlow, yamlDquote, yamlEncode } from '../../../agent/render/serialize.ts';
import { shellQuote, toBool } from '../../../agent/render/salt-filters.ts';
import { pyMethod } from '../../../agent/render/pymethods.ts';

t.test('% formatting', async (t) => {
  const cases: Array<[string, unknown, string]> = [
    ['%5s|%-5s|', tuple(['a', 'b']), '    a|b    |'],
    ['%+d %d', tuple([5, -3.9]), '+5 -3'],
    ['%.3e', 12345.678, '1.235e+04'],
    ['%g %g %g', tuple([0.00001, 123456789, 100]), '1e-05 1.23457e+08 100'],
    ['%r %s', tuple(['x', null]), "'x' None"],
    ['100%% %c %o %X', tuple([65, 8, 255]), '100% A 10 FF'],
    ['%(a)s-%(b)03d', { a: 'x', b: 7 }, 'x-007'],
    ['%s', [1, 2], '[1, 2]'],
  ];
  for (const [fmt, v, want] of cases) t.equal(percentFormat(fmt, v), want, fmt);
  t.throws(() => percentFormat('%d', 'x'), /%d format: a real number is required, not str/);
  t.throws(() => percentFormat('%s %s', tuple(['a'])), /not enough arguments/);
  t.throws(() => percentFormat('%s', tuple(['a', 'b'])), /not all arguments converted/);
});

t.test('str.format', async (t) => {
  const cases: Array<[string, unknown[], Record<string, unknown>, string]> = [
    ['{:,}', [1234567], {}, '1,234,567'],
    ['{:x} {:#x} {:b}', [255, 255, 5], {}, 'ff 0xff 101'],
    ['{:08.3f}', [-3.14159], {}, '-003.142'],
    ['{0[a]} {0[b][1]}', [{ a: 1, b: [0, 9] }], {}, '1 9'],
    ['{!r} {!s}', ['x', null], {}, "'x' None"],
    ['{:%}', [0.25], {}, '25.000000%'],
    ['{{}} {}', ['x'], {}, '{} x'],
    ['{h}:{p}', [], { h: 'a', p: 1 }, 'a:1'],
    ['{:*^7}', ['ab'], {}, '**ab***'],
    ['{}', [1.5], {}, '1.5'],
  ];
  for (const [fmt, pos, kw, want] of cases) t.equal(strFormat(fmt, pos, kw), want, fmt);
  t.throws(() => strFormat('{} {}', ['a'], {}), /Replacement index 1 out of range/);
  t.throws(() => strFormat('{nope}', [], {}), /KeyError: 'nope'/);
});

t.test('repr and str', async (t) => {
  t.equal(pyRepr("it's"), `"it's"`);
  t.equal(pyRepr('a\nb\\'), "'a\\nb\\\\'");
  t.equal(pyStr({ a: [1, 'x', null, true, { b: false }] }), "{'a': [1, 'x', None, True, {'b': False}]}");
  t.equal(pyStr(tuple([1])), '(1,)');
  t.equal(pyStr(NaN), 'nan');
  t.equal(pyStr(-Infinity), '-inf');
});

t.test('equality', async (t) => {
  t.ok(pyEq(1, true));
  t.notOk(pyEq(1, '1'));
  t.ok(pyEq({ a: [1, { b: 2 }] }, { a: [1, { b: 2 }] }));
  t.notOk(pyEq({ a: 1 }, { a: 1, b: 2 }));
  t.notOk(pyEq([1], [1, 2]));
});

t.test('argument binding', async (t) => {
  const sig = { name: 'f', params: ['a', 'b', 'c'], defaults: { b: 2, c: 3 } };
  const kw = (o: Record<string, unknown>) => ({ ...o, __keywords: true });
  t.same(bindArgs(sig, [1]), { a: 1, b: 2, c: 3 });
  t.same(bindArgs(sig, [1, kw({ c: 9 })]), { a: 1, b: 2, c: 9 });
  t.throws(() => bindArgs(sig, []), /f\(\) missing required argument 'a'/);
  t.throws(() => bindArgs(sig, [1, 2, 3, 4]), /takes at most 3 positional arguments/);
  t.throws(() => bindArgs(sig, [1, kw({ a: 2 })]), /multiple values for argument 'a'/);
  t.throws(() => bindArgs(sig, [1, kw({ z: 2 })]), /unexpected keyword argument 'z'/);
  t.same(bindArgs({ name: 'g', params: ['*args', 'd'], defaults: { d: 0 } }, [1, 2, kw({ d: 5 })]), {
    args: [1, 2],
    d: 5,
  });
});

t.test('string methods match Python', async (t) => {
  const call = (s: string, m: string, ...a: unknown[]) => pyMethod(s, m)!(...a);
  t.same(call('  a  b ', 'split'), ['a', 'b']);
  t.same(call('a b c', 'split', null, 1), ['a', 'b c']);
  t.same(call('a  b c', 'rsplit', null, 1), ['a  b', 'c']);
  t.same(call('a,b,c', 'rsplit', ',', 1), ['a,b', 'c']);
  t.same(call('x\r\ny\n', 'splitlines'), ['x', 'y']);
  t.same(call('x\ny\n', 'splitlines', true), ['x\n', 'y\n']);
  t.equal(call("they're bill's", 'title'), "They'Re Bill'S");
  t.equal(call('abc', 'center', 7, '*'), '**abc**');
  t.equal(call('42', 'zfill', 5), '00042');
  t.same(call('k=v=w', 'partition', '='), ['k', '=', 'v=w']);
  t.equal(pyMethod(5, 'split'), undefined, 'numbers have no string methods');
});

t.test('JSON as Python dumps it', async (t) => {
  t.equal(pyJsonDumps({ b: [1, 'x'], a: null }, { sortKeys: true }), '{"a": null, "b": [1, "x"]}');
  t.equal(pyJsonDumps({ a: [1] }, { indent: 2 }), '{\n  "a": [\n    1\n  ]\n}');
  t.equal(pyJsonDumps('é😀'), '"\\u00e9\\ud83d\\ude00"');
  t.equal(pyJsonDumps(NaN), 'NaN');
});

t.test('YAML flow style as PyYAML emits it', async (t) => {
  const cases: Array<[unknown, string]> = [
    [{ a: 'b: c' }, "{a: 'b: c'}"],
    [
      ['yes', 'no', 'null', '~', '10', '1.5', '0644', '2024-01-02', '1:30'],
      "['yes', 'no', 'null', '~', '10', '1.5', '0644', '2024-01-02', '1:30']",
    ],
    [
      ['', ' x', 'x ', 'a,b', '@x', 'x #y', 'x#y', '-x', '- x', '[x]'],
      "['', ' x', 'x ', 'a,b', '@x', 'x #y', x#y, -x, '- x', '[x]']",
    ],
    [["it's", 'é', '---'], "[it's, é, '---']"],
    [['a\tb', 'l1\nl2'], '["a\\tb", "l1\\nl2"]'],
    [{ n: null, t: true, f: 1.25, i: -3, e: [], d: {} }, '{n: null, t: true, f: 1.25, i: -3, e: [], d: {}}'],
  ];
  for (const [v, want] of cases) t.equal(yamlFlow(v), want, want);
});

t.test('yaml_dquote and yaml_encode', async (t) => {
  t.equal(yamlDquote('a"b\\c\n'), '"a\\"b\\\\c\\n"');
  t.equal(yamlDquote('é'), '"\\xE9"', 'non-ASCII escaped as PyYAML does without allow_unicode');
  t.equal(yamlEncode(1.5), '1.5');
  t.throws(() => yamlEncode({}), /only works with YAML scalar data/);
});

t.test('shell quoting and to_bool', async (t) => {
  t.equal(shellQuote('/etc/x.conf'), '/etc/x.conf');
  t.equal(shellQuote('a b'), "'a b'");
  t.equal(shellQuote("a'b"), `'a'"'"'b'`);
  t.equal(shellQuote(''), "''");
  t.same(
    [toBool('Yes'), toBool('0'), toBool(2), toBool(0), toBool({ a: 1 }), toBool(null)],
    [true, false, true, false, true, false],
  );
});
