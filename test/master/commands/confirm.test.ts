// A job with no targeting: asked about on a terminal (count per level), refused without one
// unless --all, skipped by --yes; targeted jobs and dry runs are never asked about.
import t from 'tap';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { Command } from 'commander';
import { main, reportFailure } from '../../../master/cli.ts';
import type { CliIo, CommandContext } from '../../../master/output/cli-io.ts';
import { registerHighstate } from '../../../master/commands/highstate.ts';
import { countByLevel } from '../../../master/commands/confirm.ts';
import type { HostRunner } from '../../../master/push/orchestrate.ts';

const dir = mkdtempSync(join(tmpdir(), 'halite-confirm-'));
t.teardown(() => rmSync(dir, { recursive: true, force: true }));
const files: Record<string, string> = {
  'halite.yaml': 'levels:\n  staging: {}\n  production: {}\n',
  'roster.yaml': [
    'web1:\n  host: 10.9.0.1\n  level: production\n  roles: [web]',
    'web2:\n  host: 10.9.0.2\n  level: production\n  roles: [web]',
    'web3:\n  host: 10.9.0.3\n  level: staging\n  roles: [web]',
    '',
  ].join('\n'),
  'roles/web.yaml': 'description: web servers\n',
  'states/top.sls': "base:\n  '*': []\n",
  'pillar/top.sls': 'base: {}\n',
};
for (const [p, text] of Object.entries(files)) {
  mkdirSync(dirname(join(dir, p)), { recursive: true });
  writeFileSync(join(dir, p), text);
}
const config = join(dir, 'halite.yaml');

interface Played {
  code: number;
  ran: string[];
  asked: string[];
  stderr: string;
}

async function highstate(args: string[], terminal: { answer?: string } | null): Promise<Played> {
  const ran: string[] = [];
  const asked: string[] = [];
  let stderr = '';
  const io: CliIo = {
    stdout: () => undefined,
    stderr: (s) => void (stderr += s),
    env: { HALITE_RUNTIME_DIR: join(dir, 'rt') },
    cwd: dir,
    ...(terminal
      ? { interactive: true, prompt: async (q: string) => (asked.push(q), terminal.answer) }
      : { interactive: false }),
  };
  const ctx: CommandContext = { io, exitCode: 0 };
  const run: HostRunner = async (h) => (
    ran.push(h.id),
    { host: h.id, status: 'ok', results: [], errors: [], durationMs: 1 }
  );
  const program = new Command('halite').option('--config <file>').exitOverride();
  registerHighstate(program, ctx, { runner: () => run, tty: false });
  try {
    await program.parseAsync(['--config', config, 'highstate', ...args], { from: 'user' });
    return { code: ctx.exitCode, ran, asked, stderr };
  } catch (err) {
    return { code: reportFailure(err, ctx, false), ran, asked, stderr };
  }
}

t.test('the count per level', async (t) => {
  const h = (id: string, level: string) => ({
    id,
    host: id,
    port: 22,
    user: 'root',
    sudo: false,
    level,
    roles: [],
    grains: {},
  });
  t.equal(
    countByLevel([h('a', 'production'), h('b', 'staging'), h('c', 'production')]),
    '3 hosts: 2 production, 1 staging',
  );
});

t.test('without a terminal and without a target: refused, nothing runs', async (t) => {
  const r = await highstate([], null);
  t.equal(r.code, 64);
  t.same(r.ran, []);
  t.match(
    r.stderr,
    /no hosts targeted: give --level, --role, --host or --target, or --all .*3 hosts: 2 production, 1 staging/,
  );
});

t.test('--all: every host, no question', async (t) => {
  const r = await highstate(['--all'], null);
  t.equal(r.code, 0, r.stderr);
  t.same(r.ran.sort(), ['web1', 'web2', 'web3']);
});

t.test('--all with a target is a usage error', async (t) => {
  const r = await highstate(['--all', '--level', 'staging'], null);
  t.equal(r.code, 64);
  t.match(r.stderr, /cannot be combined/);
});

t.test('on a terminal: asked with the count per level; "y" runs, anything else does not', async (t) => {
  const yes = await highstate([], { answer: 'y' });
  t.same(yes.asked, ['This will converge 3 hosts: 2 production, 1 staging. Continue? [y/N] ']);
  t.equal(yes.ran.length, 3);
  const no = await highstate([], { answer: '' });
  t.equal(no.code, 64);
  t.same(no.ran, []);
  t.match(no.stderr, /not confirmed; nothing was done/);
  const eof = await highstate([], {});
  t.same(eof.ran, [], 'end of input is no');
});

t.test('--yes, a target or --test: no question', async (t) => {
  for (const args of [['--yes'], ['--level', 'staging'], ['--test']]) {
    const r = await highstate(args, { answer: 'n' });
    t.same(r.asked, [], args.join(' '));
    t.equal(r.code, 0, `${args.join(' ')}: ${r.stderr}`);
  }
});

t.test('halite run shares the rule', async (t) => {
  let stderr = '';
  const code = await main(['--config', config, 'run', '--', 'uptime'], {
    stdout: () => undefined,
    stderr: (s) => void (stderr += s),
    env: { HALITE_RUNTIME_DIR: join(dir, 'rt') },
    cwd: dir,
  });
  t.equal(code, 64);
  t.match(stderr, /halite run: no hosts targeted/);
});
