import t from 'tap';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { loadConfig } from '../../../master/config/halite-yaml.ts';
import { jumpFor, loadRoster, parseRoster } from '../../../master/config/roster.ts';
import { shippedExample } from '../../shipped.ts';

const FILE = '/srv/halite/roster.yaml';
const OPTS = { levels: ['staging', 'production'], user: 'root', port: 22 };

t.test('a full entry, with defaults for port, user, sudo, roles and grains', async (t) => {
  const text = [
    'web1:',
    '  host: 10.77.1.5',
    '  level: staging',
    'db1.production:',
    '  host: db1.example.internal',
    '  port: 2222',
    '  user: deploy',
    '  sudo: true',
    '  level: production',
    '  roles: [db, masterdb]',
    '  jump: ops@10.77.0.9',
    '  priv: keys/db1',
    '  timeout: 30',
    '  grains: {rack: r2, disks: [sda, sdb]}',
    'v6_host:',
    '  host: "fd00::15"',
    '  level: staging',
    '  jump: false',
  ].join('\n');
  const r = parseRoster(text, FILE, OPTS);
  t.same(r.errors, []);
  t.same(r.warnings, []);
  t.same(r.hosts, [
    {
      id: 'web1',
      host: '10.77.1.5',
      port: 22,
      user: 'root',
      sudo: false,
      level: 'staging',
      roles: [],
      grains: {},
      line: 1,
    },
    {
      id: 'db1.production',
      host: 'db1.example.internal',
      port: 2222,
      user: 'deploy',
      sudo: true,
      level: 'production',
      roles: ['db', 'masterdb'],
      grains: { rack: 'r2', disks: ['sda', 'sdb'] },
      jump: { host: '10.77.0.9', port: 22, user: 'ops' },
      priv: '/srv/halite/keys/db1',
      timeout: 30,
      line: 4,
      privLine: 12,
    },
    {
      id: 'v6_host',
      host: 'fd00::15',
      port: 22,
      user: 'root',
      sudo: false,
      level: 'staging',
      roles: [],
      grains: {},
      jump: null,
      line: 15,
    },
  ]);
});

t.test('any safe level name is accepted when the configuration lists none', async (t) => {
  const r = parseRoster('a:\n  host: a.lan\n  level: qa-2\n', FILE, { ...OPTS, levels: [] });
  t.same(r.errors, []);
  t.equal(r.hosts[0].level, 'qa-2');
});

t.test('Salt roster fields without meaning here are ignored with a warning', async (t) => {
  const r = parseRoster('a:\n  host: a.lan\n  level: staging\n  passwd: hunter2\n  minion_opts: {x: 1}\n', FILE, OPTS);
  t.same(r.errors, []);
  t.equal(r.hosts.length, 1);
  t.same(r.warnings, [
    {
      code: 'ROSTER',
      file: FILE,
      line: 4,
      host: 'a',
      message: 'passwd: Salt roster field not used by halite; ignored',
    },
    {
      code: 'ROSTER',
      file: FILE,
      line: 5,
      host: 'a',
      message: 'minion_opts: Salt roster field not used by halite; ignored',
    },
  ]);
});

