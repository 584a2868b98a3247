import t from 'tap';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../../master/config/halite-yaml.ts';
import {
  countMismatches,
  findCycle,
  loadRoles,
  parseRole,
  roleSetIssues,
  type Role,
  roleDepths,
  transitiveDeps,
} from '../../../master/config/roles.ts';
import { loadRoster, parseRoster } from '../../../master/config/roster.ts';
import { shippedExample } from '../../shipped.ts';

const ROOT = shippedExample();
const config = loadConfig(undefined, {}, ROOT).config;
const FILE = '/srv/roles/web.yaml';

function role(name: string, dependsOn: string[] = [], extra: Partial<Role> = {}): Role {
  return {
    name,
    file: `/r/${name}.yaml`,
    description: name,
    dependsOn,
    count: {},
    ports: [],
    lines: { depends_on: 3 },
    ...extra,
  };
}
const set = (...roles: Role[]) => new Map(roles.map((r) => [r.name, r]));

t.test('the shipped roles: valid, every roster role exists, counts agree with the roster', async (t) => {
  const rs = loadRoles(config.roles, { levels: Object.keys(config.levels) });
  t.same(rs.errors, []);
  t.same([...rs.roles.keys()], ['app', 'db', 'elastic', 'mail', 'masterdb', 'memcache', 'sessions', 'sources']);
  const roster = loadRoster(config, rs.names);
  t.same(roster.errors, []);
  t.same(countMismatches(rs.roles, roster.hosts), []);
  const sessions = rs.roles.get('sessions')!;
  t.same(sessions.dependsOn, ['sources', 'mail']);
  t.same(sessions.count, { production: 2, staging: 1 });
  t.same(sessions.ports, [
    { port: 6379, proto: 'tcp', from: ['app'] },
    { port: 11211, proto: 'tcp', from: ['app'] },
  ]);
  t.equal(sessions.file, join(config.roles, 'sessions.yaml'));
});

t.test('a full role file, and the defaults of a minimal one', async (t) => {
  const text = [
    'description: Web front ends',
    'depends_on: [db]',
    'count: {production: 3}',
    'ports:',
    '  - {port: 443, proto: tcp, from: [all]}',
    '  - {port: 53, proto: udp, from: [db, web]}',
  ].join('\n');
  const r = parseRole(text, FILE, 'web');
  t.same(r.errors, []);
  t.same(r.role, {
    name: 'web',
    file: FILE,
    description: 'Web front ends',
    dependsOn: ['db'],
    count: { production: 3 },
    ports: [
      { port: 443, proto: 'tcp', from: ['all'] },
      { port: 53, proto: 'udp', from: ['db', 'web'] },
    ],
    lines: { description: 1, depends_on: 2, count: 3, ports: 4 },
    refLines: { 'ports[0].from[0]': 5, 'ports[1].from[0]': 6, 'ports[1].from[1]': 6 },
  });
  const min = parseRole('description: x\n', FILE, 'web');
  t.same(min.role && [min.role.dependsOn, min.role.count, min.role.ports], [[], {}, []]);
});

t.test('every invalid field is reported with file, line, field and what was expected', async (t) => {
  const text = [
    'description: 42', // 1
    'states: nginx', // 2
    'depends_on: [db, -x]', // 3
    'count: {production: -1, qa: 2}', // 4
    'ports:', // 5
    '  - {port: 70000, proto: icmp, from: []}', // 6
    '  - 22', // 7
    '  - {port: 22, proto: tcp, from: [all], to: x}', // 8
    'owner: ops', // 9
  ].join('\n');
  const r = parseRole(text, FILE, 'web', { levels: ['staging', 'production'] });
  t.equal(r.role, undefined);
  t.same(
    r.errors.map((e) => `${e.code} ${e.file}:${e.line}: ${e.message}`),
    [
      `CONFIG ${FILE}:1: description: expected a non-empty string, got the number 42`,
      `CONFIG ${FILE}:2: states: not a role field: the top file says which states a role's hosts get ('roles:web': [match: grain, SLS…] in top.sls)`,
      `CONFIG ${FILE}:3: depends_on[1]: expected a role name, got the string "-x"`,
      `CONFIG ${FILE}:4: count.production: expected a whole number of hosts, got the number -1`,
      `CONFIG ${FILE}:4: count.qa: unknown level (the configuration knows: staging, production)`,
      `CONFIG ${FILE}:6: ports[0].port: expected an integer from 1 to 65535, got the number 70000`,
      `CONFIG ${FILE}:6: ports[0].proto: expected tcp or udp, got the string "icmp"`,
      `CONFIG ${FILE}:6: ports[0].from: expected a non-empty list of role names or 'all', got a list`,
      `CONFIG ${FILE}:7: ports[1]: expected a map {port, proto, from}, got the number 22`,
      `CONFIG ${FILE}:8: ports[2].to: unknown field (expected one of: port, proto, from)`,
      `CONFIG ${FILE}:9: owner: unknown field (expected one of: description, depends_on, count, ports)`,
    ],
  );
});

