// The master pushes a highstate of the shipped states/ to fleet VMs through the jump host: one exec
// per host, the bundle and state files only when the VM lacks them, results streamed as they come,
// each VM receiving its own pillar only.
import t from 'tap';
import { fileURLToPath } from 'node:url';
import { FsTree } from '../../agent/store/tree.ts';
import type { AgentEvent, JobEnvelope, WireMessage } from '../../agent/protocol.ts';
import { buildEnvelope } from '../../master/push/envelope.ts';
import { mineFromStore } from '../../master/pillar/inventory.ts';
import { JobStore } from '../../master/jobs/store.ts';
import { pushHost, type HostPushResult } from '../../master/push/host.ts';
import type { RosterHost } from '../../master/config/roster.ts';
import type { HostTarget } from '../../master/transport/target.ts';
import { Transport } from '../../master/transport/transport.ts';
import { treeManifest } from '../../master/push/manifest.ts';
import { up, type Fleet } from '../fleet/index.ts';

if (process.getuid?.() !== 0) {
  t.plan(0, 'the test fleet needs root (network namespaces, overlay mounts)');
  process.exit(0);
}

const REPO = fileURLToPath(new URL('../..', import.meta.url));
const SECRET = 'demo-redis-session-secret-change-me';
const RECORD = '/root/received-envelope.json';
const tree = treeManifest(`${REPO}states`);
const file = (h: string): Buffer | undefined => tree.read(h);

let fleet: Fleet;
let transport: Transport;

t.before(async () => {
  fleet = await up({
    name: 'e2e-push',
    replace: true,
    hosts: [
      { id: 'mem1', roles: ['memcache'], level: 'staging' },
      { id: 'sess1', roles: ['sessions'], level: 'staging' },
    ],
  });
  transport = new Transport({
    key: fleet.sshKey,
    knownHosts: fleet.knownHosts,
    connectTimeoutMs: 5000,
    keepaliveMs: 0,
  });
});
t.teardown(async () => {
  transport?.close();
  await fleet?.down();
  store.close();
});

function rosterHost(id: string): RosterHost {
  const h = fleet.hosts.find((x) => x.id === id)!;
  return {
    id,
    host: h.address,
    port: h.port,
    user: h.user,
    sudo: false,
    level: h.level ?? 'staging',
    roles: [...h.roles],
    grains: {},
  };
}

function target(host: RosterHost): HostTarget {
  return {
    id: host.id,
    address: host.host,
    port: host.port,
    user: host.user,
    jump: { address: fleet.jump.address, port: fleet.jump.port, user: fleet.jump.user },
    ...(host.timeout ? { connectTimeoutMs: host.timeout * 1000 } : {}),
  };
}

interface Pushed {
  result: HostPushResult;
  events: AgentEvent[];
  messages: WireMessage[];
  /** When the first event and the `done` event arrived, and when pushHost resolved. */
  firstEventAt?: number;
  doneAt?: number;
  resolvedAt: number;
}

// the master's inventory: what each push reported, as the orchestrator stores it
const store = JobStore.open(':memory:');

async function push(host: RosterHost, opts: { test?: boolean } = {}): Promise<Pushed> {
  const built = buildEnvelope({
    mine: mineFromStore(store, [rosterHost('mem1'), rosterHost('sess1')]),
    jid: `j${Date.now()}`,
    host,
    pillar: new FsTree(`${REPO}pillar`),
    privatePillar: new FsTree(`${REPO}pillar-private`),
    manifest: tree.manifest,
    test: opts.test ?? false,
  });
  if (!built.envelope) throw new Error(JSON.stringify(built.errors));
  const events: AgentEvent[] = [];
  const messages: WireMessage[] = [];
  let firstEventAt: number | undefined;
  let doneAt: number | undefined;
  const result = await pushHost(
    transport,
    target(host),
    { envelope: built.envelope, file },
    {
      serveArgs: ['--record-envelope', RECORD],
      limits: { timeout: 300 },
      onEvent: (e) => {
        firstEventAt ??= Date.now();
        if (e.type === 'done') doneAt = Date.now();
        events.push(e);
      },
      onMessage: (m) => messages.push(m),
    },
  );
  if (result.addresses || result.grains) store.updateInventory(host.id, result.addresses ?? [], result.grains ?? {});
  return { result, events, messages, firstEventAt, doneAt, resolvedAt: Date.now() };
}

async function received(id: string): Promise<JobEnvelope & { type?: string }> {
  return JSON.parse((await fleet.exec(id, ['cat', RECORD])).stdout) as JobEnvelope;
}