// [host id, fields (YAML lines under the id), line of the error, message]
const bad: Array<[string, string[], number, string]> = [
  [
    '-rf',
    ['host: a.lan', 'level: staging'],
    1,
    'host id "-rf" is not valid: use letters, digits, ".", "_" or "-", not starting with "-" or "."',
  ],
  [
    'a;b',
    ['host: a.lan', 'level: staging'],
    1,
    'host id "a;b" is not valid: use letters, digits, ".", "_" or "-", not starting with "-" or "."',
  ],
  [
    '"a b"',
    ['host: a.lan', 'level: staging'],
    1,
    'host id "a b" is not valid: use letters, digits, ".", "_" or "-", not starting with "-" or "."',
  ],
  ['h', ['level: staging'], 1, 'host: required: the address to connect to'],
  [
    'h',
    ['host: -oProxyCommand=sh', 'level: staging'],
    2,
    'host: expected a hostname or IP address, got the string "-oProxyCommand=sh"',
  ],
  [
    'h',
    ['host: "a.lan; rm -rf /"', 'level: staging'],
    2,
    'host: expected a hostname or IP address, got the string "a.lan; rm -rf /"',
  ],
  [
    'h',
    ['host: 10.77.1.300', 'level: staging'],
    2,
    'host: expected a hostname or IP address, got the string "10.77.1.300"',
  ],
  ['h', ['host: a.lan', 'level: staging', 'port: 0'], 4, 'port: expected an integer from 1 to 65535, got the number 0'],
  [
    'h',
    ['host: a.lan', 'level: staging', 'port: "22"'],
    4,
    'port: expected an integer from 1 to 65535, got the string "22"',
  ],
  [
    'h',
    ['host: a.lan', 'level: staging', 'port: 65536'],
    4,
    'port: expected an integer from 1 to 65535, got the number 65536',
  ],
  ['h', ['host: a.lan', 'level: staging', 'user: "-l"'], 4, 'user: expected a POSIX user name, got the string "-l"'],
  [
    'h',
    ['host: a.lan', 'level: staging', 'user: "ro ot"'],
    4,
    'user: expected a POSIX user name, got the string "ro ot"',
  ],
  ['h', ['host: a.lan', 'level: staging', 'sudo: "yes"'], 4, 'sudo: expected true or false, got the string "yes"'],
  ['h', ['host: a.lan'], 1, 'level: required (one of: staging, production)'],
  [
    'h',
    ['host: a.lan', 'level: prod'],
    3,
    'level: unknown level "prod" (the configuration knows: staging, production)',
  ],
  [
    'h',
    ['host: a.lan', 'level: [staging]'],
    3,
    'level: expected a level name (letters, digits, ".", "_" or "-", not starting with "-" or "."), got a list',
  ],
  ['h', ['host: a.lan', 'level: staging', 'roles: db'], 4, 'roles: expected a list of role names, got the string "db"'],
  [
    'h',
    ['host: a.lan', 'level: staging', 'roles:', '  - db', '  - "$(reboot)"'],
    6,
    'roles[1]: expected a role name (letters, digits, ".", "_" or "-", not starting with "-" or "."), got the string "$(reboot)"',
  ],
  ['h', ['host: a.lan', 'level: staging', 'grains: [a]'], 4, 'grains: expected a map of static grains, got a list'],
  [
    'h',
    ['host: a.lan', 'level: staging', 'grains:', '  roles: [masterdb]'],
    5,
    "grains.roles: set by the roster itself; use the 'roles' field",
  ],
  [
    'h',
    ['host: a.lan', 'level: staging', 'grains: {id: other}'],
    4,
    'grains.id: set by the roster itself; use the host id',
  ],
  [
    'h',
    ['host: a.lan', 'level: staging', 'jump: "x y"'],
    4,
    'jump.host: expected a hostname or IP address, got the string "x y"',
  ],
  [
    'h',
    ['host: a.lan', 'level: staging', 'jump: 5'],
    4,
    'jump: expected "[user@]host[:port]", a map {host, port, user}, or false, got the number 5',
  ],
  ['h', ['host: a.lan', 'level: staging', 'priv: 5'], 4, 'priv: expected a path to a private key, got the number 5'],
  [
    'h',
    ['host: a.lan', 'level: staging', 'timeout: 0'],
    4,
    'timeout: expected a positive number of seconds, got the number 0',
  ],
  [
    'h',
    ['host: a.lan', 'level: staging', 'role: db'],
    4,
    'role: unknown field (expected one of: host, port, user, sudo, level, roles, jump, grains, priv, priv_passwd, timeout)',
  ],
  ['h', [], 1, 'expected a map of host settings (host, level, roles, ...), got nothing'],
];

for (const [id, fields, line, message] of bad) {
  t.test(`invalid: ${message}`, async (t) => {
    const text = `good:\n  host: 10.77.1.2\n  level: staging\n${id}:${fields.length ? '\n' : ''}${fields.map((f) => `  ${f}`).join('\n')}\n`;
    const r = parseRoster(text, FILE, OPTS);
    const host = id.replace(/^"|"$/g, '');
    t.same(r.errors, [{ code: 'ROSTER', file: FILE, line: line + 3, host, message }]);
    t.same(
      r.hosts.map((h) => h.id),
      ['good'],
      'the invalid entry is left out, the valid one kept',
    );
    t.same(
      r.rejected.map((h) => [h.id, h.line, h.errors]),
      [[host, 4, r.errors]],
      'and kept apart with its errors',
    );
  });
}

t.test('the roster must be a map; YAML errors carry a line', async (t) => {
  t.same(parseRoster('- a\n', FILE, OPTS).errors, [
    { code: 'ROSTER', file: FILE, line: 1, message: 'expected a map of host id to host settings, got a list' },
  ]);
  t.same(parseRoster('', FILE, OPTS), {
    file: FILE,
    hosts: [],
    errors: [],
    warnings: [],
    lintWarnings: [],
    rejected: [],
  });
  const dup = parseRoster('a:\n  host: a.lan\n  level: staging\na:\n  host: b.lan\n', FILE, OPTS);
  t.equal(dup.errors.length, 1);
  t.equal(dup.errors[0].line, 4);
  t.equal(dup.errors[0].code, 'ROSTER');
});

t.test('jump host: the entry, else the level, else direct', async (t) => {
  const root = shippedExample();
  const { config } = loadConfig(undefined, {}, root);
  const r = parseRoster(
    'a:\n  host: a.lan\n  level: staging\nb:\n  host: b.lan\n  level: staging\n  jump: false\nc:\n  host: c.lan\n  level: staging\n  jump: j2\n',
    FILE,
    OPTS,
  );
  t.same(jumpFor(r.hosts[0], config), config.levels.staging.jump);
  t.equal(jumpFor(r.hosts[1], config), null);
  t.same(jumpFor(r.hosts[2], config), { host: 'j2', port: 22, user: 'root' });
  t.equal(jumpFor(r.hosts[0], { ...config, levels: {} }), null);
});

