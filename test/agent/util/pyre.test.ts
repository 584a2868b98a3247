import t from 'tap';
import {
  flagBits,
  pyEscape,
  pyMatch,
  pyMatcher,
  pyRegExp,
  PyRegexError,
  pySearch,
  pySub,
  pySubn,
  RE,
} from '../../../agent/util/pyre.ts';

const matches = (pattern: string, text: string, bits = 0): boolean => pyMatch(pattern, text, bits) !== null;
const finds = (pattern: string, text: string, bits = 0): boolean => pySearch(pattern, text, bits) !== null;

t.test('flags by int, name or list', async (t) => {
  t.equal(flagBits(undefined), 8, 'MULTILINE by default');
  t.equal(flagBits(['IGNORECASE', 'multiline']), 10);
  t.equal(flagBits('DOTALL'), 16);
  t.equal(flagBits('re.I'), 2);
  t.equal(flagBits('24'), 24);
  t.equal(flagBits(2), 2);
  t.equal(flagBits(null, 0), 0);
  t.throws(() => flagBits(['NOPE']), /Invalid re flag given: NOPE/);
  t.equal(pyRegExp('a', 10).flags, 'im');
  t.throws(() => pyRegExp('a', 64), /VERBOSE/);
  t.throws(() => pyMatch('(?x) a b', 'ab'), /verbose/);
});

t.test('named groups and references', async (t) => {
  t.ok(pyRegExp('(?P<k>a)(?P=k)').test('aa'), 'named groups and backreferences');
  t.ok(matches('(?P<kind>web|db)-(?P=kind)', 'db-db'));
  t.notOk(matches('(?P<kind>web|db)-(?P=kind)', 'db-web'));
  t.equal(pySearch('(?P<n>\\d+)', 'ab12')?.groups?.n, '12');
  t.ok(finds('[(?P<]', 'P'), 'not rewritten inside a class');
  t.ok(finds('\\(?P<x>a\\)', 'P<x>a)'), 'not rewritten after an escaped parenthesis');
});

t.test('leading inline flags', async (t) => {
  t.ok(pyRegExp('(?i)abc').test('ABC'), 'leading inline flags');
  t.ok(matches('(?i)WEB', 'web1'), 'leading inline flags');
  t.ok(matches('(?i)(?s)a.b', 'A\nb'), 'several leading groups');
  t.ok(matches('(?is)a.b', 'A\nB'));
  t.ok(finds('(?m)^b$', 'a\nb\nc'));
  t.ok(finds('(?u)a', 'a'), 'flags with nothing to translate are accepted');
});

t.test('\\A and \\Z', async (t) => {
  t.ok(pyRegExp('\\Aab\\Z').test('ab'));
  t.notOk(pyRegExp('\\Aab\\Z').test('xab'));
  t.ok(matches('\\Aweb\\d\\Z', 'web1'));
  t.notOk(matches('\\Aweb\\d\\Z', 'web12'));
  t.notOk(finds('\\Ab', 'a\nb', RE.M), '\\A is the start of the text even with MULTILINE');
  t.notOk(finds('a\\Z', 'a\nb', RE.M), '\\Z is the end of the text even with MULTILINE');
  t.notOk(finds('a\\Z', 'a\n'), '\\Z does not match before a final newline');
  t.ok(finds('\\\\A', '\\A'), 'an escaped backslash before A stays literal');
  t.notOk(finds('\\\\\\A', '\\A'), 'but an anchor after it is still an anchor');
});

t.test('^ and $ as Python reads them', async (t) => {
  t.ok(pyRegExp('^b$').test('b\n'), '$ matches before a final newline, as in Python');
  t.notOk(pyRegExp('^b$').test('b\nc'));
  t.ok(pyRegExp('[$]').test('$'), 'a $ in a class stays literal');
  t.ok(pyRegExp('\\$').test('$'));
  t.notOk(finds('^b', 'a\nb'), 'without MULTILINE ^ is the start of the text');
  t.ok(finds('^b', 'a\nb', RE.M));
  t.ok(finds('a$', 'a\nb', RE.M));
  t.notOk(finds('a$', 'a\r\nb', RE.M), 'only \\n ends a line');
  t.notOk(finds('^b', 'a\rb', RE.M), 'only \\n starts a line');
  t.ok(finds('[^a]', 'b'), 'a ^ that negates a class stays');
});

t.test('classes, quantifiers and comments', async (t) => {
  t.ok(matches('[]a]+$', ']a]'), "']' first in a class is literal");
  t.ok(matches('[^]a]', 'b'));
  t.notOk(matches('[^]a]', ']'));
  t.ok(matches('[\\]x]', ']'));
  t.equal(pyMatch('a{,2}b', 'aab')?.[0], 'aab', '{,n} means {0,n}');
  t.equal(pyMatch('x{,}', 'xxx')?.[0], 'xxx');
  t.ok(matches('a\\{,2}', 'a{,2}'), 'an escaped brace stays literal');
  t.ok(matches('a(?#a comment)b', 'ab'), '(?#…) is a comment');
});

