// `halite hosts`, in-process on a copy of the shipped example fleet and on small rosters, each in a
// temporary directory.
import t from 'tap';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { main, reportFailure } from '../../../master/cli.ts';
import type { CliIo, CommandContext } from '../../../master/output/cli-io.ts';
import { describeLastRun, formatHostsTable, type HostsHooks, registerHosts } from '../../../master/commands/hosts.ts';
import { addTargetOptions, applyTargetOptions, batchOption } from '../../../master/commands/target-options.ts';
import { CliError } from '../../../master/cli-error.ts';
import { shippedExample } from '../../shipped.ts';

const ROOT = shippedExample();

function capture(cwd = ROOT): CliIo & { out: string; err: string } {
  const io = {
    out: '',
    err: '',
    env: {},
    cwd,
    stdout: (s: string) => void (io.out += s),
    stderr: (s: string) => void (io.err += s),
  };
  return io;
}

async function halite(args: string[], cwd = ROOT) {
  const io = capture(cwd);
  const code = await main(args, io);
  return { code, out: io.out, err: io.err };
}

const made: string[] = [];
t.teardown(() => made.forEach((d) => rmSync(d, { recursive: true, force: true })));

function tree(roster: string, config = 'levels:\n  lab:\n    jump: ops@10.9.0.1:2222\n  edge: {}\n'): string {
  const dir = mkdtempSync(join(tmpdir(), 'halite-hosts-'));
  made.push(dir);
  mkdirSync(join(dir, 'states'));
  writeFileSync(join(dir, 'halite.yaml'), config);
  writeFileSync(join(dir, 'roster.yaml'), roster);
  return dir;
}

t.test('the shipped fleet: --level staging --role memcache selects exactly memcache1.staging', async (t) => {
  const r = await halite(['hosts', '--level', 'staging', '--role', 'memcache']);
  t.equal(r.code, 0);
  t.equal(r.err, '');
  t.equal(
    r.out,
    [
      'ID                 LEVEL    ROLES     ADDRESS     JUMP',
      'memcache1.staging  staging  memcache  10.20.1.15  root@10.20.1.1',
      '',
    ].join('\n'),
  );
});

t.test('no targeting lists the whole roster in roster order', async (t) => {
  const r = await halite(['hosts', '--out', 'json']);
  t.equal(r.code, 0);
  const rows = JSON.parse(r.out) as { id: string }[];
  t.equal(rows.length, 24);
  t.same(
    rows.slice(0, 2).map((x) => x.id),
    ['sources1.staging', 'mail1.staging'],
  );
  t.equal(rows[23].id, 'app4.production');
});

t.test('repeatable and comma-separated values; compound targets; JSON and YAML rows', async (t) => {
  const r = await halite(['hosts', '--out', 'json', '--host', 'db1.staging,app[24].production', '--host', 'elastic3*']);
  t.same(
    JSON.parse(r.out).map((x: { id: string }) => x.id),
    ['db1.staging', 'elastic3.production', 'app2.production', 'app4.production'],
  );
  const c = await halite(['hosts', '--out', 'json', '--target', 'G@roles:db and not db2*', '--level', 'production']);
  t.same(JSON.parse(c.out), [
    { id: 'db1.production', level: 'production', roles: ['db'], address: '10.20.2.13', jump: 'root@10.20.2.1' },
  ]);
  const y = await halite(['hosts', '--out', 'yaml', '--role', 'mail', '--level', 'staging']);
  t.equal(
    y.out,
    '- id: mail1.staging\n  level: staging\n  roles:\n    - mail\n  address: 10.20.1.11\n  jump: root@10.20.1.1\n',
  );
});

t.test('selecting nothing is a usage error naming the options that matched nothing', async (t) => {
  const r = await halite(['hosts', '--level', 'staging,qa', '--role', 'cache']);
  t.equal(r.code, 64);
  t.equal(r.out, '');
  t.equal(
    r.err,
    'halite: no host selected: --level qa matches no host (levels in the roster: production, staging); ' +
      '--role cache matches no host (roles in the roster: app, db, elastic, mail, masterdb, memcache, sessions, sources)\n',
  );
  const both = await halite(['hosts', '--level', 'staging', '--host', 'db2*']);
  t.equal(both.code, 64);
  t.equal(both.err, "halite: no host selected: no host matches --level staging and --host 'db2*' together\n");
  const bad = await halite(['hosts', '--target', 'G@roles:db or']);
  t.equal(bad.code, 64);
  t.match(bad.err, /^halite: no host selected: --target 'G@roles:db or': invalid compound target/);
  const empty = await halite(['hosts', '--target', ' ']);
  t.equal(empty.code, 64);
  t.match(empty.err, /empty target expression/);
});

t.test('values that matched nothing are warned about when others selected hosts', async (t) => {
  const r = await halite(['hosts', '--host', 'db1.staging,db9.staging', '--out', 'json']);
  t.equal(r.code, 0);
  t.equal(r.err, 'warning: --host db9.staging matches no host\n');
  t.equal(JSON.parse(r.out).length, 1);
});

