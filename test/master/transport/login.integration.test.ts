// Logging in with a passphrase-protected key and through ssh-agent: OpenSSH's sshd on loopback as
// the host, behind a loopback jump host that must accept the same login; keys made by ssh-keygen,
// an ssh-agent process holding one. The passphrase never shows in output, errors or job history.
import t from 'tap';
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ssh2 from 'ssh2';
import { main } from '../../../master/cli.ts';
import type { CliIo } from '../../../master/output/cli-io.ts';
import { EXIT } from '../../../master/exit-codes.ts';
import { knownHostsLine } from '../../../master/transport/known-hosts.ts';
import { type FakeServer, type KeyPair, keyPair, processEnded, startJump } from './fake-ssh.ts';
import { REPO } from '../../shipped.ts';

const SSHD = '/usr/sbin/sshd';
if (process.getuid?.() !== 0 || !existsSync(SSHD) || spawnSync('ssh-agent', ['-h']).error) {
  t.plan(0, "needs root, OpenSSH's sshd and ssh-agent");
  process.exit(0);
}

const PASSPHRASE = 'correct horse battery staple';
const OTHER_PASSPHRASE = 'another secret phrase';
const dir = mkdtempSync(join(tmpdir(), 'halite-login-'));
const children: ChildProcess[] = [];
let jump: FakeServer | undefined;
t.teardown(async () => {
  await jump?.close();
  for (const c of children) if (c.pid !== undefined && c.exitCode === null) process.kill(c.pid, 'SIGTERM');
  for (const c of children) if (c.pid !== undefined) await processEnded(c.pid);
  rmSync(dir, { recursive: true, force: true });
});

/** An ed25519 key pair written by ssh-keygen, protected by `passphrase` ('' for none). */
function sshKeygen(name: string, passphrase: string): KeyPair {
  const file = join(dir, name);
  const r = spawnSync('ssh-keygen', ['-q', '-t', 'ed25519', '-C', name, '-N', passphrase, '-f', file]);
  if (r.status !== 0) throw new Error(`ssh-keygen: ${r.stderr.toString()}`);
  const pub = readFileSync(`${file}.pub`, 'utf8');
  const parsed = ssh2.utils.parseKey(pub);
  if (parsed instanceof Error) throw parsed;
  return { private: readFileSync(file, 'utf8'), public: pub, blob: Buffer.from(parsed.getPublicSSH()) };
}

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

/** OpenSSH's sshd on 127.0.0.1, accepting `authorized` for root. */
async function startSshd(hostKey: string, authorized: KeyPair[]): Promise<number> {
  const port = await freePort();
  writeFileSync(join(dir, 'authorized_keys'), authorized.map((k) => k.public).join(''));
  const cfg = join(dir, 'sshd_config');
  writeFileSync(
    cfg,
    [
      `Port ${port}`,
      'ListenAddress 127.0.0.1',
      `HostKey ${hostKey}`,
      `AuthorizedKeysFile ${join(dir, 'authorized_keys')}`,
      'PidFile none',
      'UsePAM no',
      'StrictModes no',
      'PermitRootLogin prohibit-password',
      'PasswordAuthentication no',
      'KbdInteractiveAuthentication no',
      '',
    ].join('\n'),
  );
  const sshd = spawn(SSHD, ['-D', '-e', '-f', cfg], { stdio: ['ignore', 'ignore', 'pipe'] });
  children.push(sshd);
  await new Promise<void>((resolve, reject) => {
    let err = '';
    sshd.stderr!.on('data', (d: Buffer) => {
      err += d.toString();
      if (err.includes('Server listening')) resolve();
    });
    sshd.once('exit', (code) => reject(new Error(`sshd exited (${code}): ${err}`)));
  });
  return port;
}

