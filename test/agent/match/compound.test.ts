import t from 'tap';
import { compoundMatch, parseTargetWord } from '../../../agent/match/compound.ts';
import { TargetError } from '../../../agent/match/types.ts';

const m = {
  id: 'minion1',
  grains: { 'example-grain': true, roles: ['db', 'cache'], os: 'Debian', ipv4: ['10.0.0.5'] },
  pillar: { 'example-pillar': true, level: 'prod' },
};

const TRUE_FALSE: [string | string[], boolean][] = [
  ['minion1', true],
  ['minion2', false],
  ['minion*', true],
  ['G@example-grain:True and I@example-pillar:True', true],
  ['G@example-grain:True or I@example-pillar:False', true],
  ['G@example-grain:True and I@example-pillar:False', false],
  ['not G@roles:web', true],
  ['( G@example-grain:True or I@level:dev ) and G@example-grain:True', true],
  [['G@example-grain:True', 'and', 'I@example-pillar:True'], true],
  ['G@unknown:engine', false],
  ['G@roles:db and not web*', true],
  ['G@roles:db and not minion*', false],
  ['minion1 not db*', true],
  ['minion1 not minion1', false],
  ['minion2 and minion2 or minion1', true],
  ['minion1 or minion2 and minion2', true],
  ['not minion2 and minion2', false],
  ['not ( minion1 and minion2 )', true],
  ['( minion1 and ( G@roles:cache or minion2 ) )', true],
  ['L@a,minion1,b', true],
  ['L@a,b', false],
  ['E@min.*1', true],
  ['E@inion', false],
  ['S@10.0.0.0/24', true],
  ['S@10.0.1.0/24', false],
  ['P@roles:c.che', true],
  ['P@os:ubuntu', false],
  ['J@level:pr.*', true],
  ['G;@roles;db', true],
  ['I|@level|prod', true],
  ['X@foo', false],
  ['minion1\tand   G@os:debian', true],
];

t.test('evaluation', async (t) => {
  for (const [tgt, want] of TRUE_FALSE) t.equal(compoundMatch(tgt, m), want, JSON.stringify(tgt));
});

const ERRORS: [unknown, RegExp][] = [
  ['(G@example-grain:True or I@level:dev) and G@example-grain:True', /parentheses .* separated/],
  ['and minion1', /cannot start with 'and'/],
  ['or minion1', /cannot start with 'or'/],
  ['( and minion1 )', /'and' cannot follow '\('/],
  ['G@example-grain:True and ( minion1', /unclosed '\('/],
  ['minion1 )', /unbalanced '\)'/],
  ['( minion1 ) minion2', /missing 'and' or 'or' before 'minion2'/],
  ['minion1 minion2', /missing 'and' or 'or'/],
  ['minion1 and', /ends where a term was expected/],
  ['not not minion1', /'and' where a term was expected/],
  ['( )', /'\)' where a term was expected/],
  ['', /empty compound target/],
  ['   ', /empty compound target/],
  ['N@webservers', /nodegroups/],
  ['R@%cluster', /range/],
  ['minion1 or E@(', /invalid regular expression/],
  ['minion1 or G@roles', /has no ':'/],
  ['minion1 or S@10.0.0.1/8', /host bits/],
  [12345, /string or a list/],
  [null, /string or a list/],
  [['minion1', 3], /string or a list/],
];

t.test('malformed targets raise TargetError with a clear message', async (t) => {
  for (const [tgt, re] of ERRORS) {
    t.throws(() => compoundMatch(tgt, m), TargetError, JSON.stringify(tgt));
    t.throws(() => compoundMatch(tgt, m), re, JSON.stringify(tgt));
  }
});

t.test('parseTargetWord', async (t) => {
  t.same(parseTargetWord('G@roles:db'), { engine: 'G', pattern: 'roles:db' });
  t.same(parseTargetWord('G;@roles;db'), { engine: 'G', delimiter: ';', pattern: 'roles;db' });
  t.same(parseTargetWord('L@a,b'), { engine: 'L', pattern: 'a,b' });
  t.same(parseTargetWord('L;@a'), { pattern: 'L;@a' }, 'only G, P, I and J take a delimiter');
  t.same(parseTargetWord('G@'), { pattern: 'G@' });
  t.same(parseTargetWord('web*'), { pattern: 'web*' });
  t.same(parseTargetWord('X@foo'), { pattern: 'X@foo' });
});
