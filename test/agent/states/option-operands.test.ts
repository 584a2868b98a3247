// Every argv a state builds from its arguments: a value that starts with '-' reaches the tool
// after `--` (an operand, never an option), or the state refuses it before any command runs.
// The commands are recorded, not run, so each state is driven through check and apply as is.
import t from 'tap';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeContext, silentLogger } from '../../../agent/states/context.ts';
import { stateFunction } from '../../../agent/states/index.ts';
import type { RunResult, Runner } from '../../../agent/process/run.ts';
import type { StateArgs } from '../../../agent/states/types.ts';

interface Case {
  state: string;
  args: StateArgs;
  /** The hostile value as it appears in an argv (whole, or inside a `name=value` word). */
  value: string;
  /**
   * operand: it reaches a command after `--`; refused: the state fails and no command carries it;
   * none: the state writes files itself and runs no command with it.
   */
  expect: 'operand' | 'refused' | 'none';
  /** Run on the host root ('/') instead of a temporary one (commands are only recorded). */
  hostRoot?: boolean;
}

const ACCOUNTS = {
  passwd: 'root:x:0:0:root:/root:/bin/bash\n-o:x:1001:1001::/home/x:/bin/sh\n',
  group: 'root:x:0:\n-o:x:1001:\n',
  shadow: 'root:*:19000:0:99999:7:::\n-o:!:19000:0:99999:7:::\n',
  gshadow: 'root:*::\n-o:!::\n',
};

const CASES: Case[] = [
  { state: 'user.present', args: { name: '-n' }, value: '-n', expect: 'operand' },
  { state: 'user.present', args: { name: '-o', shell: '/bin/bash' }, value: '-o', expect: 'operand' },
  { state: 'user.present', args: { name: '-o', empty_password: true }, value: '-o', expect: 'operand' },
  {
    state: 'user.present',
    args: { name: '-x', empty_password: true, createhome: false },
    value: '-x',
    expect: 'operand',
  },
  { state: 'user.absent', args: { name: '-o', purge: true }, value: '-o', expect: 'operand' },
  { state: 'group.present', args: { name: '-g' }, value: '-g', expect: 'operand' },
  { state: 'group.present', args: { name: '-o', gid: 1500 }, value: '-o', expect: 'operand' },
  { state: 'group.present', args: { name: '-o', members: ['root'] }, value: '-o', expect: 'operand' },
  { state: 'group.present', args: { name: '-o', addusers: ['root'] }, value: '-o', expect: 'operand' },
  { state: 'group.absent', args: { name: '-o' }, value: '-o', expect: 'operand' },
  { state: 'pkg.installed', args: { name: '-oAPT::x=1' }, value: '-oAPT::x=1', expect: 'refused' },
  { state: 'pkg.installed', args: { name: 'x', pkgs: ['--reinstall'] }, value: '--reinstall', expect: 'refused' },
  { state: 'pkg.removed', args: { name: '-s' }, value: '-s', expect: 'refused' },
  { state: 'service.running', args: { name: '-f' }, value: '-f', expect: 'refused' },
  { state: 'service.running', args: { name: '../../bin/touch' }, value: '../../bin/touch', expect: 'refused' },
  { state: 'service.enabled', args: { name: '-f' }, value: '-f', expect: 'refused' },
  { state: 'service.dead', args: { name: '-f' }, value: '-f', expect: 'refused' },
  {
    state: 'git.latest',
    args: { name: '--upload-pack=touch /tmp/pwned', target: '/srv/x' },
    value: '--upload-pack=touch /tmp/pwned',
    expect: 'operand',
  },
  {
    state: 'git.latest',
    args: { name: 'https://example.invalid/r.git', target: '/srv/x', remote: '--upload-pack=x' },
    value: '--upload-pack=x',
    expect: 'refused',
  },
  {
    state: 'git.latest',
    args: { name: 'https://example.invalid/r.git', target: '/srv/x', branch: '-f' },
    value: '-f',
    expect: 'refused',
  },
  { state: 'cron.present', args: { name: 'true', user: '-r' }, value: '-r', expect: 'refused' },
  { state: 'sysctl.present', args: { name: '-a', value: '1' }, value: '-a', expect: 'refused', hostRoot: true },
  { state: 'cmd.run', args: { name: 'true', root: '-x' }, value: '-x', expect: 'operand' },
  {
    state: 'ssh_auth.present',
    args: { name: 'AAAAB3NzaC1yc2E', enc: 'ssh-rsa', user: '-o' },
    value: '-o',
    expect: 'none',
  },
  { state: 'host.present', args: { name: '-o', ip: '10.0.0.9' }, value: '-o', expect: 'none' },
  {
    state: 'pkgrepo.managed',
    args: { name: 'deb http://example.invalid/debian -o main', file: '/etc/apt/sources.list.d/x.list', refresh: false },
    value: '-o',
    expect: 'none',
  },
  {
    state: 'debconf.set',
    args: { name: '-x pkg', data: { 'x/y': { type: 'string', value: 'v' } } },
    value: '-x',
    expect: 'refused',
  },
];

