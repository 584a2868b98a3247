// `halite ssh`: picking the host, and, in-process against a loopback SSH target, one command run
// like `ssh host cmd` (output streamed, stdin passed through, its exit status returned, no pty
// without a terminal), a shell, -t, and the status of a host that cannot be reached.
import t from 'tap';
import { PassThrough } from 'node:stream';
import { main } from '../../../master/cli.ts';
import type { CliIo } from '../../../master/output/cli-io.ts';
import { hostMenu, pickHost } from '../../../master/commands/ssh.ts';
import { EXIT } from '../../../master/exit-codes.ts';
import type { RosterHost } from '../../../master/config/roster.ts';
import { targetFixture } from '../fake-master.ts';
import { closedPort } from '../transport/fake-ssh.ts';

const host = (id: string): RosterHost => ({
  id,
  host: `10.0.0.${id.length}`,
  port: 22,
  user: 'root',
  sudo: false,
  level: 'staging',
  roles: ['memcache'],
  grains: {},
});
const hosts = [host('m1'), host('m22'), host('m333')];

t.test('one host: taken; --index picks the n-th; past the end is a usage error listing the hosts', async (t) => {
  t.equal(pickHost([hosts[0]], undefined).id, 'm1');
  t.equal(pickHost(hosts, 2).id, 'm22');
  t.throws(() => pickHost(hosts, 4), { message: /--index 4: only 3 hosts match:\n  1\) m1/, exitCode: 64 });
});

t.test('several hosts and no --index: a usage error listing id, level, roles and address', async (t) => {
  t.throws(() => pickHost(hosts, undefined), {
    message:
      /^3 hosts match; pick one by id \(halite ssh HOST\) or with --index N:\n  1\) m1  staging  memcache  10\.0\.0\.2\n/,
    exitCode: 64,
  });
  t.equal(
    hostMenu(hosts),
    '  1) m1  staging  memcache  10.0.0.2\n  2) m22  staging  memcache  10.0.0.3\n  3) m333  staging  memcache  10.0.0.4\n',
  );
});

const fx = targetFixture(t);
let dir: string;
t.before(async () => {
  dir = fx.master({
    web1: ['level: staging', 'roles: [web]'],
    web2: ['level: staging', 'roles: [web]'],
    down1: ['level: production', `port: ${await closedPort()}`],
  });
});

interface Session {
  code: number;
  stdout: string;
  stderr: string;
  /** What halite itself printed (errors). */
  messages: string;
}

/** `halite ARGS…` with `input` on a standard input that is a terminal or not. */
async function ssh(args: string[], input = '', opts: { tty?: boolean } = {}): Promise<Session> {
  const stdin = Object.assign(new PassThrough(), opts.tty ? { isTTY: true } : {});
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (d: Buffer) => (out += d));
  stderr.on('data', (d: Buffer) => (err += d));
  stdin.end(input);
  const io: CliIo = {
    stdout: (s) => void (out += s),
    stderr: (s) => void (err += s),
    env: {},
    cwd: dir,
    terminal: { stdin, stdout, stderr },
  };
  let messages = '';
  io.stderr = (s) => void (messages += s);
  const code = await main(['ssh', ...args], io);
  return { code, stdout: out, stderr: err, messages };
}

t.test('ssh HOST -- CMD: output streamed, the exit status returned, no pty without a terminal', async (t) => {
  const ptys = fx.target.ptys;
  const r = await ssh(['web1', '--', 'sh', '-c', 'echo out; echo err >&2; exit 3']);
  t.equal(r.code, 3, r.messages);
  t.equal(r.stdout, 'out\n');
  t.equal(r.stderr, 'err\n', 'stderr stays apart');
  t.equal(fx.target.ptys, ptys, 'no pty was asked for');
  t.equal(fx.target.commands.at(-1), `sh -c 'echo out; echo err >&2; exit 3'`);
  t.equal((await ssh(['web1', '--', 'true'])).code, 0);
});

t.test('ssh HOST -- CMD: standard input is passed through', async (t) => {
  const r = await ssh(['web1', '--', 'cat'], 'x\ny\n');
  t.equal(r.code, 0, r.messages);
  t.equal(r.stdout, 'x\ny\n');
});

t.test('a command even from a terminal gets no pty unless -t; -t forces one', async (t) => {
  const ptys = fx.target.ptys;
  t.equal((await ssh(['web1', '--', 'true'], '', { tty: true })).code, 0);
  t.equal(fx.target.ptys, ptys, 'a command from a terminal: no pty, as with ssh');
  const forced = await ssh(['-t', 'web1', '--', 'sh', '-c', 'exit 4']);
  t.equal(forced.code, 4, forced.messages);
  t.equal(fx.target.ptys, ptys + 1, '-t: a pty');
});

t.test('no command: a shell, with a pty only when standard input is a terminal', async (t) => {
  const ptys = fx.target.ptys;
  const piped = await ssh(['web1'], 'hello\n');
  t.equal(piped.code, 0, piped.messages);
  t.equal(piped.stdout, 'hello\n');
  t.equal(fx.target.ptys, ptys, 'stdin is not a terminal: no pty');
  const typed = await ssh(['web1'], 'hi\n', { tty: true });
  t.equal(typed.code, 0);
  t.equal(fx.target.ptys, ptys + 1, 'typed at a terminal: a pty');
  await ssh(['-T', 'web1'], 'x\n', { tty: true });
  t.equal(fx.target.ptys, ptys + 1, '-T: never a pty');
});

t.test('a host that cannot be reached: 255, as with ssh, and the reason', async (t) => {
  const r = await ssh(['down1', '--', 'true']);
  t.equal(r.code, EXIT.SSH_FAILED);
  t.match(r.messages, /^down1: root@127\.0\.0\.1:\d+: unreachable: ECONNREFUSED \(TRANSPORT\)\n$/);
  t.equal(r.stdout, '');
});

t.test('a command killed by a signal: 255 and the signal named', async (t) => {
  // the login shell itself is killed (the fake target's /bin/sh -c)
  const r = await ssh(['web1', '--', 'sh', '-c', 'kill -KILL $PPID']);
  t.equal(r.code, EXIT.SSH_FAILED);
  t.equal(r.messages, 'halite: web1: the command was killed by SIGKILL\n');
});

t.test('--role with several hosts lists them and asks for one; the operands are the command', async (t) => {
  const before = fx.target.requests;
  const several = await ssh(['--role', 'web', '--', 'uname']);
  t.equal(several.code, EXIT.USAGE);
  t.match(
    several.messages,
    /2 hosts match; pick one by id \(halite ssh HOST\) or with --index N:\n  1\) web1  staging  web  127\.0\.0\.1\n  2\) web2  staging  web  127\.0\.0\.1\n/,
  );
  t.equal(fx.target.requests, before, 'nothing ran');
  const picked = await ssh(['--role', 'web', '--index', '2', '--', 'echo', 'picked']);
  t.equal(picked.code, 0, picked.messages);
  t.equal(picked.stdout, 'picked\n');
  const none = await ssh(['--role', 'db', '--', 'true']);
  t.equal(none.code, EXIT.USAGE);
  t.match(none.messages, 'matches no host');
});
