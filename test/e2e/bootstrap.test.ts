// --bootstrap and sudo on real fleet hosts. Two hosts lose Debian's nodejs: apt1 gets a package
// source offering it again (the .debs the fleet's base was built from), bare1 none (pinned away), so it is sent the
// master's own Node. sudo1 has two accounts with the fleet's key: ops may use sudo without a
// password, guest may not use it at all.
import t from 'tap';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { nodeBinaryPath } from '../../master/push/bootstrap.ts';
import { EXIT } from '../../master/exit-codes.ts';
import { masterNode } from '../../master/push/master-node.ts';
import { installNode } from '../../master/push/node-install.ts';
import type { HostTarget } from '../../master/transport/target.ts';
import { Transport } from '../../master/transport/transport.ts';
import { cacheLayout, cacheRoot } from '../fleet/cache-layout.ts';
import type { Fleet } from '../fleet/index.ts';
import { fleetSuite } from './workspace.ts';

/** The .debs the fleet's base was built from, of what purging nodejs removes (debootstrap keeps them). */
let nodejsDebs: string[] | undefined;

const suite = fleetSuite(
  'e2e-bootstrap',
  [
    { id: 'apt1', roles: ['memcache'], level: 'staging' },
    { id: 'bare1', roles: ['memcache'], level: 'staging' },
    { id: 'sudo1', roles: ['memcache'], level: 'staging' },
  ],
  async ({ fleet }) => {
    nodejsDebs = await purgedDebs(fleet, 'apt1');
    const env = { DEBIAN_FRONTEND: 'noninteractive' };
    for (const id of ['apt1', 'bare1']) await fleet.exec(id, ['apt-get', 'purge', '-y', '-q', 'nodejs'], { env });
    if (nodejsDebs) await offerDebs(fleet, 'apt1', nodejsDebs);
    // the fleet's repository may carry nodejs as another package's dependency: bare1 is told no
    // source offers it
    await fleet.exec('bare1', [
      'sh',
      '-c',
      "printf 'Package: nodejs\\nPin: release *\\nPin-Priority: -1\\n' > /etc/apt/preferences.d/no-nodejs",
    ]);
    // operator accounts with the fleet's key: ops with passwordless sudo, guest without sudo rights
    for (const user of ['ops', 'guest']) {
      await fleet.exec(
        'sudo1',
        [
          'sh',
          '-c',
          [
            `useradd -m -s /bin/sh ${user}`,
            `mkdir -p /home/${user}/.ssh && cat > /home/${user}/.ssh/authorized_keys && chown -R ${user}:${user} /home/${user}/.ssh && chmod 0700 /home/${user}/.ssh`,
          ].join(' && '),
        ],
        { input: readFileSync(`${fleet.sshKey}.pub`) },
      );
    }
    await fleet.exec('sudo1', [
      'sh',
      '-c',
      "echo 'ops ALL=(ALL) NOPASSWD:ALL' > /etc/sudoers.d/ops && chmod 0440 /etc/sudoers.d/ops",
    ]);
  },
);

/** File names in the fleet's debootstrap cache of the packages `apt-get purge nodejs` would remove. */
async function purgedDebs(fleet: Fleet, id: string): Promise<string[] | undefined> {
  const sim = await fleet.exec(id, ['apt-get', '-s', 'purge', 'nodejs']);
  const names = [...sim.stdout.matchAll(/^Purg (\S+)/gm)].map((m) => m[1]);
  const q = await fleet.exec(id, ['dpkg-query', '-W', '-f=${Package}_${Version}_${Architecture}.deb\n', ...names]);
  const files = q.stdout
    .trim()
    .split('\n')
    .map((f) => f.replace(':', '%3a'));
  const dir = cacheLayout(cacheRoot()).debootstrap;
  return names.includes('nodejs') && files.every((f) => existsSync(join(dir, f))) ? files : undefined;
}

