import t from 'tap';
import { parseConfig } from '../../../master/config/halite-yaml.ts';

const FILE = '/srv/halite/halite.yaml';
const parse = (text: string) => parseConfig(text, FILE);

t.test('schedules: each entry read with its defaults (test mode, no splay, every role of the level)', async (t) => {
  const text = [
    'levels:',
    '  staging: {}',
    '  production: {}',
    'schedules:',
    '  - name: drift-check',
    '    level: production',
    "    cron: '*/15 * * * *'",
    '  - name: nightly',
    '    level: staging',
    '    roles: [web, cache]',
    "    cron: '0   3 * * *'",
    '    mode: apply',
    '    splay: 300',
    '  - name: fast',
    '    level: staging',
    '    role: web',
    "    cron: '*/20 * * * * *'",
  ].join('\n');
  const { config, errors } = parse(text);
  t.same(errors, []);
  t.same(config.schedules, [
    { name: 'drift-check', level: 'production', roles: [], cron: '*/15 * * * *', mode: 'test', splay: 0, line: 5 },
    {
      name: 'nightly',
      level: 'staging',
      roles: ['web', 'cache'],
      cron: '0 3 * * *',
      mode: 'apply',
      splay: 300,
      line: 8,
    },
    { name: 'fast', level: 'staging', roles: ['web'], cron: '*/20 * * * * *', mode: 'test', splay: 0, line: 14 },
  ]);
});

t.test('schedules: none by default', async (t) => {
  t.same(parse('').config.schedules, []);
  t.same(parse('schedules: []').config.schedules, []);
});

const bad: [string, number, string][] = [
  [
    'schedules: {a: 1}',
    1,
    'schedules: expected a list of schedules {name, level, role(s), cron, mode, splay}, got a map',
  ],
  [
    'schedules:\n  - nightly',
    2,
    'schedules[0]: expected a map {name, level, role(s), cron, mode, splay}, got the string "nightly"',
  ],
  ["schedules:\n  - name: a\n    cron: '* * * * *'", 2, "schedules[0]: schedule needs 'level'"],
  ['schedules:\n  - name: a\n    level: l', 2, "schedules[0]: schedule needs 'cron'"],
  [
    "schedules:\n  - name: a\n    level: l\n    cron: '61 * * * *'",
    4,
    "schedules[0].cron: not a valid cron expression '61 * * * *': minute: 61 is a invalid expression for minute",
  ],
  [
    "schedules:\n  - name: a\n    level: l\n    cron: 'every day'",
    4,
    "schedules[0].cron: not a valid cron expression 'every day': expected 5 or 6 fields but got 2",
  ],
  [
    "schedules:\n  - name: a\n    level: l\n    cron: '* * * * *'\n    mode: fix",
    5,
    "schedules[0].mode: expected 'apply' (converge) or 'test' (report drift, change nothing), got the string \"fix\"",
  ],
  [
    "schedules:\n  - name: a\n    level: l\n    cron: '* * * * *'\n    splay: 7200",
    5,
    'schedules[0].splay: expected a whole number of seconds from 0 to 3600, got the number 7200',
  ],
  [
    "schedules:\n  - name: a\n    level: l\n    cron: '* * * * *'\n    splay: -1",
    5,
    'schedules[0].splay: expected a whole number of seconds from 0 to 3600, got the number -1',
  ],
  [
    "schedules:\n  - name: a\n    level: l\n    cron: '* * * * *'\n    role: web\n    roles: [db]",
    6,
    'schedules[0].roles: set role or roles, not both',
  ],
  [
    "schedules:\n  - name: a\n    level: l\n    cron: '* * * * *'\n    roles: []",
    5,
    'schedules[0].roles: expected a non-empty list of role names, got a list',
  ],
  [
    "schedules:\n  - name: '-x'\n    level: l\n    cron: '* * * * *'",
    2,
    'schedules[0].name: expected a schedule name (letters, digits, ".", "_" or "-", not starting with "-" or "."), got the string "-x"',
  ],
  [
    "schedules:\n  - name: a\n    level: l\n    cron: '* * * * *'\n    when: now",
    5,
    'schedules[0].when: unknown field (expected one of: name, level, role, roles, cron, mode, splay)',
  ],
  [
    "levels:\n  prod: {}\nschedules:\n  - name: a\n    level: staging\n    cron: '* * * * *'",
    5,
    "schedules[0].level: unknown level 'staging' (levels: prod)",
  ],
];

for (const [text, line, message] of bad) {
  t.test(`invalid: ${message}`, async (t) => {
    const { config, errors } = parse(text);
    t.same(errors, [{ code: 'CONFIG', file: FILE, line, message }]);
    t.same(config.schedules, [], 'an invalid entry is not kept');
  });
}

t.test('invalid: a name used twice points at the first', async (t) => {
  const text =
    "schedules:\n  - name: a\n    level: l\n    cron: '* * * * *'\n  - name: a\n    level: m\n    cron: '* * * * *'";
  const { config, errors } = parse(text);
  t.same(
    errors.map((e) => [e.line, e.message]),
    [[5, "schedules[1].name: schedule 'a' is already defined at line 2"]],
  );
  t.same(
    config.schedules.map((s) => s.level),
    ['l'],
  );
});