t.test('structural errors: missing description, not a map, YAML syntax, self dependency, bad file name', async (t) => {
  t.same(parseRole('count: {}\n', FILE, 'web').errors, [
    { code: 'CONFIG', file: FILE, line: 1, message: 'description: required: a one-line description of the role' },
  ]);
  t.match(parseRole('- a\n', FILE, 'web').errors, [
    { message: 'expected a map {description, depends_on, count, ports}, got a list' },
  ]);
  t.match(parseRole('description: [x\n', FILE, 'web').errors, [{ code: 'CONFIG', file: FILE, message: /^YAML error/ }]);
  t.match(parseRole('description: x\ndepends_on: [web]\n', FILE, 'web').errors, [
    { line: 2, message: 'depends_on: role web cannot depend on itself' },
  ]);
  t.match(parseRole('description: x\n', '/r/my role.yaml', 'my role').errors, [
    { message: /role name "my role" \(from the file name\)/ },
  ]);
  t.same(
    parseRole('', FILE, 'web').errors.map((e) => e.message),
    ['description: required: a one-line description of the role'],
    'an empty file is an empty map',
  );
});

t.test('between roles: unknown dependencies and port sources, cycles printed as a path', async (t) => {
  const errors = roleSetIssues(
    set(
      role('app', ['db', 'cache'], {
        ports: [{ port: 80, proto: 'tcp', from: ['all', 'lb'] }],
        lines: { depends_on: 3, ports: 5 },
      }),
      role('db', ['sources']),
      role('sources', ['app']),
    ),
  ).map((i) => i.error);
  t.same(errors, [
    {
      code: 'CONFIG',
      file: '/r/app.yaml',
      line: 3,
      message: "depends_on: no role named 'cache' (roles: app, db, sources)",
    },
    {
      code: 'CONFIG',
      file: '/r/app.yaml',
      line: 5,
      message: "ports: port 80/tcp from 'lb': no such role (roles: app, db, sources; or 'all')",
    },
    {
      code: 'CONFIG',
      file: '/r/app.yaml',
      line: 3,
      message: 'depends_on: dependency cycle: app -> db -> sources -> app',
    },
  ]);
  t.same(findCycle(set(role('a', ['b']), role('b', ['c']), role('c', ['b']))), ['b', 'c', 'b']);
  t.equal(findCycle(set(role('a', ['b', 'c']), role('b', ['c']), role('c'))), undefined, 'a diamond is not a cycle');
});

t.test('loadRoles: a directory of files; a role with an invalid file is not reported as missing too', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'halite-roles-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(join(dir, 'a.yaml'), 'description: a\ndepends_on: [b]\n');
  writeFileSync(join(dir, 'b.yaml'), 'description: b\ndepends_on: [a]\n');
  writeFileSync(join(dir, 'notes.txt'), 'not a role');
  const cyc = loadRoles(dir);
  t.same([...cyc.roles.keys()], ['a', 'b']);
  t.same(cyc.errors, [
    { code: 'CONFIG', file: join(dir, 'a.yaml'), line: 2, message: 'depends_on: dependency cycle: a -> b -> a' },
  ]);

  writeFileSync(join(dir, 'b.yaml'), 'description: 1\n');
  const broken = loadRoles(dir);
  t.same(
    broken.errors.map((e) => `${e.file}:${e.line}: ${e.message}`),
    [`${join(dir, 'b.yaml')}:1: description: expected a non-empty string, got the number 1`],
  );
  t.same([...broken.roles.keys()], ['a']);
  t.same(broken.names, ['a', 'b']);
  t.same(
    broken.issues.map((i) => i.roles),
    [['b']],
    'the error concerns the role of its file',
  );

  writeFileSync(join(dir, 'b.yaml'), 'description: b\n');
  writeFileSync(
    join(dir, 'c.yaml'),
    'description: c\ndepends_on: [b, nosuch]\nports:\n  - {port: 80, proto: tcp, from: [a, ghost]}\n',
  );
  writeFileSync(join(dir, 'd.yaml'), 'description: d\ndepends_on: [e]\n');
  writeFileSync(join(dir, 'e.yaml'), 'description: e\ndepends_on: [d]\n');
  writeFileSync(join(dir, 'a.yaml'), 'description: a\n');
  const mixed = loadRoles(dir);
  t.same(
    mixed.issues.map((i) => [`${i.error.file}:${i.error.line}: ${i.error.message}`, i.roles]),
    [
      [`${join(dir, 'c.yaml')}:2: depends_on: no role named 'nosuch' (roles: a, b, c, d, e)`, ['c']],
      [
        `${join(dir, 'c.yaml')}:4: ports: port 80/tcp from 'ghost': no such role (roles: a, b, c, d, e; or 'all')`,
        ['c'],
      ],
      [`${join(dir, 'd.yaml')}:2: depends_on: dependency cycle: d -> e -> d`, ['d', 'e']],
    ],
    'unknown names concern the role whose file has them; a cycle every role on it, even with other errors',
  );

  const missing = loadRoles(join(dir, 'missing'));
  t.same(missing.errors, [
    { code: 'CONFIG', file: join(dir, 'missing'), message: 'cannot read roles: no such directory' },
  ]);
  t.same(missing.issues[0].roles, [], 'concerns every role');
});

