import t from 'tap';
import { pillarMatch } from '../../../agent/match/pillar.ts';
import { pillarExactMatch } from '../../../agent/match/pillar_exact.ts';
import { pillarPcreMatch } from '../../../agent/match/pillar_pcre.ts';
import { TargetError } from '../../../agent/match/types.ts';

const m = {
  id: 'h',
  grains: { role: 'grain-only' },
  pillar: { role: 'web*', level: 'production', apps: ['shop', 'blog'], db: { primary: 'db1', port: 5432 } },
};

t.test('pillar: globs over the pillar, not the grains', async (t) => {
  t.ok(pillarMatch('level:prod*', m));
  t.ok(pillarMatch('apps:blog', m));
  t.ok(pillarMatch('db:primary:db1', m));
  t.ok(pillarMatch('db:port:5432', m));
  t.ok(pillarMatch('db:primary', m));
  t.notOk(pillarMatch('role:grain-only', m));
  t.notOk(pillarMatch('level:staging', m));
  t.notOk(pillarMatch('level:prod', { id: 'h' }), 'no pillar');
  t.throws(() => pillarMatch('level', m), /pillar target 'level' has no ':'/);
});

t.test('pillar_pcre', async (t) => {
  t.ok(pillarPcreMatch('level:prod', m));
  t.ok(pillarPcreMatch('apps:(shop|cart)$', m));
  t.notOk(pillarPcreMatch('level:duction', m));
  t.throws(() => pillarPcreMatch('level', m), TargetError);
});

t.test('pillar_exact: no globbing, still case-insensitive', async (t) => {
  t.ok(pillarExactMatch('role:web*', m));
  t.notOk(pillarExactMatch('role:web1', m));
  t.notOk(pillarMatch('role:web1', m), 'the stored value is never read as a pattern');
  t.ok(pillarMatch('level:prod*', m));
  t.ok(pillarExactMatch('level:PRODUCTION', m));
  t.notOk(pillarExactMatch('level:prod*', m));
});
