// user.* and group.*: the commands built (always), and real useradd/groupadd against a
// temporary root through --prefix when HALITE_REAL_SYSTEM=1 (they need root).
import t from 'tap';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeContext, silentLogger } from '../../../../agent/states/context.ts';
import { run as realRun, type Runner } from '../../../../agent/process/run.ts';
import * as user from '../../../../agent/states/user.ts';
import * as group from '../../../../agent/states/group.ts';
import type { UserOps } from '../../../../agent/states/user.ts';
import type { GroupOps } from '../../../../agent/states/group.ts';

const PASSWD = 'root:x:0:0:root:/root:/bin/bash\ndeploy:x:1000:1000:Deploy,,,:/home/deploy:/bin/bash\n';
const GROUP = 'root:x:0:\nadm:x:4:\nwww-data:x:33:deploy\ndeploy:x:1000:\n';
const SHADOW = 'root:*:19000:0:99999:7:::\ndeploy:!:19000:0:99999:7:::\n';

function tempRoot(t: { teardown(fn: () => unknown): void }): string {
  const root = mkdtempSync(join(tmpdir(), 'halite-user-'));
  t.teardown(() => rmSync(root, { recursive: true, force: true }));
  mkdirSync(join(root, 'etc'));
  mkdirSync(join(root, 'home'));
  writeFileSync(join(root, 'etc/passwd'), PASSWD);
  writeFileSync(join(root, 'etc/group'), GROUP);
  writeFileSync(join(root, 'etc/shadow'), SHADOW, { mode: 0o640 });
  // useradd --prefix reads login.defs under the prefix (USERGROUPS_ENAB, id ranges).
  if (existsSync('/etc/login.defs')) copyFileSync('/etc/login.defs', join(root, 'etc/login.defs'));
  writeFileSync(join(root, 'etc/gshadow'), 'root:*::\nadm:*::\nwww-data:*::deploy\ndeploy:!::\n', { mode: 0o640 });
  return root;
}

t.test('useradd argv for a new user', async (t) => {
  const root = tempRoot(t);
  const ctx = makeContext({ root, log: silentLogger });
  const plan = await user.present.check(
    {
      name: 'app',
      uid: 1500,
      gid: 'www-data',
      groups: ['adm'],
      home: '/srv/app',
      shell: '/bin/sh',
      system: true,
      fullname: 'App',
      password: '$6$x$y',
    },
    ctx,
  );
  t.equal(plan.status, 'pending');
  const ops = plan.ops as UserOps;
  t.same(ops.cmds[0].argv, [
    'useradd',
    '--prefix',
    root,
    '-s',
    '/bin/sh',
    '-u',
    '1500',
    '-g',
    'www-data',
    '-m',
    '-d',
    '/srv/app',
    '-r',
    '-c',
    'App',
    '-G',
    'adm',
    '--',
    'app',
  ]);
  t.same(ops.cmds[1].argv, ['usermod', '--prefix', root, '-p', '$6$x$y', '--', 'app'], 'hash set after creation');
  const onHost = await user.present.check(
    { name: 'app', password: '$6$x$y', createhome: false },
    makeContext({ log: silentLogger, root: '/' }),
  );
  const hostOps = onHost.ops;
  if (hostOps?.create) {
    t.same(hostOps.cmds[0].argv, ['useradd', '-M', '--', 'app']);
    t.same(
      hostOps.cmds[1],
      { argv: ['chpasswd', '-e'], input: 'app:$6$x$y\n' },
      'on a host the hash goes through stdin, not argv',
    );
  }
});

t.test('usermod argv for changes; groups kept with remove_groups false', async (t) => {
  const root = tempRoot(t);
  mkdirSync(join(root, 'home/deploy'));
  const ctx = makeContext({ root, log: silentLogger });
  const plan = await user.present.check(
    { name: 'deploy', shell: '/bin/zsh', groups: ['adm'], fullname: 'Deployer', password: '$6$a$b' },
    ctx,
  );
  t.same(
    (plan.ops as UserOps).cmds.map((c) => c.argv),
    [
      ['usermod', '--prefix', root, '-s', '/bin/zsh', '-c', 'Deployer', '-G', 'adm', '--', 'deploy'],
      ['usermod', '--prefix', root, '-p', '$6$a$b', '--', 'deploy'],
    ],
  );
  const add = await user.present.check({ name: 'deploy', groups: ['adm'], remove_groups: false }, ctx);
  t.same(
    (add.ops as UserOps).cmds.map((c) => c.argv),
    [['usermod', '--prefix', root, '-a', '-G', 'adm', '--', 'deploy']],
  );
  t.match(await user.present.check({ name: 'deploy', groups: ['www-data'] }, ctx), { status: 'converged' });
  t.match(await user.absent.check({ name: 'deploy', purge: true }, ctx), {
    ops: { argv: ['userdel', '--prefix', root, '-r', '--', 'deploy'] },
  });
});

