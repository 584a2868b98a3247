// --bootstrap and sudo on real fleet hosts: a VM without Node gets one (its packages offer none
// here, so the master's own Node is sent), and a non-root roster user runs the agent through sudo.
import t from 'tap';
import { readFileSync, writeFileSync } from 'node:fs';
import { parse, stringify } from 'yaml';
import { EXIT } from '../../master/exit-codes.ts';
import { fleetSuite } from './workspace.ts';

const suite = fleetSuite('e2e-bootstrap', [
  { id: 'bare1', roles: ['memcache'], level: 'staging' },
  { id: 'sudo1', roles: ['memcache'], level: 'staging' },
], async ({ fleet }) => {
  // bare1: no Node at all, and no package that would give one
  await suite.fleet.exec('bare1', ['apt-get', 'purge', '-y', '-q', 'nodejs'], { env: { DEBIAN_FRONTEND: 'noninteractive' } });
  // sudo1: an operator account with passwordless sudo and the fleet's key
  const pub = readFileSync(`${fleet.sshKey}.pub`, 'utf8');
  await suite.fleet.exec('sudo1', ['sh', '-c', [
    'useradd -m -s /bin/sh ops',
    'mkdir -p /home/ops/.ssh && cat > /home/ops/.ssh/authorized_keys && chown -R ops:ops /home/ops/.ssh && chmod 0700 /home/ops/.ssh',
    "echo 'ops ALL=(ALL) NOPASSWD:ALL' > /etc/sudoers.d/ops && chmod 0440 /etc/sudoers.d/ops",
  ].join(' && ')], { input: pub });
});
const halite = suite.halite;

function setRoster(id: string, fields: Record<string, unknown>): void {
  const roster = parse(readFileSync(suite.ws.roster, 'utf8')) as Record<string, Record<string, unknown>>;
  roster[id] = { ...roster[id], ...fields };
  writeFileSync(suite.ws.roster, stringify(roster));
}

t.test('a host without Node: a clear error without --bootstrap', async (t) => {
  const r = await halite('highstate', '--host', 'bare1');
  t.equal(r.code, EXIT.UNREACHABLE, r.err);
  t.match(r.out + r.err, /bare1: Node\.js >= 18 is not installed; run again with --bootstrap to install it/);
  const node = await suite.fleet.exec('bare1', ['sh', '-c', 'command -v node || echo none']);
  t.equal(node.stdout.trim(), 'none', 'nothing was installed');
});

t.test('--bootstrap sends the master\'s Node when the packages have none, and the highstate converges', async (t) => {
  const r = await halite('highstate', '--host', 'bare1', '--bootstrap');
  t.equal(r.code, 0, r.err + r.out);
  t.match(r.out, /Summary for bare1/);
  const v = await suite.fleet.exec('bare1', ['/var/lib/halite/node/bin/node', '-v']);
  t.equal(v.stdout.trim(), process.version, 'the master\'s own Node');
  const svc = await suite.fleet.exec('bare1', ['service', 'memcached', 'status'], { reject: false });
  t.equal(svc.exitCode, 0, 'memcached runs');
  const again = await halite('highstate', '--host', 'bare1', '--out', 'json');
  t.equal(again.code, 0, 'no --bootstrap needed any more');
  const changed = Object.values(JSON.parse(again.out).bare1 as Record<string, { changes: object }>).filter((s) => Object.keys(s.changes).length);
  t.same(changed, [], 'the second run changes nothing');
});

t.test('a non-root user with sudo: the agent runs as root', async (t) => {
  setRoster('sudo1', { user: 'ops', sudo: true });
  const r = await halite('highstate', '--host', 'sudo1');
  t.equal(r.code, 0, r.err + r.out);
  const owner = await suite.fleet.exec('sudo1', ['stat', '-c', '%U:%G %a', '/etc/memcached.conf']);
  t.equal(owner.stdout.trim(), 'root:root 644');
  const agent = await suite.fleet.exec('sudo1', ['stat', '-c', '%U', '/var/lib/halite/agent']);
  t.equal(agent.stdout.trim(), 'root', 'the agent was installed as root');
  const log = await suite.fleet.exec('sudo1', ['sh', '-c', 'grep -c "sudo.*ops.*COMMAND=/usr/bin/sh" /var/log/auth.log 2>/dev/null || echo no-log']);
  t.comment(`sudo log lines: ${log.stdout.trim()}`);
});

t.test('a non-root user without sudo: a clear failure, nothing half done', async (t) => {
  setRoster('sudo1', { user: 'ops', sudo: false });
  const r = await halite('highstate', '--host', 'sudo1');
  t.not(r.code, 0);
  t.match(r.out + r.err, /sudo1: .*(Permission denied|permission|not permitted)/i);
});
