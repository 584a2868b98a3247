// `halite run --timeout` and `halite ssh HOST -- CMD` against OpenSSH's sshd on a namespace VM,
// logged in as root: sshd refuses signal requests for root logins, so the command must still be
// ended on the host (its own timeout), and a command runs without a pty unless -t.
import t from 'tap';
import { PassThrough } from 'node:stream';
import { main } from '../../master/cli.ts';
import type { CliIo } from '../../master/output/cli-io.ts';
import { EXIT } from '../../master/exit-codes.ts';
import { fleetSuite } from './workspace.ts';

const suite = fleetSuite('cli-sshrun', [{ id: 'web1', roles: ['memcache'], level: 'staging' }]);

/** Whether the process whose pid the host wrote to `file` is still running there (a zombie is not). */
async function stillRunning(file: string): Promise<boolean> {
  for (let i = 0; i < 40; i++) {
    const r = await suite.fleet.exec(
      'web1',
      ['sh', '-c', `p=$(cat ${file}) && test "$(ps -o stat= -p "$p" | cut -c1)" != Z && kill -0 "$p"`],
      { reject: false },
    );
    if (r.exitCode !== 0) return false;
    await new Promise((r) => setTimeout(r, 250));
  }
  return true;
}

t.test(
  'run --timeout: the host ends as timeout (exit 7) and its command is ended there, even one ignoring TERM',
  async (t) => {
    const r = await suite.halite(
      'run',
      '--host',
      'web1',
      '--timeout',
      '2',
      '--',
      'sh',
      '-c',
      'echo started; sleep 120 & echo $! > /tmp/bg.pid; wait',
    );
    t.equal(r.code, EXIT.TIMEOUT, r.err);
    t.equal(r.out, 'web1:\n    started\n    (timeout after 2 s: the command was stopped)\n');
    t.notOk(await stillRunning('/tmp/bg.pid'), 'the background child ended on the host');

    const stubborn = await suite.halite(
      'run',
      '--host',
      'web1',
      '--timeout',
      '1',
      '--out',
      'json',
      '--',
      'sh',
      '-c',
      "trap '' TERM; sleep 120 & echo $! > /tmp/stubborn.pid; wait",
    );
    t.equal(stubborn.code, EXIT.TIMEOUT, stubborn.err);
    t.equal(JSON.parse(stubborn.out).web1.status, 'timeout');
    t.notOk(await stillRunning('/tmp/stubborn.pid'), 'a child ignoring TERM is killed too');
  },
);

/** `halite ssh ARGS…` with `input` on a standard input that is not a terminal. */
async function ssh(args: string[], input: string): Promise<{ code: number; out: string; err: string }> {
  const stdin = new PassThrough();
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
    cwd: suite.ws.dir,
    terminal: { stdin, stdout, stderr },
  };
  const code = await main(['--config', suite.ws.config, 'ssh', ...args], io);
  return { code, out, err };
}

t.test('ssh HOST -- CMD: the exit status, stdin passed through, a pty only with -t', async (t) => {
  const status = await ssh(['web1', '--', 'sh', '-c', 'echo out; echo err >&2; exit 3'], '');
  t.equal(status.code, 3, status.err);
  t.equal(status.out, 'out\n');
  t.equal(status.err, 'err\n');
  const cat = await ssh(['web1', '--', 'cat'], 'through\n');
  t.equal(cat.out, 'through\n');
  t.equal(cat.code, 0);
  const plain = await ssh(['web1', '--', 'tty'], '');
  t.equal(plain.out, 'not a tty\n');
  t.equal(plain.code, 1);
  const forced = await ssh(['-t', 'web1', '--', 'tty'], '');
  t.match(forced.out, /^\/dev\/pts\/\d+\r?\n$/);
  t.equal(forced.code, 0);
});
