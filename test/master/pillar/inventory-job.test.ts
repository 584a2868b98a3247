// The inventory from the job store to a host's files: the master joins the roster with what hosts
// reported, renders the host's pillar with it and sends it in the envelope; the agent renders the
// SLS and a managed file's template with it.
import t from 'tap';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { PassThrough } from 'node:stream';
import { parseEvent } from '../../../agent/output/emit.ts';
import { LineReader } from '../../../agent/util/line-reader.ts';
import type { AgentEvent, JobEnvelope } from '../../../agent/protocol.ts';
import { serve } from '../../../agent/runtime/serve.ts';
import { MemTree } from '../../../agent/store/tree.ts';
import { buildEnvelope } from '../../../master/push/envelope.ts';
import { inventoryHosts, mineFromStore } from '../../../master/pillar/inventory.ts';
import { JobStore } from '../../../master/jobs/store.ts';
import type { RosterHost } from '../../../master/config/roster.ts';
import { treeManifest } from '../../../master/push/manifest.ts';

const dir = mkdtempSync(join(tmpdir(), 'halite-inventory-'));
t.teardown(() => rmSync(dir, { recursive: true, force: true }));
const out = join(dir, 'out');
mkdirSync(out);

const host = (id: string, level: string, roles: string[]): RosterHost => ({
  id,
  host: `${id}.example.org`,
  port: 22,
  user: 'root',
  sudo: false,
  level,
  roles,
  grains: {},
});
const ROSTER = [
  host('app1', 'staging', ['app']),
  host('mc1', 'staging', ['memcache']),
  host('mc2', 'staging', ['memcache']),
  host('mc3', 'production', ['memcache']),
  host('mc4', 'staging', ['memcache']),
];

const pillar = new MemTree({
  'top.sls': "base:\n  'roles:app':\n    - match: grain\n    - app\n",
  'app.sls':
    "app:\n  memcache: {{ inventory.ips('memcache') | json }}\n  production: {{ salt['inventory.ips']('memcache', level='production') | json }}\n",
});

const states: Record<string, string> = {
  'top.sls': "base:\n  '*':\n    - app\n",
  'app/init.sls': [
    'memcache-servers:',
    '  file.managed:',
    `    - name: ${out}/memcache.conf`,
    '    - source: salt://app/memcache.conf.j2',
    '    - template: jinja',
    'from-pillar:',
    '  test.succeed_without_changes:',
    "    - name: {{ pillar['app']['memcache'] | join(',') }}",
    '',
  ].join('\n'),
  'app/memcache.conf.j2':
    "{% for h in inventory.hosts('memcache') if h.address %}server {{ h.address }}:11211 # {{ h.id }}\n{% endfor %}",
};
const statesDir = join(dir, 'states');
for (const [path, body] of Object.entries(states)) {
  mkdirSync(dirname(join(statesDir, path)), { recursive: true });
  writeFileSync(join(statesDir, path), body);
}
const tree = treeManifest(statesDir);

/** Plays the master's side of one exchange with the envelope; returns the agent's events. */
async function run(env: JobEnvelope): Promise<{ code: number; events: AgentEvent[] }> {
  const stdin = new PassThrough();
  const stdout = new PassThrough();
  const events: AgentEvent[] = [];
  const lines = new LineReader(stdout);
  const reading = (async () => {
    for (let line = await lines.next(); line !== undefined; line = await lines.next()) {
      const m = JSON.parse(line) as Record<string, unknown>;
      const ev = parseEvent(line);
      if (ev) events.push(ev);
      if (m.type === 'hello') stdin.write(`${JSON.stringify({ type: 'job', ...env })}\n`);
      if (m.type === 'need-files') {
        const files = Object.fromEntries((m.hashes as string[]).map((h) => [h, tree.read(h)!.toString('base64')]));
        stdin.end(`${JSON.stringify({ type: 'files', files })}\n`);
      }
    }
  })();
  const quiet = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };
  const code = await serve({
    stdin,
    out: (l) => void stdout.write(l),
    log: quiet,
    casRoot: join(dir, 'cas'),
    lockFile: join(dir, 'agent.lock'),
    detectGrains: () => ({ id: 'detected', level: 'production', roles: ['memcache'] }),
  });
  stdout.end();
  await reading;
  return { code, events };
}

t.test('reported addresses reach the pillar on the master and the files on the host', async (t) => {
  const store = JobStore.open(':memory:');
  t.teardown(() => store.close());
  store.updateInventory('mc2', ['10.0.1.12', 'fd00::12'], { roles: ['app'] });
  store.updateInventory('mc1', ['10.0.1.11'], { level: 'production' });
  store.updateInventory('mc3', ['10.0.2.13'], {});
  store.updateInventory('gone', ['10.0.1.99'], {});
  // mc4 never reported
  const mine = mineFromStore(store, ROSTER);
  const inventory = inventoryHosts(mine, ROSTER);
  const r = buildEnvelope({
    jid: '20261122000000000001',
    host: ROSTER[0],
    pillar,
    manifest: tree.manifest,
    mine,
    inventory,
  });
  t.same(r.errors, []);
  const env = r.envelope!;
  t.same(
    env.pillar,
    { app: { memcache: ['10.0.1.11', '10.0.1.12'], production: ['10.0.2.13'] } },
    'pillar rendered on the master',
  );
  t.same(
    env.inventory?.map((h) => h.id),
    ['app1', 'mc1', 'mc2', 'mc3', 'mc4'],
    'the envelope carries the roster hosts only',
  );

  const job = await run(env);
  t.equal(
    job.code,
    0,
    JSON.stringify(job.events.filter((e) => e.type === 'error' || (e.type === 'result' && e.result === false))),
  );
  t.equal(
    readFileSync(join(out, 'memcache.conf'), 'utf8'),
    'server 10.0.1.11:11211 # mc1\nserver 10.0.1.12:11211 # mc2\n',
    'the roster level wins over a detected one; mc3 is production, mc4 never reported',
  );
  const fromPillar = job.events.find((e) => e.type === 'result' && e.tag.startsWith('test_|-from-pillar')) as Extract<
    AgentEvent,
    { type: 'result' }
  >;
  t.equal(fromPillar.name, '10.0.1.11,10.0.1.12');
});

t.test('an envelope without an inventory (an older master) renders empty lists', async (t) => {
  const r = buildEnvelope({
    jid: '20261122000000000002',
    host: ROSTER[0],
    pillar: new MemTree({}),
    manifest: tree.manifest,
  });
  const env = { ...r.envelope!, pillar: { app: { memcache: [] } } };
  t.equal(env.inventory, undefined);
  const job = await run(env);
  t.equal(job.code, 0);
  t.equal(readFileSync(join(out, 'memcache.conf'), 'utf8'), '');
});
