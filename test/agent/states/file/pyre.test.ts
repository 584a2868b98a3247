import t from 'tap';
import { flagBits, pyEscape, pyRegExp, pySubn } from '../../../../agent/states/file/pyre.ts';

t.test('flags by int, name or list', async (t) => {
  t.equal(flagBits(undefined), 8, 'MULTILINE by default');
  t.equal(flagBits(['IGNORECASE', 'multiline']), 10);
  t.equal(flagBits('DOTALL'), 16);
  t.equal(flagBits(2), 2);
  t.throws(() => flagBits(['NOPE']), /Invalid re flag given: NOPE/);
  t.equal(pyRegExp('a', 10).flags, 'im');
  t.throws(() => pyRegExp('a', 64), /VERBOSE/);
});

t.test('Python syntax becomes JavaScript syntax', async (t) => {
  t.ok(pyRegExp('(?P<k>a)(?P=k)').test('aa'), 'named groups and backreferences');
  t.ok(pyRegExp('(?i)abc').test('ABC'), 'leading inline flags');
  t.ok(pyRegExp('\\Aab\\Z').test('ab'));
  t.notOk(pyRegExp('\\Aab\\Z').test('xab'));
  t.ok(pyRegExp('^b$').test('b\n'), '$ matches before a final newline, as in Python');
  t.notOk(pyRegExp('^b$').test('b\nc'));
  t.ok(pyRegExp('[$]').test('$'), 'a $ in a class stays literal');
  t.ok(pyRegExp('\\$').test('$'));
  t.throws(() => pyRegExp('a(b'), /: 'a\(b'$/);
});

t.test('re.subn with Python replacement strings', async (t) => {
  t.same(pySubn(pyRegExp('(\\w)=(\\d)'), '\\2=\\1', 'a=1 b=2'), ['1=a 2=b', 2]);
  t.same(pySubn(pyRegExp('(?P<x>\\d)'), '<\\g<x>|\\g<0>>', '7'), ['<7|7>', 1]);
  t.same(pySubn(pyRegExp('x'), 'y', 'xxx', 2), ['yyx', 2], 'count');
  t.same(pySubn(pyRegExp('x'), '$1 \\n', 'x'), ['$1 \n', 1], '$ is literal; \\n is a newline');
  t.same(pySubn(pyRegExp('^a', 8), 'b', 'a\na'), ['b\nb', 2], 'MULTILINE anchors per line');
  t.throws(() => pySubn(pyRegExp('(a)'), '\\2', 'a'), /invalid group reference 2/);
});

t.test('re.escape', async (t) => {
  t.equal(pyEscape('a.b*c d'), 'a\\.b\\*c\\ d');
  t.ok(pyRegExp(`^${pyEscape('x = [1] (2)')}$`).test('x = [1] (2)'));
});