t.test('address and jump columns: ports, IPv6, per-host jump, direct levels, hosts without roles', async (t) => {
  const dir = tree(
    [
      'a1:\n  host: 10.9.1.1\n  level: lab\n  roles: [web, db]\n',
      'a2:\n  host: fd00::2\n  port: 2200\n  level: lab\n  jump: false\n',
      'e1:\n  host: e1.example.net\n  level: edge\n  jump: {host: bastion.example.net, user: admin}\n',
      'e2:\n  host: 10.9.2.2\n  level: edge\n',
    ].join(''),
  );
  const r = await halite(['hosts'], dir);
  t.equal(r.err, '');
  t.equal(
    r.out,
    [
      'ID  LEVEL  ROLES   ADDRESS         JUMP',
      'a1  lab    web,db  10.9.1.1        ops@10.9.0.1:2222',
      'a2  lab    -       [fd00::2]:2200  direct',
      'e1  edge   -       e1.example.net  admin@bastion.example.net',
      'e2  edge   -       10.9.2.2        direct',
      '',
    ].join('\n'),
  );
});

t.test('an invalid roster stops the command with its errors (exit 5)', async (t) => {
  const dir = tree('a1:\n  host: 10.9.1.1\n  level: nowhere\n');
  const r = await halite(['hosts'], dir);
  t.equal(r.code, 5);
  t.match(r.err, /roster\.yaml:3: level: unknown level "nowhere"/);
});

async function withHook(hooks: HostsHooks, args: string[], cwd = ROOT) {
  const io = capture(cwd);
  const ctx: CommandContext = { io, exitCode: 0 };
  const program = new Command('halite')
    .option('--config <file>')
    .exitOverride()
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr });
  registerHosts(program, ctx, hooks);
  await program.parseAsync(args, { from: 'user' });
  return io;
}

t.test('with a job history: a LAST RUN column, "never" for hosts that never ran', async (t) => {
  let configSeen = '';
  const runs: Record<string, { result: string; at: string; job?: string }> = {
    'db1.staging': { result: 'changed', at: '2026-11-22T07:00:00Z', job: '17' },
  };
  const io = await withHook(
    {
      lastRun: (config) => {
        configSeen = config.roster;
        return (id) => runs[id];
      },
    },
    ['hosts', '--role', 'db', '--level', 'staging,production'],
  );
  t.equal(configSeen, join(ROOT, 'roster.yaml'), 'the hook receives the configuration');
  t.equal(
    io.out,
    [
      'ID              LEVEL       ROLES  ADDRESS     JUMP            LAST RUN',
      'db1.staging     staging     db     10.20.1.13  root@10.20.1.1  changed 2026-11-22T07:00:00Z (job 17)',
      'db1.production  production  db     10.20.2.13  root@10.20.2.1  never',
      'db2.production  production  db     10.20.2.14  root@10.20.2.1  never',
      '',
    ].join('\n'),
  );
  const none = await withHook({ lastRun: () => undefined }, ['hosts', '--host', 'db1.staging']);
  t.notMatch(none.out, /LAST RUN/, 'no column when there is no job history');
});

t.test('describeLastRun and an empty table', async (t) => {
  t.equal(describeLastRun(undefined), 'never');
  t.equal(describeLastRun({ result: 'failed', at: '2026-11-21T23:59:00Z' }), 'failed 2026-11-21T23:59:00Z');
  t.equal(formatHostsTable([]), 'ID  LEVEL  ROLES  ADDRESS  JUMP\n');
});

t.test('the targeting helpers on any command, and --batch', async (t) => {
  const cmd = addTargetOptions(new Command('x').exitOverride().configureOutput({ writeErr: () => {} })).addOption(
    batchOption(),
  );
  cmd.parse(
    [
      '--level',
      'a,b',
      '--level',
      'c',
      '--role',
      'r',
      '--host',
      'h[1,2]',
      '--target',
      'G@x:y',
      '--target',
      'not z',
      '--batch',
      '25%',
    ],
    { from: 'user' },
  );
  t.same(cmd.opts(), {
    level: ['a', 'b', 'c'],
    role: ['r'],
    host: ['h[1,2]'],
    target: ['G@x:y', 'not z'],
    batch: { percent: 25 },
  });
  const bad = addTargetOptions(new Command('x').exitOverride().configureOutput({ writeErr: () => {} })).addOption(
    batchOption(),
  );
  t.throws(() => bad.parse(['--batch', '0'], { from: 'user' }), { message: /invalid batch "0"/ });
  let thrown: unknown;
  try {
    applyTargetOptions([], { level: ['x'] });
  } catch (err) {
    thrown = err;
  }
  t.type(thrown, CliError);
  const io = capture();
  t.equal(reportFailure(thrown, { io, exitCode: 0 }, false), 64);
  t.equal(io.err, 'halite: no host selected: the roster has no hosts\n');
});