t.test('roster roles must exist: the error names host, role and the line of the role in the roster', async (t) => {
  const text =
    'a:\n  host: 10.0.0.1\n  level: lab\n  roles: [db, web]\nb:\n  host: 10.0.0.2\n  level: lab\n  roles:\n    - db\n    - cache\nc:\n  host: 10.0.0.3\n  level: lab\n  roles: [db]\n';
  const roster = parseRoster(text, '/r/roster.yaml', { levels: [], user: 'root', port: 22, roles: ['db', 'app'] });
  t.same(roster.errors, [
    {
      code: 'ROSTER',
      file: '/r/roster.yaml',
      line: 4,
      host: 'a',
      message: "roles[1]: no role named 'web' (roles: app, db)",
    },
    {
      code: 'ROSTER',
      file: '/r/roster.yaml',
      line: 10,
      host: 'b',
      message: "roles[1]: no role named 'cache' (roles: app, db)",
    },
  ]);
  t.same(
    roster.hosts.map((h) => h.id),
    ['c'],
  );
  t.same(
    roster.rejected.map((r) => [r.id, r.level, r.roles, r.line, r.errors.length]),
    [
      ['a', 'lab', ['db', 'web'], 1, 1],
      ['b', 'lab', ['db', 'cache'], 5, 1],
    ],
    'rejected entries keep what targeting needs',
  );
  t.same(
    parseRoster(text, '/r/roster.yaml', { levels: [], user: 'root', port: 22 }).errors,
    [],
    'without role names, any name is accepted',
  );
});

t.test('transitive dependencies and depths, also through roles left out', async (t) => {
  const roles = set(
    role('app', ['db', 'cache']),
    role('db', ['base']),
    role('cache', ['base']),
    role('base'),
    role('solo'),
  );
  t.same([...transitiveDeps(roles, 'app')].sort(), ['base', 'cache', 'db']);
  t.same([...transitiveDeps(roles, 'base')], []);
  t.same(Object.fromEntries(roleDepths(roles)), { app: 2, db: 1, cache: 1, base: 0, solo: 0 });
  t.same(
    Object.fromEntries(roleDepths(roles, ['app', 'base'])),
    { app: 1, base: 0 },
    'app still comes after base without db and cache',
  );
  t.same(Object.fromEntries(roleDepths(roles, ['app', 'solo'])), { app: 0, solo: 0 });
});

t.test('count mismatches per level name the hosts the roster has', async (t) => {
  const roster = parseRoster('db1:\n  host: 10.0.0.1\n  level: prod\n  roles: [db]\n', '/r/roster.yaml', {
    levels: [],
    user: 'root',
    port: 22,
  });
  const roles = set(
    role('db', [], { count: { prod: 2, qa: 0 }, lines: { count: 4 } }),
    role('web', [], { count: { prod: 0 } }),
  );
  t.same(countMismatches(roles, roster.hosts), [
    { code: 'CONFIG', file: '/r/db.yaml', line: 4, message: 'count.prod: 2 hosts expected, the roster has 1 (db1)' },
  ]);
  const one = set(role('db', [], { count: { prod: 1 } }));
  t.same(
    countMismatches(one, []).map((e) => e.message),
    ['count.prod: 1 host expected, the roster has 0'],
  );
});