t.test('first push: bundle and every state file travel, memcached converges, results stream', async (t) => {
  const p = await push(rosterHost('mem1'));
  const { result } = p;
  t.equal(result.status, 'changed', JSON.stringify(result.errors));
  t.ok(result.requested.agent, 'the VM asked for the agent bundle');
  t.same(
    [...result.requested.files].sort(),
    [...new Set(Object.values(tree.manifest))].sort(),
    'and for every state file',
  );
  t.same(
    p.messages.map((m) => m.type).filter((type) => type !== 'alive'),
    ['need-agent', 'hello', 'need-files'],
    'keep-alive messages aside, while the converge runs',
  );
  t.equal(p.events[0].type, 'start');
  t.equal(p.events.at(-1)!.type, 'done');
  t.equal(p.events.filter((e) => e.type === 'result').length, result.results.length);
  // installing memcached takes seconds: the first events must have arrived well before the last
  t.ok(
    p.doneAt! - p.firstEventAt! >= 500,
    `events streamed: the first came ${p.doneAt! - p.firstEventAt!} ms before done`,
  );
  t.ok(result.results.some((r) => r.tag === 'service_|-memcached_|-memcached_|-running' && r.result === true));
  t.match((await fleet.exec('mem1', ['pidof', 'memcached'])).stdout, /^\d+/, 'memcached runs');
  t.ok(result.addresses?.includes(rosterHost('mem1').host), `the VM reported its fleet address (${result.addresses})`);
  t.same(
    store.inventory().map((r) => r.host),
    ['mem1'],
    'and the inventory holds it',
  );
});

t.test('second push: neither bundle nor files, zero changes', async (t) => {
  const p = await push(rosterHost('mem1'));
  const { result } = p;
  t.equal(result.status, 'ok', JSON.stringify(result.errors));
  t.same(
    p.messages.map((m) => m.type),
    ['hello'],
    'no need-agent, no need-files',
  );
  t.notOk(result.requested.agent);
  t.same(result.requested.files, []);
  t.equal(result.summary?.changed, 0);
  t.ok(result.bytesSent < 16_384, `only the job envelope went out (${result.bytesSent} bytes)`);
  t.ok(result.results.length > 0);
});

t.test('a host that is not running is unreachable while another host succeeds', async (t) => {
  const sess = rosterHost('sess1');
  // given up on after a second, well before sess1's first converge (seconds of package installs) ends
  const ghost: RosterHost = {
    ...rosterHost('mem1'),
    id: 'ghost1',
    host: sess.host.replace(/\.\d+$/, '.250'),
    timeout: 1,
  };
  const [ok, gone] = await Promise.all([push(sess), push(ghost)]);
  t.equal(gone.result.status, 'unreachable', JSON.stringify(gone.result.errors));
  t.equal(gone.result.errors[0].host, 'ghost1');
  t.equal(ok.result.status, 'changed', JSON.stringify(ok.result.results.filter((r) => r.result === false)));
  t.ok(gone.resolvedAt < ok.resolvedAt, 'the unreachable host did not hold up the other');
  t.same(ok.result.errors, []);
  t.ok(ok.result.results.length > 0);
  t.notMatch(JSON.stringify(ok.result), SECRET, 'the redis password never comes back in results');
  t.notMatch(JSON.stringify(ok.events), SECRET);
  t.match(
    (await fleet.exec('sess1', ['cat', '/etc/redis/redis.conf'])).stdout,
    SECRET,
    'while the VM got it in its config',
  );
  const env = await received('sess1');
  t.ok(
    (env.mine.mem1?.['network.ip_addrs'] as string[] | undefined)?.includes(rosterHost('mem1').host),
    "its envelope carried mem1's reported address as mine data",
  );
});

t.test('each VM received its own pillar only; the secret went to the sessions host alone', async (t) => {
  const sess = await received('sess1');
  const mem = await received('mem1');
  t.equal(sess.id, 'sess1');
  t.equal(mem.id, 'mem1');
  t.equal((sess.pillar.redis as Record<string, unknown>).password, SECRET);
  t.ok(sess.secrets.includes(SECRET));
  t.equal((sess.pillar.memcached as Record<string, unknown>).memory, 128);
  t.notMatch(JSON.stringify(mem), SECRET, 'the memcache host never saw the redis password');
  t.notOk('redis' in mem.pillar);
  const admins = JSON.stringify(mem.pillar.admins);
  t.ok(
    mem.secrets.length > 0 && mem.secrets.every((v) => admins.includes(JSON.stringify(v))),
    'its only secrets are the administrators every host gets',
  );
  t.equal((mem.pillar.memcached as Record<string, unknown>).memory, 64);
  t.same(mem.grains, { id: 'mem1', level: 'staging', roles: ['memcache'] });
});
