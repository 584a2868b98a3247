// `halite lint` in-process: it checks halite.yaml, the roles and the roster as a job does, each
// error at the line to fix, and exits non-zero.
import t from 'tap';
import { join } from 'node:path';
import { halite, workspaceDir } from '../cli-workspace.ts';

const GOOD: Record<string, string> = {
  'halite.yaml': 'levels:\n  staging: {}\n  production: {}\n',
  'roster.yaml':
    'web1:\n  host: 10.0.1.1\n  level: production\n  roles: [web]\ndb1:\n  host: 10.0.1.2\n  level: staging\n  roles:\n    - db\n',
  'roles/web.yaml': 'description: web\ndepends_on: [db]\n',
  'roles/db.yaml': 'description: db\n',
  'states/top.sls': "base:\n  '*':\n    - common\n",
  'states/common.sls': 'hello:\n  test.succeed_without_changes: []\n',
};

async function lint(files: Record<string, string>, args: string[] = []) {
  const dir = workspaceDir(t, 'lint', { ...GOOD, ...files });
  return { dir, ...(await halite(dir, ['lint', ...args])) };
}

t.test('a clean tree', async (t) => {
  const r = await lint({});
  t.equal(r.code, 0, r.out + r.err);
  t.equal(r.out, 'lint: 2 hosts, no errors\n');
});

t.test('a roster host with an unknown role: exit 5, at the line of the role', async (t) => {
  const flow = await lint({ 'roster.yaml': GOOD['roster.yaml'].replace('roles: [web]', 'roles: [web, cahce]') });
  t.equal(flow.code, 5);
  t.equal(
    flow.out,
    [
      `web1: ${join(flow.dir, 'roster.yaml')}:4: roles[1]: no role named 'cahce' (roles: db, web) (ROSTER)`,
      'lint: 2 hosts, 1 with errors; 1 error in total',
      '',
    ].join('\n'),
  );
  const block = await lint({ 'roster.yaml': GOOD['roster.yaml'].replace('    - db\n', '    - db\n    - dbb\n') });
  t.equal(block.code, 5);
  t.match(
    block.out,
    `db1: ${join(block.dir, 'roster.yaml')}:10: roles[1]: no role named 'dbb' (roles: db, web) (ROSTER)\n`,
  );
});

t.test('a bad depends_on: exit 5, at its line in the role file', async (t) => {
  const r = await lint({ 'roles/web.yaml': 'description: web\n\ndepends_on: [db, dbs]\n' });
  t.equal(r.code, 5);
  t.equal(
    r.out,
    [
      `${join(r.dir, 'roles/web.yaml')}:3: depends_on: no role named 'dbs' (roles: db, web) (CONFIG)`,
      'lint: 2 hosts, 0 with errors; 1 error in total',
      '',
    ].join('\n'),
  );
  const block = await lint({ 'roles/web.yaml': 'description: web\ndepends_on:\n  - db\n  - dbs\n' });
  t.equal(block.code, 5);
  t.match(
    block.out,
    `${join(block.dir, 'roles/web.yaml')}:4: depends_on: no role named 'dbs'`,
    'at the line of the name in a block list',
  );
  const cyc = await lint({ 'roles/db.yaml': 'description: db\ndepends_on: [web]\n' });
  t.equal(cyc.code, 5);
  t.match(cyc.out, `${join(cyc.dir, 'roles/db.yaml')}:2: depends_on: dependency cycle: db -> web -> db (CONFIG)\n`);
});

t.test("a bad halite.yaml key: exit 5, at the key's line", async (t) => {
  const unknown = await lint({ 'halite.yaml': GOOD['halite.yaml'] + 'concurency: 4\n' });
  t.equal(unknown.code, 5);
  t.equal(
    unknown.err,
    `${join(unknown.dir, 'halite.yaml')}:4: concurency: unknown field (expected one of: states, pillar, private_pillar, roles, roster, jobs_db, ssh, levels, concurrency, agent_linger, host_timeout, host_idle_timeout, host_max_line, host_max_output, jobs, schedules, state_auto_order, file_roots) (CONFIG)\n`,
  );
  const nested = await lint({ 'halite.yaml': 'levels:\n  staging: {}\n  production:\n    jmp: 10.0.0.1\n' });
  t.equal(nested.code, 5);
  t.match(
    nested.err,
    `${join(nested.dir, 'halite.yaml')}:4: levels.production.jmp: unknown field (expected one of: jump) (CONFIG)\n`,
  );
  const yaml = await lint({ 'roster.yaml': 'web1: [\n' });
  t.equal(yaml.code, 5, 'a roster file that is not YAML');
  t.match(yaml.err, /roster\.yaml:\d+: YAML error/);
  const level = await lint({ 'halite.yaml': 'levels:\n  staging: {}\n', 'roster.yaml': GOOD['roster.yaml'] });
  t.equal(level.code, 5, 'a level halite.yaml does not know');
  t.match(
    level.out,
    `web1: ${join(level.dir, 'roster.yaml')}:3: level: unknown level "production" (the configuration knows: staging) (ROSTER)\n`,
  );
});

