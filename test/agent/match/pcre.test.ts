import t from 'tap';
import { pcreMatch } from '../../../agent/match/pcre.ts';
import { compilePyRegex, reMatch } from '../../../agent/match/regex.ts';
import { TargetError } from '../../../agent/match/types.ts';

t.test('anchored at the start only, like re.match', async (t) => {
  t.ok(pcreMatch('web', { id: 'web01' }));
  t.ok(pcreMatch('web\\d+', { id: 'web01-old' }));
  t.notOk(pcreMatch('web\\d+$', { id: 'web01-old' }));
  t.notOk(pcreMatch('eb', { id: 'web01' }), 'not a search');
  t.ok(pcreMatch('(web|db)\\d', { id: 'db3' }));
  t.ok(pcreMatch('.*old', { id: 'web01-old' }));
  t.notOk(pcreMatch('WEB', { id: 'web01' }), 'case-sensitive');
});

t.test('Python-only syntax is translated', async (t) => {
  t.ok(reMatch('(?P<kind>web|db)-(?P=kind)', 'db-db'));
  t.notOk(reMatch('(?P<kind>web|db)-(?P=kind)', 'db-web'));
  t.ok(reMatch('\\Aweb\\d\\Z', 'web1'));
  t.notOk(reMatch('\\Aweb\\d\\Z', 'web12'));
  t.ok(reMatch('(?i)WEB', 'web1'), 'leading inline flags');
  t.ok(reMatch('[]a]+$', ']a]'), "']' first in a class is literal");
  t.ok(reMatch('[\\]x]', ']'));
});

t.test('the same compiled pattern can be reused (sticky index is reset)', async (t) => {
  t.ok(reMatch('a', 'abc'));
  t.ok(reMatch('a', 'abc'));
  t.ok(compilePyRegex('a').sticky);
});

t.test('invalid patterns are TargetErrors naming the pattern', async (t) => {
  t.throws(() => pcreMatch('web(', { id: 'web' }), TargetError);
  t.throws(() => pcreMatch('web(', { id: 'web' }), /invalid regular expression 'web\('/);
  t.throws(() => reMatch('(?x) a b', 'ab'), /verbose/);
  t.throws(() => pcreMatch(5, { id: '5' }), TargetError);
});
