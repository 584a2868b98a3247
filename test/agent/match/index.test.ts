import t from 'tap';
import { MATCH_TYPES, TargetError, isMatchType, matchTarget } from '../../../agent/match/index.ts';

const m = {
  id: 'web1',
  grains: { roles: ['web'], os: 'Debian', ipv4: ['192.168.1.10'] },
  pillar: { level: 'staging' },
};

t.test('dispatches by match type', async (t) => {
  const cases: [string, unknown, boolean][] = [
    ['glob', 'web*', true],
    ['glob', 'db*', false],
    ['list', 'db1,web1', true],
    ['list', ['db1'], false],
    ['pcre', 'web\\d', true],
    ['grain', 'roles:web', true],
    ['grain', 'roles:db', false],
    ['grain_pcre', 'os:deb', true],
    ['pillar', 'level:stag*', true],
    ['pillar_pcre', 'level:prod', false],
    ['pillar_exact', 'level:staging', true],
    ['ipcidr', '192.168.1.0/24', true],
    ['compound', 'web* and G@roles:web and not I@level:prod*', true],
  ];
  for (const [type, tgt, want] of cases) t.equal(matchTarget(type, tgt, m), want, `${type} ${JSON.stringify(tgt)}`);
});

t.test('the delimiter option reaches grain and pillar matchers', async (t) => {
  t.ok(matchTarget('grain', 'os|debian', m, { delimiter: '|' }));
  t.ok(matchTarget('pillar', 'level/staging', m, { delimiter: '/' }));
});

t.test('unknown types', async (t) => {
  t.throws(() => matchTarget('nodegroup', 'x', m), TargetError);
  t.throws(() => matchTarget('grains', 'roles:web', m), /unknown matcher 'grains' \(expected one of compound, glob/);
  t.throws(() => matchTarget('toString', 'x', m), TargetError, 'no prototype lookups');
  t.notOk(isMatchType('constructor'));
  t.ok(isMatchType('grain_pcre'));
  t.same([...MATCH_TYPES].sort(), [
    'compound',
    'glob',
    'grain',
    'grain_pcre',
    'ipcidr',
    'list',
    'pcre',
    'pillar',
    'pillar_exact',
    'pillar_pcre',
  ]);
});