t.test('re.match, re.search and re.fullmatch', async (t) => {
  t.ok(matches('a', 'abc'));
  t.ok(matches('a', 'abc'), 'the same compiled pattern can be reused');
  t.notOk(matches('b', 'abc'), 'match is anchored at the start');
  t.notOk(matches('b', 'a\nb', RE.M), 'also with MULTILINE');
  t.ok(finds('b', 'abc'));
  t.ok(pyMatcher('a|ab', 0, 'fullmatch')('ab'), 'fullmatch backtracks to cover the whole text');
  t.notOk(pyMatcher('a', 0, 'fullmatch')('ab'));
  t.notOk(pyMatcher('a', 0, 'fullmatch')('a\n'));
  const m = pyMatcher('x\\d', 0, 'match');
  t.ok(m('x1') && m('x2') && !m('yx3'), 'a matcher can be called again and again');
});

t.test('invalid patterns are errors naming the pattern', async (t) => {
  t.throws(() => pyRegExp('a(b'), /invalid regular expression 'a\(b': /);
  t.throws(() => pyMatch('web(', 'web'), PyRegexError);
  t.throws(() => pyMatcher('(?P=x', 0), /unterminated/);
});

t.test('re.subn with Python replacement strings', async (t) => {
  t.same(pySubn(pyRegExp('(\\w)=(\\d)'), '\\2=\\1', 'a=1 b=2'), ['1=a 2=b', 2]);
  t.same(pySubn(pyRegExp('(?P<x>\\d)'), '<\\g<x>|\\g<0>>', '7'), ['<7|7>', 1]);
  t.same(pySubn(pyRegExp('x'), 'y', 'xxx', 2), ['yyx', 2], 'count');
  t.same(pySubn(pyRegExp('x'), '$1 \\n', 'x'), ['$1 \n', 1], '$ is literal; \\n is a newline');
  t.same(pySubn(pyRegExp('^a', 8), 'b', 'a\na'), ['b\nb', 2], 'MULTILINE anchors per line');
  t.throws(() => pySubn(pyRegExp('(a)'), '\\2', 'a'), /invalid group reference 2/);
  t.equal(pySub('\\s+', '__', 'lets replace spaces'), 'lets__replace__spaces');
  t.equal(pySub('(\\w)=(\\w)', '\\2=\\1', 'k=v'), 'v=k');
});

t.test('replacement strings as Python parses them', async (t) => {
  t.equal(pySub('(a)', '\\g<1>0', 'a'), 'a0', '\\g<1> ends the group number');
  t.equal(pySub('a', '[\\0\\101\\.]', 'a'), '[\x00A\\.]', 'octal escapes; other punctuation keeps its backslash');
  t.equal(pySub('(a)|b', '<\\1>', 'b'), '<>', 'a group that did not take part is empty');
  t.equal(pySub('a', '$0$&', 'a'), '$0$&', 'JavaScript $ patterns are literal');
  t.equal(pySub('(?P<n>a)', '<\\g<n>>', 'a'), '<a>');
  t.equal(pySub('x*', '-', 'abxd'), '-a-b--d-', 'empty matches next to a match, as in Python 3.7+');
  t.equal(pySub('x', '\\t\\\\', 'x'), '\t\\');
  t.throws(() => pySub('x', '\\d', 'abc'), /bad escape \\d/, 'checked even when nothing matches');
  t.throws(() => pySub('x', 'a\\', 'x'), /bad escape \(end of pattern\)/);
  t.throws(() => pySub('(?P<n>x)', '\\g<m>', 'x'), /unknown group name 'm'/);
  t.throws(() => pySub('x', '\\g1', 'x'), /missing group name/);
  t.equal(pySub('x', 'y', 'xx', 0, RE.I), 'yy');
  t.equal(pySub('x', 'y', 'XX', 1, RE.I), 'yX');
});

t.test('re.escape', async (t) => {
  t.equal(pyEscape('a.b*c d'), 'a\\.b\\*c\\ d');
  t.ok(pyRegExp(`^${pyEscape('x = [1] (2)')}$`).test('x = [1] (2)'));
  t.equal(pyEscape('a.b*c d-&~#/:é'), 'a\\.b\\*c\\ d\\-\\&\\~\\#/:é', 'as Python 3.7+: only special characters');
  const odd = 'a/b:c"d\'e,f<g>h=i!j@k%l`m';
  t.ok(pyMatcher(pyEscape(odd), 0, 'fullmatch')(odd));
});
