// `halite hosts accept` and `halite ssh-config`, run in-process against loopback SSH servers;
// the generated configuration is also checked by the OpenSSH client itself when it is installed.
import t from 'tap';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { main } from '../../../master/cli.ts';
import type { CliIo, CommandContext } from '../../../master/output/cli-io.ts';
import { registerHostsAccept } from '../../../master/commands/hosts-accept.ts';
import { EXIT } from '../../../master/exit-codes.ts';
import { fingerprint } from '../../../master/transport/host-key.ts';
import { knownHostsLine } from '../../../master/transport/known-hosts.ts';
import { Transport } from '../../../master/transport/transport.ts';
import { type FakeServer, type KeyPair, closedPort, keyPair, startJump, startTarget } from './fake-ssh.ts';

const client = keyPair();
const jumpKey = keyPair();
const targetKey = keyPair();
const servers: FakeServer[] = [];
const dirs: string[] = [];
t.teardown(async () => {
  await Promise.all(servers.map((s) => s.close()));
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

let jump: FakeServer;
let target: FakeServer;
t.before(async () => {
  jump = await startJump({ hostKey: jumpKey, authorized: [client] });
  target = await startTarget({ hostKey: targetKey, authorized: [client] });
  servers.push(jump, target);
});

/** A master directory: config with a staging level behind the jump host, roster with web1 and db1. */
function master(knownHosts = '', downPort = 1): string {
  const dir = mkdtempSync(join(tmpdir(), 'halite master '));
  dirs.push(dir);
  writeFileSync(join(dir, 'id_ed25519'), client.private, { mode: 0o600 });
  writeFileSync(join(dir, 'known_hosts'), knownHosts);
  writeFileSync(
    join(dir, 'halite.yaml'),
    [
      'ssh:',
      '  key: id_ed25519',
      '  known_hosts: known_hosts',
      '  connect_timeout: 5',
      'levels:',
      `  staging: {jump: "root@127.0.0.1:${jump.port}"}`,
      '  production: {}',
      '',
    ].join('\n'),
  );
  writeFileSync(
    join(dir, 'roster.yaml'),
    [
      'web1:',
      '  host: 127.0.0.1',
      `  port: ${target.port}`,
      '  level: staging',
      'db1:',
      '  host: 127.0.0.1',
      `  port: ${target.port}`,
      '  level: staging',
      '  priv: other key',
      'prod1:',
      '  host: 127.0.0.9',
      '  level: production',
      'down1:',
      '  host: 127.0.0.1',
      `  port: ${downPort}`,
      '  level: production',
      '  jump: false',
      '',
    ].join('\n'),
  );
  return dir;
}

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function io(cwd: string, out: { stdout: string; stderr: string }): CliIo {
  return { stdout: (s) => void (out.stdout += s), stderr: (s) => void (out.stderr += s), env: {}, cwd };
}

async function halite(cwd: string, args: string[]): Promise<Run> {
  const out = { stdout: '', stderr: '' };
  const code = await main(args, io(cwd, out));
  return { code, ...out };
}

const pin = (port: number, k: KeyPair): string => knownHostsLine(`[127.0.0.1]:${port}`, k.blob) + '\n';

t.test('hosts accept pins the jump host and the host, then connections work', async (t) => {
  const dir = master();
  const r = await halite(dir, ['hosts', 'accept', 'web1', '--yes']);
  t.equal(r.code, 0, r.stderr);
  t.match(r.stdout, `jump host [127.0.0.1]:${jump.port} presents ED25519 key ${fingerprint(jumpKey.blob)}`);
  t.match(r.stdout, `host [127.0.0.1]:${target.port} presents ED25519 key ${fingerprint(targetKey.blob)}`);
  t.equal(readFileSync(join(dir, 'known_hosts'), 'utf8'), pin(jump.port, jumpKey) + pin(target.port, targetKey));

  const again = await halite(dir, ['hosts', 'accept', 'web1', '--yes']);
  t.equal(again.code, 0);
  t.match(again.stdout, 'already pinned');
  t.equal(
    readFileSync(join(dir, 'known_hosts'), 'utf8'),
    pin(jump.port, jumpKey) + pin(target.port, targetKey),
    'nothing added twice',
  );

  const tr = new Transport({ key: join(dir, 'id_ed25519'), knownHosts: join(dir, 'known_hosts'), keepaliveMs: 0 });
  t.teardown(() => tr.close());
  const res = await tr.exec(
    {
      id: 'web1',
      address: '127.0.0.1',
      port: target.port,
      user: 'root',
      jump: { address: '127.0.0.1', port: jump.port, user: 'root' },
    },
    ['echo', 'pinned'],
  );
  t.equal(res.stdout, 'pinned\n');
});

t.test('hosts accept never replaces a changed key', async (t) => {
  const other = keyPair();
  const before = pin(jump.port, jumpKey) + pin(target.port, other);
  const dir = master(before);
  const r = await halite(dir, ['hosts', 'accept', 'web1', '--yes']);
  t.equal(r.code, EXIT.UNREACHABLE);
  t.match(r.stderr, /^web1: host root@127\.0\.0\.1:\d+: HOST KEY CHANGED/);
  t.match(r.stderr, fingerprint(other.blob));
  t.match(r.stderr, fingerprint(targetKey.blob));
  t.equal(readFileSync(join(dir, 'known_hosts'), 'utf8'), before);
});

t.test('hosts accept asks first; declining pins nothing', async (t) => {
  const dir = master();
  const noTerminal = await halite(dir, ['hosts', 'accept', 'web1']);
  t.equal(noTerminal.code, EXIT.USAGE, 'refuses to guess without a terminal or --yes');
  t.match(noTerminal.stderr, 'pass --yes');
  t.equal(readFileSync(join(dir, 'known_hosts'), 'utf8'), '');

  const questions: string[] = [];
  const out = { stdout: '', stderr: '' };
  const ctx: CommandContext = { io: io(dir, out), exitCode: EXIT.OK };
  const program = new Command('halite').option('--config <file>').exitOverride();
  // yes for the jump host, no for the target
  registerHostsAccept(program, ctx, async (q) => (questions.push(q), questions.length === 1));
  await program.parseAsync(['hosts', 'accept', 'web1'], { from: 'user' });
  t.equal(questions.length, 2);
  t.match(questions[0], `[127.0.0.1]:${jump.port}`);
  t.match(out.stdout, 'web1: not pinned');
  t.equal(readFileSync(join(dir, 'known_hosts'), 'utf8'), pin(jump.port, jumpKey), 'only the jump host was pinned');
});

t.test('hosts accept reports unknown hosts and unreachable ones', async (t) => {
  const dir = master('', await closedPort());
  const unknown = await halite(dir, ['hosts', 'accept', 'nope', '--yes']);
  t.equal(unknown.code, EXIT.USAGE);
  t.match(unknown.stderr, "unknown host 'nope'");
  const direct = await halite(dir, ['hosts', 'accept', 'down1', '--yes', '--config', join(dir, 'halite.yaml')]);
  t.equal(direct.code, EXIT.UNREACHABLE);
  t.match(direct.stderr, /^down1: root@127\.0\.0\.1:\d+: unreachable: ECONNREFUSED \(TRANSPORT\)\n$/);
});

t.test('ssh-config prints ProxyJump entries for the hosts of a level', async (t) => {
  const dir = master();
  const r = await halite(dir, ['ssh-config', '--level', 'staging']);
  t.equal(r.code, 0, r.stderr);
  const kh = join(dir, 'known_hosts');
  const key = join(dir, 'id_ed25519');
  const expected = [
    '# OpenSSH client configuration for level staging, generated by halite',
    '# Use with: ssh -F THIS_FILE HOST_ID',
    '',
    'Host halite-jump-127.0.0.1',
    '  HostName 127.0.0.1',
    `  Port ${jump.port}`,
    '  User root',
    `  IdentityFile "${key}"`,
    '  IdentitiesOnly yes',
    `  UserKnownHostsFile "${kh}"`,
    '  GlobalKnownHostsFile /dev/null',
    `  HostKeyAlias [127.0.0.1]:${jump.port}`,
    '  StrictHostKeyChecking yes',
    '  CheckHostIP no',
    '  ConnectTimeout 5',
    '',
    'Host web1',
    '  HostName 127.0.0.1',
    `  Port ${target.port}`,
    '  User root',
    '  ProxyJump halite-jump-127.0.0.1',
    `  IdentityFile "${key}"`,
    '  IdentitiesOnly yes',
    `  UserKnownHostsFile "${kh}"`,
    '  GlobalKnownHostsFile /dev/null',
    `  HostKeyAlias [127.0.0.1]:${target.port}`,
    '  StrictHostKeyChecking yes',
    '  CheckHostIP no',
    '  ConnectTimeout 5',
    '',
  ];
  const lines = r.stdout.split('\n');
  t.same(lines.slice(0, expected.length), expected);
  t.match(r.stdout, `Host db1\n`);
  t.match(r.stdout, `IdentityFile "${join(dir, 'other key')}"`, 'the per-host key');
  t.notMatch(r.stdout, 'prod1');

  const prod = await halite(dir, ['ssh-config', '--level', 'production']);
  t.match(prod.stdout, 'Host prod1\n  HostName 127.0.0.9\n  Port 22\n');
  t.notMatch(prod.stdout, 'ProxyJump');
  t.match(prod.stdout, '  HostKeyAlias 127.0.0.9\n');

  const bad = await halite(dir, ['ssh-config', '--level', 'nowhere']);
  t.equal(bad.code, EXIT.USAGE);
  t.match(bad.stderr, "unknown level 'nowhere'");
});

const hasSsh = spawnSync('ssh', ['-V']).status === 0;

t.test(
  'the OpenSSH client reaches a host with the generated configuration',
  { skip: hasSsh ? false : 'no ssh client installed' },
  async (t) => {
    const dir = master(pin(jump.port, jumpKey) + pin(target.port, targetKey));
    // OpenSSH hands -F to the ProxyJump command unquoted: keep this path free of blanks
    const cfgDir = mkdtempSync(join(tmpdir(), 'halite-ssh-'));
    dirs.push(cfgDir);
    const cfg = join(cfgDir, 'ssh_config');
    writeFileSync(cfg, (await halite(dir, ['ssh-config', '--level', 'staging'])).stdout);
    const g = spawnSync('ssh', ['-G', '-F', cfg, 'web1'], { encoding: 'utf8' });
    t.equal(g.status, 0, g.stderr);
    t.match(g.stdout, `proxyjump halite-jump-127.0.0.1`);
    t.match(g.stdout, `hostkeyalias [127.0.0.1]:${target.port}`);
    const before = target.commands.length;
    const ssh = spawn('ssh', ['-F', cfg, '-o', 'BatchMode=yes', 'web1', 'echo', 'via-openssh'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    ssh.stdout.on('data', (d: Buffer) => (stdout += d));
    ssh.stderr.on('data', (d: Buffer) => (stderr += d));
    const code = await new Promise<number | null>((resolve) => ssh.on('close', resolve));
    t.equal(code, 0, stderr);
    t.equal(stdout, 'via-openssh\n');
    t.equal(target.commands[before], 'echo via-openssh');
  },
);
