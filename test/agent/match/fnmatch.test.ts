import t from 'tap';
import { fnmatch, hasGlob } from '../../../agent/match/glob.ts';

t.test('Python fnmatchcase semantics', async (t) => {
  const cases: Array<[string, string, boolean]> = [
    ['foo', 'foo', true],
    ['foo', 'f*', true],
    ['foo/bar.conf', 'foo*', true],
    ['/etc/apache2/ports.conf', '/etc/apache2/*', true],
    ['a.b', 'a?b', true],
    ['ab', 'a?b', false],
    ['x1', 'x[0-9]', true],
    ['xa', 'x[!0-9]', true],
    ['x1', 'x[!0-9]', false],
    [']', '[]]', true],
    ['a-b', 'a[-]b', true],
    ['a^', 'a[^]', true],
    ['x[', 'x[', true],
    ['a.c', 'a.c', true],
    ['abc', 'a.c', false],
    ['Foo', 'foo', false],
    ['', '*', true],
    ['line\nbreak', 'line*', true],
    ['web', 'web.*', false],
    ['web.a', 'web.*', true],
  ];
  for (const [name, pattern, want] of cases)
    t.equal(fnmatch(name, pattern), want, `${JSON.stringify(name)} ~ ${pattern}`);
});

t.test('hasGlob', async (t) => {
  t.equal(hasGlob('web.*'), true);
  t.equal(hasGlob('a?'), true);
  t.equal(hasGlob('[ab]'), true);
  t.equal(hasGlob('plain.name'), false);
});
