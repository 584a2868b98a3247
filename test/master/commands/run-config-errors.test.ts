// `halite run` and roster entries with errors: only the selected ones stop it. In-process, against
// a loopback SSH server that runs commands for real.
import t from 'tap';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../../master/cli.ts';
import { knownHostsLine } from '../../../master/transport/known-hosts.ts';
import { type FakeServer, keyPair, startTarget } from '../transport/fake-ssh.ts';

const client = keyPair();
const hostKey = keyPair();
let target: FakeServer;
const dir = mkdtempSync(join(tmpdir(), 'halite-run-config-'));
t.before(async () => {
  target = await startTarget({ hostKey, authorized: [client] });
  writeFileSync(join(dir, 'id_ed25519'), client.private, { mode: 0o600 });
  writeFileSync(join(dir, 'known_hosts'), knownHostsLine(`[127.0.0.1]:${target.port}`, hostKey.blob) + '\n');
  writeFileSync(
    join(dir, 'halite.yaml'),
    'ssh:\n  key: id_ed25519\n  known_hosts: known_hosts\n  persist: 0\nlevels:\n  staging: {}\n  production: {}\n',
  );
  writeFileSync(
    join(dir, 'roster.yaml'),
    [
      `prod1:\n  host: 127.0.0.1\n  port: ${target.port}\n  level: production\n`,
      'stage1:\n  host: 127.0.0.1\n  level: staging\n  prot: 22\n',
    ].join(''),
  );
});
t.teardown(async () => {
  await target?.close();
  rmSync(dir, { recursive: true, force: true });
});

async function halite(...args: string[]) {
  const io = {
    out: '',
    err: '',
    env: {},
    cwd: dir,
    stdout: (s: string) => void (io.out += s),
    stderr: (s: string) => void (io.err += s),
  };
  const code = await main(args, io);
  return { code, out: io.out, err: io.err };
}

t.test('a broken staging entry does not stop a command on production: it is a warning', async (t) => {
  const r = await halite('run', '--level', 'production', '--', 'echo', 'hello');
  t.equal(r.code, 0, r.err);
  t.match(r.out, /hello/);
  t.equal(
    r.err,
    `warning: stage1: ${join(dir, 'roster.yaml')}:8: prot: unknown field (expected one of: host, port, user, sudo, level, roles, jump, grains, priv, priv_passwd, timeout) (ROSTER)\n`,
  );
  t.equal(target.requests, 1);
});

t.test('selected, the broken entry stops the command (exit 5) before anything runs', async (t) => {
  const before = target.requests;
  const r = await halite('run', '--', 'echo', 'hello');
  t.equal(r.code, 5);
  t.equal(r.out, '');
  t.match(r.err, /^stage1: .*roster\.yaml:8: prot: unknown field/m);
  t.equal(target.requests, before);
});