function tempRoot(): string {
  const root = mkdtempSync(join(tmpdir(), 'halite-operands-'));
  mkdirSync(join(root, 'etc'));
  mkdirSync(join(root, 'home'));
  for (const [f, text] of Object.entries(ACCOUNTS)) writeFileSync(join(root, 'etc', f), text);
  return root;
}

/** Where `value` sits in argv (whole word or inside one), -1 when absent. */
const at = (argv: string[], value: string): number => argv.findIndex((a) => a === value || a.endsWith(`=${value}`));

for (const c of CASES) {
  t.test(`${c.state} ${JSON.stringify(c.args)}: ${c.expect}`, async (t) => {
    const root = c.hostRoot ? '/' : tempRoot();
    if (!c.hostRoot) t.teardown(() => rmSync(root, { recursive: true, force: true }));
    const seen: string[][] = [];
    const record: Runner = async (argv) => {
      seen.push(argv);
      const ok: RunResult = { argv, code: 0, stdout: '', stderr: '', timedOut: false, pid: 1 };
      return ok;
    };
    const [mod, fun] = c.state.split('.');
    const fn = stateFunction(mod, fun);
    if (!fn) throw new Error(`no ${c.state}`);
    const ctx = makeContext({ root, run: record, log: silentLogger });
    let plan;
    let outcome;
    try {
      plan = await fn.check(c.args, ctx);
      if (plan.status === 'pending') outcome = await fn.apply(plan, ctx);
    } catch (e) {
      outcome = { result: false, comment: (e as Error).message };
    }
    const carrying = seen.filter((argv) => at(argv, c.value) >= 0);
    if (c.expect === 'none') {
      t.same(carrying, [], `no command carries the value (${JSON.stringify(outcome)})`);
    } else if (c.expect === 'refused') {
      t.equal(plan?.status, 'failed', 'the state fails');
      t.match(plan?.comment, /would be read as an option|Invalid/);
      t.same(carrying, [], 'no command carries the value');
    } else {
      t.ok(carrying.length > 0, `a command carries the value: ${JSON.stringify(seen)} ${JSON.stringify(outcome)}`);
      for (const argv of carrying) {
        const dash = argv.indexOf('--');
        t.ok(dash >= 0 && dash < at(argv, c.value), `after -- in ${JSON.stringify(argv)}`);
      }
    }
  });
}

t.test('real useradd reads a name "-o" as a user name, not as its -o option', async (t) => {
  const root = tempRoot();
  t.teardown(() => rmSync(root, { recursive: true, force: true }));
  const fn = stateFunction('user', 'present');
  if (!fn) throw new Error('no user.present');
  const ctx = makeContext({ root, log: silentLogger });
  const out = await fn.apply(await fn.check({ name: '-n', createhome: false }, ctx), ctx);
  t.equal(out.result, false);
  t.match(out.comment, /invalid user name '-n'/, 'useradd itself refused the name');
});