/** An ssh-agent holding `key` (added through SSH_ASKPASS with its passphrase); its socket. */
async function startAgent(keyFile: string, passphrase: string): Promise<string> {
  const sock = join(dir, 'agent.sock');
  const agent = spawn('ssh-agent', ['-D', '-a', sock], { stdio: 'ignore' });
  children.push(agent);
  for (let i = 0; i < 100 && !existsSync(sock); i++) await new Promise((r) => setTimeout(r, 20));
  const askpass = join(dir, 'askpass');
  writeFileSync(askpass, `#!/bin/sh\nprintf '%s\\n' '${passphrase}'\n`, { mode: 0o700 });
  const add = spawnSync('ssh-add', [keyFile], {
    env: {
      PATH: process.env.PATH,
      SSH_AUTH_SOCK: sock,
      SSH_ASKPASS: askpass,
      SSH_ASKPASS_REQUIRE: 'force',
      DISPLAY: ':0',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  if (add.status !== 0) throw new Error(`ssh-add: ${add.stderr.toString()}`);
  rmSync(askpass);
  return sock;
}

const client = sshKeygen('id_ed25519', PASSPHRASE);
const other = sshKeygen('other_key', OTHER_PASSPHRASE);
const hostKey = sshKeygen('host_key', '');
const jumpKey = keyPair();
let sshdPort = 0;

t.before(async () => {
  sshdPort = await startSshd(join(dir, 'host_key'), [client, other]);
  jump = await startJump({ hostKey: jumpKey, authorized: [client] });
});

/** A master directory: web1 behind the jump host; db1 with its own key and passphrase (priv_passwd). */
function master(name: string, ssh: string[]): string {
  const m = join(dir, name);
  spawnSync('mkdir', ['-p', join(m, 'states')]);
  writeFileSync(
    join(m, 'known_hosts'),
    knownHostsLine(`[127.0.0.1]:${jump!.port}`, jumpKey.blob) +
      '\n' +
      knownHostsLine(`[127.0.0.1]:${sshdPort}`, hostKey.blob) +
      '\n',
  );
  writeFileSync(
    join(m, 'halite.yaml'),
    [
      'ssh:',
      ...ssh.map((l) => `  ${l}`),
      '  known_hosts: known_hosts',
      '  connect_timeout: 5',
      '  persist: 0',
      'levels:',
      `  staging: {jump: "root@127.0.0.1:${jump!.port}"}`,
      '  production: {}',
      '',
    ].join('\n'),
  );
  writeFileSync(
    join(m, 'roster.yaml'),
    [
      'web1:',
      '  host: 127.0.0.1',
      `  port: ${sshdPort}`,
      '  level: staging',
      'db1:',
      '  host: 127.0.0.1',
      `  port: ${sshdPort}`,
      '  level: production',
      `  priv: ${join(dir, 'other_key')}`,
      `  priv_passwd: ${OTHER_PASSPHRASE}`,
      '',
    ].join('\n'),
  );
  return m;
}

interface Run {
  code: number;
  out: string;
}

async function halite(cwd: string, env: Record<string, string>, args: string[]): Promise<Run> {
  let out = '';
  const io: CliIo = { stdout: (s) => void (out += s), stderr: (s) => void (out += s), env, cwd };
  const code = await main(args, io);
  return { code, out };
}

/** Every byte halite left in the master directory (job store included), as text. */
function leftBehind(m: string): string {
  const all: string[] = [];
  const walk = (d: string): void => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.isFile()) all.push(readFileSync(p).toString('latin1'));
    }
  };
  walk(m);
  return all.join('\n');
}

t.test(
  'an encrypted ssh.key: refused without its passphrase, used with HALITE_SSH_PASSPHRASE, jump host too',
  async (t) => {
    const m = master('encrypted', [`key: ${join(dir, 'id_ed25519')}`]);
    const without = await halite(m, {}, ['run', '--host', 'web1', '--', 'echo', 'hi']);
    t.equal(without.code, EXIT.CONFIG_ERROR, without.out);
    t.match(
      without.out,
      /ssh\.key: cannot use private key .*id_ed25519: it is protected by a passphrase: set HALITE_SSH_PASSPHRASE/,
    );
    t.equal(jump!.connections, 0, 'no connection tried');

    const wrong = await halite(m, { HALITE_SSH_PASSPHRASE: 'not it' }, ['run', '--host', 'web1', '--', 'echo', 'hi']);
    t.equal(wrong.code, EXIT.CONFIG_ERROR, wrong.out);
    t.match(wrong.out, /id_ed25519: the passphrase given does not decrypt it/);
    t.notMatch(wrong.out, 'not it');

    const right = await halite(m, { HALITE_SSH_PASSPHRASE: PASSPHRASE }, ['run', '--host', 'web1', '--', 'echo', 'hi']);
    t.equal(right.code, EXIT.OK, right.out);
    t.match(right.out, /web1:\n\s+hi\n/);
    t.ok(jump!.connections > 0, 'through the jump host, which took the same key');
    t.notMatch(right.out, PASSPHRASE);
    t.notMatch(leftBehind(m), PASSPHRASE, 'not in the job history');
  },
);

