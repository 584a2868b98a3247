import t from 'tap';
import { hostSpecs } from './host-specs.ts';

t.test('a count makes host1…hostN without roles', async (t) => {
  t.same(hostSpecs({ count: 2 }), [{ id: 'host1' }, { id: 'host2' }]);
  t.same(hostSpecs({ count: 1, level: 'staging' }), [{ id: 'host1', level: 'staging' }]);
});

t.test('--roles makes one host per role, or COUNT per role, named after it', async (t) => {
  t.same(hostSpecs({ roles: 'memcache,sessions', level: 'production' }), [
    { id: 'memcache1', roles: ['memcache'], level: 'production' },
    { id: 'sessions1', roles: ['sessions'], level: 'production' },
  ]);
  t.same(
    hostSpecs({ roles: 'db', count: 2 }).map((h) => h.id),
    ['db1', 'db2'],
  );
});

t.test('--hosts names every host and its roles', async (t) => {
  t.same(hostSpecs({ hosts: 'mem1=memcache,web1=app+memcache,bare', level: 'staging' }), [
    { id: 'mem1', roles: ['memcache'], level: 'staging' },
    { id: 'web1', roles: ['app', 'memcache'], level: 'staging' },
    { id: 'bare', roles: [], level: 'staging' },
  ]);
});

t.test('contradictions and malformed lists are refused', async (t) => {
  t.throws(() => hostSpecs({}), /say which hosts/);
  t.throws(() => hostSpecs({ hosts: 'a=x', count: 2 }), /--hosts names every host/);
  t.throws(() => hostSpecs({ hosts: 'a=x=y' }), /expected ID or ID=ROLE/);
  t.throws(() => hostSpecs({ roles: 'mem cache' }), /"mem cache" is not a name/);
  t.throws(() => hostSpecs({ hosts: 'a=' }), /"" is not a name/);
});