t.test('roles/ missing: one error, not one per host', async (t) => {
  const withoutRoles = Object.fromEntries(Object.entries(GOOD).filter(([path]) => !path.startsWith('roles/')));
  const dir = workspaceDir(t, 'lint', withoutRoles);
  const r = await halite(dir, ['lint']);
  t.equal(r.code, 5);
  t.equal(
    r.out,
    `${join(dir, 'roles')}: cannot read roles: no such directory (CONFIG)\nlint: 2 hosts, 0 with errors; 1 error in total\n`,
  );
});

// Salt compiles an unknown state function and fails that state when it runs; lint warns, and
// --strict makes the warning an error.
t.test('an unknown state function: a warning (exit 0), an error with --strict', async (t) => {
  const files = { 'states/common.sls': 'hello:\n  test.succeed_without_changes: []\nvim:\n  pkg.instaled: []\n' };
  const r = await lint(files);
  t.equal(r.code, 0, r.out + r.err);
  t.match(
    r.out,
    /^warning: [^\n]*common\.sls:3: [^\n]*State 'pkg\.instaled' was not found in SLS 'common'[^\n]*installed/m,
  );
  t.match(r.out, /\(2 hosts: web1, db1\)/, 'grouped across hosts');
  t.match(r.out, /lint: 2 hosts, no errors; 1 warning\n$/);
  const strict = await lint(files, ['--strict']);
  t.not(strict.code, 0);
  t.notMatch(strict.out, /^warning:/m);
  t.match(strict.out, /lint: 2 hosts, 2 with errors; 1 error in total\n$/);
});

t.test(
  'schedules: a bad cron expression at its line; an unknown role is an error, a level without hosts a warning',
  async (t) => {
    const base = GOOD['halite.yaml'] + 'schedules:\n';
    const cron = await lint({
      'halite.yaml': base + "  - name: nightly\n    level: staging\n    cron: '0 25 * * *'\n",
    });
    t.equal(cron.code, 5);
    t.equal(
      cron.err,
      `${join(cron.dir, 'halite.yaml')}:7: schedules[0].cron: not a valid cron expression '0 25 * * *': hour: 25 is a invalid expression for hour (CONFIG)\n`,
    );

    const role = await lint({
      'halite.yaml': base + "  - name: nightly\n    level: production\n    roles: [web, wbe]\n    cron: '0 3 * * *'\n",
    });
    t.equal(role.code, 5, role.out + role.err);
    t.match(
      role.out,
      `${join(role.dir, 'halite.yaml')}:5: schedule nightly: no such role: wbe (roles: db, web) (CONFIG)`,
    );

    const empty = await lint({
      'halite.yaml': base + "  - name: nightly\n    level: production\n    role: db\n    cron: '0 3 * * *'\n",
    });
    t.equal(empty.code, 0, empty.out + empty.err);
    t.match(
      empty.out,
      /^warning: [^\n]*halite\.yaml:5: schedule nightly: no roster host of level production with role db: its runs do nothing/m,
    );
    t.match(empty.out, /lint: 2 hosts, no errors; 1 warning\n$/);
    t.not(
      (
        await lint(
          { 'halite.yaml': base + "  - name: nightly\n    level: production\n    role: db\n    cron: '0 3 * * *'\n" },
          ['--strict'],
        )
      ).code,
      0,
      'an error with --strict',
    );
  },
);

t.test("a Salt roster's `sudo: yes`: accepted, a warning that it is a YAML 1.1 boolean; --strict fails", async (t) => {
  const roster = GOOD['roster.yaml'].replace('  roles: [web]\n', '  roles: [web]\n  sudo: yes\n');
  const r = await lint({ 'roster.yaml': roster });
  t.equal(r.code, 0, r.out + r.err);
  t.match(
    r.out,
    `web1: ${join(r.dir, 'roster.yaml')}:5: sudo: "yes" is a YAML 1.1 boolean (true), read as Salt reads it; ` +
      'write true: YAML 1.2 reads it as a string',
  );
  t.match(r.out, /lint: 2 hosts, no errors; 1 warning\n$/);
  const strict = await lint({ 'roster.yaml': roster }, ['--strict']);
  t.equal(strict.code, 5, strict.out);
  // a job reads it without a word
  const show = await halite(r.dir, ['show', 'pillar', '--host', 'web1']);
  t.equal(show.code, 0, show.err);
  t.notMatch(show.err, /YAML 1\.1/);
});