t.test("a roster entry's priv_passwd opens its priv key, and is shown nowhere", async (t) => {
  const m = master('priv', [`key: ${join(dir, 'id_ed25519')}`]);
  const r = await halite(m, { HALITE_SSH_PASSPHRASE: PASSPHRASE }, ['run', '--host', 'db1', '--', 'echo', 'db']);
  t.equal(r.code, EXIT.OK, r.out);
  t.match(r.out, /db1:\n\s+db\n/);
  const hosts = await halite(m, {}, ['hosts']);
  t.notMatch(hosts.out + r.out, OTHER_PASSPHRASE);
  t.notMatch(leftBehind(m).replace(/priv_passwd: .*/, ''), OTHER_PASSPHRASE, 'only in the roster itself');
  // a wrong one names the roster line, not the value
  writeFileSync(
    join(m, 'roster.yaml'),
    readFileSync(join(m, 'roster.yaml'), 'utf8').replace(OTHER_PASSPHRASE, 'wrong words'),
  );
  const wrong = await halite(m, {}, ['run', '--host', 'db1', '--', 'echo', 'db']);
  t.equal(wrong.code, EXIT.CONFIG_ERROR);
  t.match(
    wrong.out,
    /roster\.yaml:9: db1: priv: cannot use private key .*other_key: the passphrase given does not decrypt it/,
  );
  t.notMatch(wrong.out, 'wrong words');
});

t.test('ssh-agent: used when SSH_AUTH_SOCK is set and ssh.key is not, or with ssh.agent: true', async (t) => {
  const sock = await startAgent(join(dir, 'id_ed25519'), PASSPHRASE);
  const before = jump!.connections;
  // no ssh.key: the agent's keys (through the jump host as well)
  const auto = await halite(master('agent-auto', []), { SSH_AUTH_SOCK: sock }, [
    'run',
    '--host',
    'web1',
    '--',
    'echo',
    'a',
  ]);
  t.equal(auto.code, EXIT.OK, auto.out);
  t.match(auto.out, /web1:\n\s+a\n/);
  t.ok(jump!.connections > before, 'the jump host took the agent too');

  // ssh.key is the encrypted key and no passphrase is given: with ssh.agent: true, the agent holds it
  const m = master('agent-on', [`key: ${join(dir, 'id_ed25519')}`, 'agent: yes']);
  const on = await halite(m, { SSH_AUTH_SOCK: sock }, ['run', '--host', 'web1', '--', 'echo', 'b']);
  t.equal(on.code, EXIT.OK, on.out);
  t.match(on.out, /web1:\n\s+b\n/);

  // ssh.key set and ssh.agent left unset: the agent is not asked, so the key needs its passphrase
  const off = await halite(master('agent-unset', [`key: ${join(dir, 'id_ed25519')}`]), { SSH_AUTH_SOCK: sock }, [
    'run',
    '--host',
    'web1',
    '--',
    'echo',
    'c',
  ]);
  t.equal(off.code, EXIT.CONFIG_ERROR, off.out);
  t.match(off.out, /protected by a passphrase/);

  // ssh.agent: true without an agent is a configuration error
  const none = await halite(m, {}, ['run', '--host', 'web1', '--', 'echo', 'd']);
  t.equal(none.code, EXIT.CONFIG_ERROR);
  t.match(none.out, /ssh\.agent: true, but no ssh-agent is reachable: SSH_AUTH_SOCK is not set/);

  // an agent holding no key the hosts accept: refused, and said so
  spawnSync('ssh-add', ['-D'], { env: { PATH: process.env.PATH, SSH_AUTH_SOCK: sock }, stdio: 'ignore' });
  const empty = await halite(master('agent-empty', []), { SSH_AUTH_SOCK: sock }, [
    'run',
    '--host',
    'web1',
    '--',
    'echo',
    'e',
  ]);
  t.equal(empty.code, EXIT.UNREACHABLE, empty.out);
  t.match(empty.out, /authentication as root failed \(the server refused (the key and )?the ssh-agent's keys\)/);
});

t.test('at a terminal, halite asks for the passphrase as ssh does, without echoing it', async (t) => {
  if (spawnSync('script', ['--version']).status !== 0) {
    t.comment('no script(1) to allocate a terminal');
    return;
  }
  const m = master('prompt', [`key: ${join(dir, 'id_ed25519')}`]);
  const argv = [process.execPath, join(REPO, 'bin/halite.js'), '--config', join(m, 'halite.yaml')];
  const line = [...argv, 'run', '--host', 'web1', '--', 'echo', 'typed'].map((a) => `'${a}'`).join(' ');
  const child = spawn('script', ['-qec', line, '/dev/null'], {
    cwd: m,
    env: { PATH: process.env.PATH, HOME: m, TERM: 'dumb' },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let screen = '';
  let typed = false;
  child.stdout.on('data', (d: Buffer) => {
    screen += d.toString();
    // typed only once the question is on the screen, as a person would
    if (!typed && screen.includes("Enter passphrase for key '")) {
      typed = true;
      child.stdin.write(`${PASSPHRASE}\r`);
    }
  });
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  t.ok(typed, 'asked');
  t.equal(code, 0, screen);
  t.match(screen, /web1:\r?\n\s+typed/);
  t.notMatch(screen, PASSPHRASE, 'never echoed');
});
