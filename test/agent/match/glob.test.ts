import t from 'tap';
import { fnmatch, globMatch, hasGlob } from '../../../agent/match/glob.ts';

// Expectations checked against Python's fnmatch.fnmatchcase.
const CASES: [string, string, boolean][] = [
  ['web01', 'web*', true],
  ['web01', 'web0?', true],
  ['web01', 'web0[0-9]', true],
  ['web01', 'web0[!1]', false],
  ['web02', 'web0[!1]', true],
  ['web.example.com', 'web*', true],
  ['Web01', 'web*', false],
  ['a]b', 'a[]]b', true],
  ['a-b', 'a[a-]b', true],
  ['a[b', 'a[b', true],
  ['ab', 'a[!]]b', false],
  ['a]b', 'a[!]]b', false],
  ['a\\b', 'a[\\]b', true],
  ['ac', 'a[z-ab-d]', true],
  ['a/b', 'a*b', true],
  ['', '*', true],
  ['abc', 'a[c-a]c', false],
  ['x', '[!]', false],
  ['[!]', '[!]', true],
  ['a^', 'a[^]', true],
  ['a.b', 'a?b', true],
  ['a.b', 'a.b', true],
  ['axb', 'a.b', false],
  ['db1', 'db1', true],
  ['db10', 'db1', false],
  ['x(1)', 'x(1)', true],
  ['a+b', 'a+b', true],
  ['line\nbreak', 'line*', true],
];

t.test('fnmatch follows Python fnmatchcase', async (t) => {
  for (const [name, pattern, want] of CASES)
    t.equal(fnmatch(name, pattern), want, `${JSON.stringify(name)} ~ ${JSON.stringify(pattern)}`);
});

t.test('globMatch matches the minion id only', async (t) => {
  t.ok(globMatch('web*', { id: 'web1', grains: { id: 'other' } }));
  t.notOk(globMatch('db*', { id: 'web1' }));
  t.ok(globMatch('*', { id: 'anything' }));
  t.notOk(globMatch(['web1'], { id: 'web1' }), 'a non-string target never matches');
});

t.test('hasGlob', async (t) => {
  t.ok(hasGlob('users.*'));
  t.ok(hasGlob('db[12]'));
  t.ok(hasGlob('web?'));
  t.notOk(hasGlob('users.admin'));
});
