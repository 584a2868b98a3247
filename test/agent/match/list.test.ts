import t from 'tap';
import { listMatch } from '../../../agent/match/list.ts';

const m = { id: 'web2' };

t.test('comma-separated lists', async (t) => {
  t.ok(listMatch('web1,web2,web3', m));
  t.ok(listMatch('web2', m));
  t.ok(listMatch('web2,db1', m));
  t.ok(listMatch('db1,web2', m));
  t.ok(listMatch('web1, web2', m), 'spaces after commas are ignored');
  t.notOk(listMatch('web22,web', m), 'no partial matches');
  t.notOk(listMatch('web*', m), 'no globbing');
  t.notOk(listMatch('', m));
});

t.test('YAML lists', async (t) => {
  t.ok(listMatch(['web1', 'web2'], m));
  t.notOk(listMatch(['web1'], m));
  t.notOk(listMatch([], m));
  t.ok(listMatch([7], { id: '7' }), 'items compare as strings');
});

t.test('other values never match', async (t) => {
  t.notOk(listMatch(null, m));
  t.notOk(listMatch({ web2: true }, m));
});