t.test('the shipped roster is valid and matches the role counts in roles/', async (t) => {
  const root = shippedExample();
  const { config } = loadConfig(undefined, {}, root);
  const r = loadRoster(config);
  t.same(r.errors, []);
  t.same(r.warnings, []);
  const addresses = new Set(r.hosts.map((h) => h.host));
  t.equal(addresses.size, r.hosts.length, 'addresses are unique');
  for (const h of r.hosts) t.match(h.host, /^10\.20\.\d+\.\d+$/);
  for (const file of readdirSync(join(root, 'roles'))) {
    const role = file.replace(/\.yaml$/, '');
    const { count } = parse(readFileSync(join(root, 'roles', file), 'utf8')) as { count: Record<string, number> };
    for (const [level, n] of Object.entries(count)) {
      t.equal(r.hosts.filter((h) => h.level === level && h.roles.includes(role)).length, n, `${role} in ${level}`);
    }
  }
});

t.test('a missing roster file is a roster error', async (t) => {
  const { config } = loadConfig(undefined, {}, '/nonexistent-dir');
  const r = loadRoster(config);
  t.same(r.errors, [
    { code: 'ROSTER', message: 'cannot read roster: no such file', file: '/nonexistent-dir/roster.yaml' },
  ]);
});

t.test("a Salt roster's YAML 1.1 booleans: read as PyYAML reads them, each noted for lint", async (t) => {
  const text = [
    'a:',
    '  host: a.lan',
    '  level: staging',
    '  sudo: yes',
    'b:',
    '  host: b.lan',
    '  level: staging',
    '  sudo: Off',
    'c:',
    '  host: c.lan',
    '  level: staging',
    '  sudo: ON',
    '  tty: on',
    '',
  ].join('\n');
  const r = parseRoster(text, FILE, OPTS);
  t.same(r.errors, []);
  t.same(
    r.hosts.map((h) => [h.id, h.sudo]),
    [
      ['a', true],
      ['b', false],
      ['c', true],
    ],
  );
  t.same(r.lintWarnings, [
    {
      code: 'ROSTER',
      file: FILE,
      line: 4,
      host: 'a',
      message:
        'sudo: "yes" is a YAML 1.1 boolean (true), read as Salt reads it; write true: YAML 1.2 reads it as a string',
    },
    {
      code: 'ROSTER',
      file: FILE,
      line: 8,
      host: 'b',
      message:
        'sudo: "Off" is a YAML 1.1 boolean (false), read as Salt reads it; write false: YAML 1.2 reads it as a string',
    },
    {
      code: 'ROSTER',
      file: FILE,
      line: 12,
      host: 'c',
      message:
        'sudo: "ON" is a YAML 1.1 boolean (true), read as Salt reads it; write true: YAML 1.2 reads it as a string',
    },
  ]);
  // tty is a Salt field halite does not use: ignored with its usual warning, whatever its value
  t.match(r.warnings, [{ host: 'c', message: 'tty: Salt roster field not used by halite; ignored' }]);
  // true and false are no news
  t.same(parseRoster('a:\n  host: a.lan\n  level: staging\n  sudo: true\n', FILE, OPTS).lintWarnings, []);
});

t.test('what PyYAML does not read as a boolean stays an error: y, n, a quoted "no"', async (t) => {
  for (const v of ['y', 'n', 'Y', '"no"', "'on'", 'yess', '1']) {
    const r = parseRoster(`a:\n  host: a.lan\n  level: staging\n  sudo: ${v}\n`, FILE, OPTS);
    t.match(r.errors, [{ line: 4, message: /^sudo: expected true or false, got the (string|number) / }], v);
    t.same(r.hosts, [], v);
  }
});

t.test("priv_passwd: the passphrase of the entry's priv, never quoted back", async (t) => {
  const ok = parseRoster('a:\n  host: a.lan\n  level: staging\n  priv: /k\n  priv_passwd: s3cret words\n', FILE, OPTS);
  t.same(ok.errors, []);
  t.equal(ok.hosts[0].privPasswd, 's3cret words');
  const alone = parseRoster('a:\n  host: a.lan\n  level: staging\n  priv_passwd: s3cret words\n', FILE, OPTS);
  t.match(alone.errors, [
    { line: 4, message: /^priv_passwd: the passphrase of this entry's priv key, which it does not set/ },
  ]);
  const number = parseRoster('a:\n  host: a.lan\n  level: staging\n  priv: /k\n  priv_passwd: 123456\n', FILE, OPTS);
  t.match(number.errors, [{ line: 5, message: 'priv_passwd: expected the passphrase of priv as a string' }]);
  t.notMatch(JSON.stringify([alone.errors, number.errors]), /s3cret|123456/);
});