t.test('groupadd / groupmod argv', async (t) => {
  const root = tempRoot(t);
  const ctx = makeContext({ root, log: silentLogger });
  const add = await group.present.check({ name: 'ops', gid: 2000, system: true, members: ['deploy', 'root'] }, ctx);
  t.same(
    (add.ops as GroupOps).cmds.map((c) => c.argv),
    [
      ['groupadd', '--prefix', root, '-g', '2000', '-r', '--', 'ops'],
      ['groupmod', '--prefix', root, '-U', 'deploy,root', '--', 'ops'],
    ],
  );
  const mod = await group.present.check({ name: 'www-data', addusers: ['root'], delusers: ['deploy'] }, ctx);
  t.same(
    (mod.ops as GroupOps).cmds.map((c) => c.argv),
    [['groupmod', '--prefix', root, '-U', 'root', '--', 'www-data']],
  );
  const host = makeContext({ root: '/', log: silentLogger });
  const onHost = await group.present.check({ name: 'halite-nonexistent-group', members: ['root', 'daemon'] }, host);
  t.same(
    (onHost.ops as GroupOps).cmds.map((c) => c.argv),
    [
      ['groupadd', '--', 'halite-nonexistent-group'],
      ['gpasswd', '-M', 'root,daemon', '--', 'halite-nonexistent-group'],
    ],
  );
  const addOnHost = await group.present.check({ name: 'root', addusers: ['daemon'] }, host);
  t.same(
    (addOnHost.ops as GroupOps).cmds.map((c) => c.argv),
    [['gpasswd', '-a', 'daemon', '--', 'root']],
    'on the host, gpasswd keeps gshadow in step',
  );
});

const real = process.env.HALITE_REAL_SYSTEM === '1' && process.getuid?.() === 0;

t.test(
  'real: create, modify and remove a user and a group under a temporary root',
  { skip: !real && 'set HALITE_REAL_SYSTEM=1 (as root)' },
  async (t) => {
    const root = tempRoot(t);
    const calls: string[][] = [];
    const run: Runner = (argv, opts) => (calls.push(argv), realRun(argv, opts));
    const ctx = makeContext({ root, run, log: silentLogger });
    const converge = async <O>(
      fn: { check: typeof user.present.check; apply: typeof user.present.apply },
      args: Record<string, unknown> & { name: string },
    ) => {
      const plan = await fn.check(args, ctx);
      const out = plan.status === 'pending' ? await fn.apply(plan, ctx) : undefined;
      return { plan, out, again: await fn.check(args, ctx) } as {
        plan: typeof plan;
        out?: O & { result?: boolean; changes: Record<string, unknown>; comment: string };
        again: typeof plan;
      };
    };

    const g = await converge(group.present as never, { name: 'ops', gid: 2100, members: ['deploy'] });
    t.match(g.out, { changes: { name: 'ops', gid: 2100, members: ['deploy'] }, comment: 'New group ops created' });
    t.equal(g.again.status, 'converged');

    const u = await converge(user.present as never, {
      name: 'app',
      uid: 1600,
      groups: ['ops'],
      shell: '/bin/sh',
      fullname: 'App User',
      password: '$6$salt$abc',
    });
    t.match(u.out, {
      changes: {
        name: 'app',
        uid: 1600,
        shell: '/bin/sh',
        fullname: 'App User',
        groups: ['app', 'ops'],
        password: 'XXX-REDACTED-XXX',
      },
      comment: 'New user app created',
    });
    t.equal(u.again.status, 'converged', JSON.stringify(u.again));
    t.ok(statSync(join(root, 'home/app')).isDirectory(), 'home created');
    t.match(readFileSync(join(root, 'etc/shadow'), 'utf8'), /^app:\$6\$salt\$abc:/m);

    const m = await converge(user.present as never, {
      name: 'app',
      shell: '/bin/bash',
      groups: [],
      password: '$6$salt$def',
    });
    t.same(m.out, {
      changes: { shell: '/bin/bash', groups: ['app'], passwd: 'XXX-REDACTED-XXX' },
      comment: 'Updated user app',
    });
    t.equal(m.again.status, 'converged');

    const gm = await converge(group.present as never, { name: 'ops', members: ['root'] });
    t.same(gm.out, {
      changes: { Final: 'All changes applied successfully' },
      comment: "The following group attributes are set to be changed:\nmembers: ['root']\n",
    });

    const ua = await converge(user.absent as never, { name: 'app', purge: true });
    t.same(ua.out, { changes: { 'app group': 'removed', app: 'removed' }, comment: 'Removed user app' });
    const ga = await converge(group.absent as never, { name: 'ops' });
    t.same(ga.out, { changes: { ops: '' }, comment: 'Removed group ops' });
    t.equal(ga.again.comment, 'Group not present');
  },
);