/** A flat apt repository on the host with these .debs, as a package source next to the fleet's. */
async function offerDebs(fleet: Fleet, id: string, files: string[]): Promise<void> {
  const tar = execFileSync('tar', ['-C', cacheLayout(cacheRoot()).debootstrap, '-cf', '-', ...files], {
    maxBuffer: 256 << 20,
  });
  await fleet.exec(
    id,
    [
      'sh',
      '-c',
      [
        'mkdir -p /srv/nodejs-repo && cd /srv/nodejs-repo && tar -xf -',
        'for f in *.deb; do dpkg-deb -f "$f"; echo "Filename: ./$f"; echo "Size: $(stat -c %s "$f")"; echo "SHA256: $(sha256sum "$f" | cut -d" " -f1)"; echo; done > Packages',
        'echo "deb [trusted=yes] file:/srv/nodejs-repo ./" > /etc/apt/sources.list.d/nodejs.list',
        'apt-get update -qq',
      ].join(' && '),
    ],
    { input: tar },
  );
}

const halite = suite.halite;

function setRoster(id: string, fields: Record<string, unknown>): void {
  const roster = parse(readFileSync(suite.ws.roster, 'utf8')) as Record<string, Record<string, unknown>>;
  roster[id] = { ...roster[id], ...fields };
  writeFileSync(suite.ws.roster, stringify(roster));
}

async function sh(id: string, script: string): Promise<string> {
  return (await suite.fleet.exec(id, ['sh', '-c', script])).stdout.trim();
}

/** Tags of the states a `--out json` run changed on `id`. */
function changedStates(out: string, id: string): string[] {
  const states = JSON.parse(out)[id] as Record<string, { changes: object }>;
  return Object.entries(states)
    .filter(([, s]) => Object.keys(s.changes).length)
    .map(([tag]) => tag);
}

t.test('a host without Node: a clear error without --bootstrap, exit code 4, nothing installed', async (t) => {
  for (const id of ['apt1', 'bare1']) {
    const r = await halite('highstate', '--host', id);
    t.equal(r.code, EXIT.UNREACHABLE, r.err);
    t.match(
      r.out + r.err,
      new RegExp(`${id}: Node\\.js >= 18 is not installed; run again with --bootstrap to install it`),
    );
    t.equal(
      await sh(id, 'command -v node || ls /var/lib/halite 2>/dev/null || echo none'),
      'none',
      'nothing was installed',
    );
  }
});

t.test("--bootstrap installs Debian's nodejs when the package sources offer it", async (t) => {
  if (!t.ok(nodejsDebs, "the .debs of the base's nodejs are in the fleet cache (debootstrap keeps its downloads)"))
    return;
  t.match(await sh('apt1', 'apt-cache policy nodejs'), /Candidate: 18\./, 'the package source offers nodejs 18');
  const installs = () => sh('apt1', 'grep -c " install nodejs:" /var/log/dpkg.log || true');
  const installedBefore = Number(await installs());
  const r = await halite('highstate', '--host', 'apt1', '--bootstrap');
  t.equal(r.code, 0, r.err + r.out);
  t.match(r.out, /Summary for apt1/);
  t.match(await sh('apt1', "dpkg-query -W -f='${Status}' nodejs"), 'install ok installed');
  t.match(await sh('apt1', 'node -v'), /^v18\./);
  t.equal(await sh('apt1', 'ls /var/lib/halite/node 2>/dev/null || echo none'), 'none', 'no binary was sent');
  t.equal(await sh('apt1', 'service memcached status >/dev/null && echo running'), 'running');

  const again = await halite('highstate', '--host', 'apt1', '--bootstrap', '--out', 'json');
  t.equal(again.code, 0, again.err);
  t.same(changedStates(again.out, 'apt1'), [], 'the second run changes nothing');
  t.equal(Number(await installs()), installedBefore + 1, 'nodejs was installed once');
});

