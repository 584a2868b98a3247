import t from 'tap';
import { loadConfig } from '../../../master/config/halite-yaml.ts';
import { loadRoster, parseRoster, type RosterHost } from '../../../master/config/roster.ts';
import {
  NO_TARGETING,
  SelectionError,
  selectHosts,
  splitList,
  type TargetSpec,
} from '../../../master/target/select.ts';
import { shippedExample } from '../../shipped.ts';

const ROOT = shippedExample();
const shipped = loadRoster(loadConfig(undefined, {}, ROOT).config);
const FLEET = shipped.hosts;

const spec = (s: Partial<TargetSpec>): TargetSpec => ({ ...NO_TARGETING, ...s });
const ids = (s: Partial<TargetSpec>, hosts: readonly RosterHost[] = FLEET): string[] =>
  selectHosts(hosts, spec(s)).hosts.map((h) => h.id);

function failure(s: Partial<TargetSpec>, hosts: readonly RosterHost[] = FLEET): SelectionError {
  try {
    selectHosts(hosts, spec(s));
  } catch (err) {
    if (err instanceof SelectionError) return err;
    throw err;
  }
  throw new Error('expected a SelectionError');
}

t.test('the shipped roster loads without errors', async (t) => {
  t.same(shipped.errors, []);
  t.equal(FLEET.length, 24);
});

t.test('level and role together select exactly memcache1.staging', async (t) => {
  t.same(ids({ levels: ['staging'], roles: ['memcache'] }), ['memcache1.staging']);
});

t.test('values of one option are alternatives, options combine with AND', async (t) => {
  t.same(ids({ levels: ['production'], roles: ['db', 'masterdb'] }), [
    'masterdb1.production',
    'db1.production',
    'db2.production',
  ]);
  t.same(ids({ levels: ['staging', 'production'], roles: ['mail'] }), ['mail1.staging', 'mail1.production']);
  t.same(ids({ roles: ['sessions'], hosts: ['*2*'] }), ['sessions2.production']);
});

t.test('--host takes globs and exact ids', async (t) => {
  t.same(ids({ hosts: ['app*'], levels: ['production'] }), [
    'app1.production',
    'app2.production',
    'app3.production',
    'app4.production',
  ]);
  t.same(ids({ hosts: ['db1.production'] }), ['db1.production']);
  t.same(ids({ hosts: ['app[13].production', 'elastic?.staging'] }), [
    'elastic1.staging',
    'app1.production',
    'app3.production',
  ]);
  t.same(failure({ hosts: ['app1'] }).reasons, ['--host app1 matches no host'], 'a glob matches the whole id');
});

t.test('--target is a compound expression over roster grains', async (t) => {
  t.same(ids({ targets: ['G@roles:db and not db2*'] }), ['db1.staging', 'db1.production']);
  t.same(ids({ targets: ['G@level:staging and ( G@roles:app or G@roles:mail )'] }), ['mail1.staging', 'app1.staging']);
  t.same(ids({ targets: ['L@db1.staging,db2.production or E@^sources\\d'] }), [
    'sources1.staging',
    'db1.staging',
    'sources1.production',
    'db2.production',
  ]);
  t.same(
    ids({ targets: ['G@roles:elastic', 'not G@level:production'] }),
    ['elastic1.staging'],
    'several expressions must all match',
  );
  t.same(
    ids({ targets: ['G@roles:app'], levels: ['staging'] }),
    ['app1.staging'],
    'and combine with the other options',
  );
});

t.test('compound expressions see static grains, never overriding identity', async (t) => {
  const r = parseRoster(
    'a:\n  host: 10.0.0.1\n  level: lab\n  roles: [x]\n  grains: {rack: r2}\nb:\n  host: 10.0.0.2\n  level: lab\n  grains: {rack: r1}\n',
    '/r.yaml',
    { levels: [], user: 'root', port: 22 },
  );
  t.same(r.errors, []);
  t.same(ids({ targets: ['G@rack:r2'] }, r.hosts), ['a']);
  t.same(ids({ targets: ['G@id:b'] }, r.hosts), ['b']);
});

t.test('nothing selected names every option value that matched no host', async (t) => {
  const e = failure({ levels: ['prod'], roles: ['memcache', 'memcached'] });
  t.same(e.reasons, [
    '--level prod matches no host (levels in the roster: production, staging)',
    '--role memcached matches no host (roles in the roster: app, db, elastic, mail, masterdb, memcache, sessions, sources)',
  ]);
  t.match(e.message, /^no host selected: --level prod matches no host/);
  t.same(failure({ hosts: ['web*'] }).reasons, ["--host 'web*' matches no host"]);
  t.same(failure({ targets: ['G@roles:web'] }).reasons, ['--target G@roles:web matches no host']);
});

t.test('nothing selected although every value matches some host: the combination is named', async (t) => {
  t.same(failure({ levels: ['staging'], roles: ['db', 'app'], hosts: ['*2*'] }).reasons, [
    "no host matches --level staging and --role db,app and --host '*2*' together",
  ]);
  t.same(failure({ targets: ['G@roles:db', 'G@roles:app'] }).reasons, [
    'no host matches --target G@roles:db and --target G@roles:app together',
  ]);
  t.same(failure({}, []).reasons, ['the roster has no hosts']);
});

t.test('values matching nothing are reported when others select hosts', async (t) => {
  const sel = selectHosts(FLEET, spec({ hosts: ['db1.staging', 'db9.staging'] }));
  t.same(
    sel.hosts.map((h) => h.id),
    ['db1.staging'],
  );
  t.same(sel.unmatched, ['--host db9.staging']);
  t.same(selectHosts(FLEET, spec({ roles: ['db'] })).unmatched, []);
});

t.test('a malformed compound expression is a selection error saying what is wrong', async (t) => {
  t.match(
    failure({ targets: ['G@roles:db and'] }).reasons[0],
    /^--target 'G@roles:db and': invalid compound target .*ends where a term was expected/,
  );
  t.match(failure({ targets: ['N@group'] }).reasons[0], /nodegroups/);
  t.match(
    failure({ targets: ['G@roles'], levels: ['nope'] }).reasons[0],
    /--target G@roles: .*no ':'/,
    'reported even when another option excludes everything',
  );
});

t.test('no options select the whole roster, in roster order', async (t) => {
  t.same(
    ids({}),
    FLEET.map((h) => h.id),
  );
  const reversed = [...FLEET].reverse();
  t.same(
    ids({ roles: ['db'] }, reversed),
    ['db2.production', 'db1.production', 'db1.staging'],
    "the order is the roster's, not sorted",
  );
});

t.test('splitList: commas separate, except inside a glob character class', async (t) => {
  t.same(splitList('db, app ,,mail'), ['db', 'app', 'mail']);
  t.same(splitList('app[1,2]*,db1'), ['app[1,2]*', 'db1']);
  t.same(splitList(''), []);
  t.same(splitList('a]b,c'), ['a]b', 'c']);
});
