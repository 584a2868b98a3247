import t from 'tap';
import { pcreMatch, reMatch } from '../../../agent/match/pcre.ts';
import { TargetError } from '../../../agent/match/types.ts';

t.test('anchored at the start only, like re.match', async (t) => {
  t.ok(pcreMatch('web', { id: 'web01' }));
  t.ok(pcreMatch('web\\d+', { id: 'web01-old' }));
  t.notOk(pcreMatch('web\\d+$', { id: 'web01-old' }));
  t.notOk(pcreMatch('eb', { id: 'web01' }), 'not a search');
  t.ok(pcreMatch('(web|db)\\d', { id: 'db3' }));
  t.ok(pcreMatch('.*old', { id: 'web01-old' }));
  t.notOk(pcreMatch('WEB', { id: 'web01' }), 'case-sensitive');
  t.ok(reMatch('WEB', 'web01', true), 'ignoring case on request');
});

t.test('Python-only syntax is translated', async (t) => {
  t.ok(pcreMatch('(?P<kind>web|db)\\d-(?P=kind)', { id: 'db1-db' }));
  t.ok(pcreMatch('\\Aweb\\d\\Z', { id: 'web1' }));
  t.notOk(pcreMatch('\\Aweb\\d\\Z', { id: 'web12' }));
});

t.test('invalid patterns are TargetErrors naming the pattern', async (t) => {
  t.throws(() => pcreMatch('web(', { id: 'web' }), TargetError);
  t.throws(() => pcreMatch('web(', { id: 'web' }), /invalid regular expression 'web\('/);
  t.throws(() => reMatch('(?x) a b', 'ab'), TargetError);
  t.throws(() => reMatch('(?x) a b', 'ab'), /verbose/);
  t.throws(() => pcreMatch(5, { id: '5' }), TargetError);
});