t.test("--bootstrap sends the master's own Node when the package sources offer none", async (t) => {
  t.notMatch(await sh('bare1', 'apt-cache policy nodejs'), /Candidate: \d/, 'no package offers nodejs');
  const node = await masterNode();
  const path = nodeBinaryPath(node.sha256);
  const r = await halite('highstate', '--host', 'bare1', '--bootstrap');
  t.equal(r.code, 0, r.err + r.out);
  t.match(r.out, /Summary for bare1/);
  t.equal(await sh('bare1', `${path} -v`), process.version, "the master's Node, under its sha256");
  t.equal(await sh('bare1', `sha256sum ${path} | cut -d' ' -f1`), node.sha256);
  t.equal(await sh('bare1', `ls -A ${path.replace(/\/node$/, '')}`), 'node', 'no temporary file left');
  t.equal(await sh('bare1', 'command -v node || echo none'), 'none', 'the system is left as it was');
  t.equal(await sh('bare1', 'service memcached status >/dev/null && echo running'), 'running');

  const before = await sh('bare1', `stat -c '%i %Y' ${path}`);
  const again = await halite('highstate', '--host', 'bare1', '--bootstrap', '--out', 'json');
  t.equal(again.code, 0, again.err);
  t.same(changedStates(again.out, 'bare1'), [], 'the second run changes nothing');
  t.equal(await sh('bare1', `stat -c '%i %Y' ${path}`), before, 'the binary was not sent again');

  // asked to install again, the host has the binary already and reads nothing
  const transport = new Transport({
    key: suite.fleet.sshKey,
    knownHosts: suite.ws.knownHosts,
    connectTimeoutMs: 5000,
    keepaliveMs: 0,
  });
  t.teardown(() => transport.close());
  const h = suite.fleet.hosts.find((x) => x.id === 'bare1')!;
  const target: HostTarget = {
    id: 'bare1',
    address: h.address,
    port: h.port,
    user: h.user,
    jump: { address: suite.fleet.jump.address, port: suite.fleet.jump.port, user: suite.fleet.jump.user },
  };
  t.same(await installNode(transport, target), { via: 'present', bytesSent: 0 });
});

t.test('a non-root user without sudo: a clear bootstrap error, nothing half done', async (t) => {
  setRoster('sudo1', { user: 'ops', sudo: false });
  const r = await halite('highstate', '--host', 'sudo1');
  t.equal(r.code, EXIT.UNREACHABLE, r.err + r.out);
  t.match(
    r.out + r.err,
    /sudo1: the bootstrap exited with status 1 before finishing the run: mkdir: .*Permission denied/,
  );
  t.match(r.out + r.err, /logged in as ops without sudo/);
  t.equal(await sh('sudo1', 'ls /var/lib/halite 2>/dev/null || echo none'), 'none');
});

t.test('a non-root user with sudo: the agent runs as root', async (t) => {
  setRoster('sudo1', { user: 'ops', sudo: true });
  const r = await halite('highstate', '--host', 'sudo1');
  t.equal(r.code, 0, r.err + r.out);
  t.match(r.out, /Summary for sudo1/);
  t.equal(await sh('sudo1', 'stat -c "%U:%G %a" /etc/memcached.conf'), 'root:root 644', 'managed files belong to root');
  t.equal(await sh('sudo1', 'stat -c %U /var/lib/halite/agent/agent-*.cjs'), 'root', 'the bootstrap ran as root');
  const cas = await sh('sudo1', 'find /var/lib/halite/files -type f -printf "%U\\n" | sort -u');
  t.equal(cas, '0', 'the files the agent stored belong to uid 0');
  t.equal(
    await sh('sudo1', 'find /etc /var /run /tmp -xdev -user ops | head -5'),
    '',
    'nothing belongs to the operator',
  );
  t.equal(
    await sh('sudo1', 'service memcached status >/dev/null && echo running'),
    'running',
    'the packages were installed',
  );
});

t.test('a non-root user without sudo once the agent is there: a clear error again', async (t) => {
  setRoster('sudo1', { user: 'ops', sudo: false });
  const r = await halite('highstate', '--host', 'sudo1');
  t.equal(r.code, EXIT.UNREACHABLE, 'the host cannot run the agent for this login (not an internal error)');
  t.match(r.out + r.err, /sudo1: error \(.*permission denied/i, 'the reason is on the progress line');
  t.match(r.out + r.err, /logged in as ops without sudo/);
});

t.test('sudo that wants a password: a clear bootstrap error', async (t) => {
  setRoster('sudo1', { user: 'guest', sudo: true });
  const r = await halite('highstate', '--host', 'sudo1');
  t.equal(r.code, EXIT.UNREACHABLE, r.err + r.out);
  t.match(r.out + r.err, /sudo: a password is required/);
  t.match(r.out + r.err, /sudo asks guest for a password: halite needs passwordless sudo/);
});
