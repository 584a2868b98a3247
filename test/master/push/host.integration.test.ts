// pushHost over the real transport against an in-process SSH server that runs commands with /bin/sh
// on this machine: bundle and files only when missing, events as they arrive, failures by kind.
import t from 'tap';
import {
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  symlinkSync,
  writeFileSync,
  chmodSync,
  existsSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import type { AgentEvent, JobEnvelope, WireMessage } from '../../../agent/protocol.ts';
import { REPORTED_GRAINS } from '../../../agent/facts/reported.ts';
import { agentBundle } from '../../../master/push/bundle.ts';
import { nodeBinaryPath } from '../../../master/push/bootstrap.ts';
import { masterNode } from '../../../master/push/master-node.ts';
import { installNode } from '../../../master/push/node-install.ts';
import { pushHost, type PushOptions } from '../../../master/push/host.ts';
import { ManifestCache } from '../../../master/push/manifest.ts';
import { hostKeyName, knownHostsLine } from '../../../master/transport/known-hosts.ts';
import type { HostTarget } from '../../../master/transport/target.ts';
import { Transport } from '../../../master/transport/transport.ts';
import { type FakeServer, closedPort, keyPair, startTarget } from '../transport/fake-ssh.ts';

const dir = mkdtempSync(join(tmpdir(), 'halite-push-'));
const client = keyPair();
const hostKey = keyPair();
const keyFile = join(dir, 'id_ed25519');
writeFileSync(keyFile, client.private, { mode: 0o600 });
const SECRET = 'sup3r-secret-value';

// the state tree on the master
const states = join(dir, 'states');
const out = join(dir, 'out');
mkdirSync(join(states, 'app'), { recursive: true });
mkdirSync(out);
writeFileSync(join(states, 'top.sls'), "base:\n  '*':\n    - app\n");
writeFileSync(
  join(states, 'app/init.sls'),
  [
    'conf:',
    '  file.managed:',
    `    - name: ${out}/app.conf`,
    '    - contents: "port={{ pillar[\'port\'] }}"',
    'check:',
    '  test.succeed_without_changes:',
    '    - name: "token {{ pillar[\'token\'] }}"',
    'boom:',
    '  cmd.run:',
    `    - name: "echo agent going down >&2; kill -9 $PPID"`,
    `    - onlyif: test -e ${dir}/kill-agent`,
    '',
  ].join('\n'),
);
const tree = new ManifestCache().scan(states);
const file = (h: string): Buffer | undefined => tree.read(h);

let server: FakeServer;
let transport: Transport;
let target: HostTarget;
t.before(async () => {
  server = await startTarget({ hostKey, authorized: [client] });
  const kh = join(dir, 'known_hosts');
  writeFileSync(kh, `${knownHostsLine(hostKeyName('127.0.0.1', server.port), hostKey.blob)}\n`);
  transport = new Transport({ key: keyFile, knownHosts: kh, connectTimeoutMs: 3000, keepaliveMs: 0 });
  target = { id: 'vm1', address: '127.0.0.1', port: server.port, user: 'root', jump: null };
});
t.teardown(async () => {
  transport?.close();
  await server?.close();
  rmSync(dir, { recursive: true, force: true });
});

function envelope(extra: Partial<JobEnvelope> = {}): JobEnvelope {
  return {
    jid: '1',
    id: 'vm1',
    grains: { roles: ['app'] },
    pillar: { port: 8080, token: SECRET },
    secrets: [SECRET],
    mine: {},
    saltenv: 'base',
    test: false,
    manifest: tree.manifest,
    ...extra,
  };
}

const base = (): PushOptions => ({
  agentDir: join(dir, 'agent'),
  serveArgs: ['--cas-root', join(dir, 'cas'), '--lock-file', join(dir, 'agent.lock')],
});

async function push(env = envelope(), opts: PushOptions = {}) {
  const events: AgentEvent[] = [];
  const messages: WireMessage[] = [];
  const result = await pushHost(
    transport,
    target,
    { envelope: env, file },
    {
      ...base(),
      onEvent: (e) => events.push(e),
      onMessage: (m) => messages.push(m),
      ...opts,
    },
  );
  return { result, events, messages };
}

t.test('first push sends the bundle and every file; results stream; secrets never come back', async (t) => {
  const bundle = await agentBundle();
  const { result, events, messages } = await push();
  t.equal(result.status, 'changed', JSON.stringify(result.errors));
  t.equal(result.host, 'vm1');
  t.same(
    messages.map((m) => m.type),
    ['need-agent', 'hello', 'need-files'],
  );
  t.ok(result.requested.agent);
  t.same([...result.requested.files].sort(), [...new Set(Object.values(tree.manifest))].sort());
  t.ok(result.bytesSent > bundle.code.length, `bundle sent (${result.bytesSent} bytes)`);
  t.same(
    events.map((e) => e.type),
    ['start', 'result', 'result', 'result', 'done'],
  );
  t.equal(result.results.length, 3);
  t.match(result.summary, { total: 3, changed: 1, failed: 0 });
  t.equal(readFileSync(join(out, 'app.conf'), 'utf8'), 'port=8080\n');
  t.notMatch(JSON.stringify(result), SECRET);
  t.notMatch(JSON.stringify(events), SECRET);
  t.equal(result.exitCode, 0);
  t.ok(existsSync(join(dir, 'agent', bundle.fileName)));
  // the host's facts travel with the start event, for the master's inventory
  const start = events[0] as Extract<AgentEvent, { type: 'start' }>;
  t.ok(Array.isArray(result.addresses), 'addresses reported');
  t.same(result.addresses, start.addresses);
  t.notOk(
    result.addresses!.some((a) => a.startsWith('127.') || a === '::1'),
    'no loopback address',
  );
  t.match(result.grains, { os: String, kernel: 'Linux', num_cpus: Number, ipv4: Array });
  t.same(
    Object.keys(result.grains!).filter((k) => !(REPORTED_GRAINS as readonly string[]).includes(k)),
    [],
    'only the reported grains',
  );
  t.match(result.grains, { osarch: String, virtual: String, saltversion: '3008.0', ip4_interfaces: Object });
  t.notMatch(JSON.stringify(result.grains), /8080|roles/, 'neither pillar nor roster data');
});

t.test('second push sends neither bundle nor files, and changes nothing', async (t) => {
  const { result, messages } = await push();
  t.equal(result.status, 'ok', JSON.stringify(result.errors));
  t.same(
    messages.map((m) => m.type),
    ['hello'],
    'no need-agent, no need-files',
  );
  t.notOk(result.requested.agent);
  t.same(result.requested.files, []);
  t.ok(result.bytesSent < 4096, `only the job went out (${result.bytesSent} bytes)`);
});

t.test('a failing state: status failed', async (t) => {
  writeFileSync(join(states, 'app/fail.sls'), 'nope:\n  test.fail_without_changes: []\n');
  const m = new ManifestCache().scan(states);
  const f = (h: string): Buffer | undefined => m.read(h);
  const r = await pushHost(
    transport,
    target,
    { envelope: envelope({ manifest: m.manifest, sls: ['app.fail'] }), file: f },
    base(),
  );
  t.equal(r.status, 'failed');
  t.same(r.requested.files, [m.manifest['app/fail.sls']], 'only the new file travels');
  t.equal(r.exitCode, 2);
});

t.test('results arrive while the run goes on, not at its end', async (t) => {
  writeFileSync(
    join(states, 'app/slow.sls'),
    'before:\n  test.succeed_without_changes: []\nslow:\n  cmd.run:\n    - name: sleep 1\n',
  );
  const m = new ManifestCache().scan(states);
  const f = (h: string): Buffer | undefined => m.read(h);
  const at = new Map<string, number>();
  const r = await pushHost(
    transport,
    target,
    { envelope: envelope({ manifest: m.manifest, sls: ['app.slow'] }), file: f },
    {
      ...base(),
      onEvent: (e) => void at.set(e.type === 'result' ? e.id : e.type, Date.now()),
    },
  );
  t.equal(r.status, 'changed', JSON.stringify(r.errors));
  t.ok(
    at.get('done')! - at.get('before')! >= 700,
    `the first result came ${at.get('done')! - at.get('before')!} ms before done`,
  );
});

t.test("a render error: status error with the agent's errors", async (t) => {
  const r = await pushHost(transport, target, { envelope: envelope({ sls: ['missing.sls.name'] }), file }, base());
  t.equal(r.status, 'error');
  t.equal(r.errors[0].code, 'SLS_NOT_FOUND');
  t.equal(r.errors[0].host, 'vm1');
});

t.test('an agent that dies mid-run: error with its stderr tail', async (t) => {
  writeFileSync(join(dir, 'kill-agent'), '');
  const { result, events } = await push();
  rmSync(join(dir, 'kill-agent'));
  t.equal(result.status, 'error');
  t.match(
    result.errors[0].message,
    /vm1: the agent (was killed by SIGKILL|exited with status \d+) before finishing the run/,
  );
  t.ok(
    events.some((e) => e.type === 'start') && !events.some((e) => e.type === 'done'),
    'results up to the crash were streamed',
  );
  t.equal(result.results.length, 2, 'the states before the crash are kept');
  // the lock of the dead agent is taken over by the next run
  const again = await push();
  t.equal(again.result.status, 'ok', JSON.stringify(again.result.errors));
});

t.test('no connection: unreachable', async (t) => {
  const port = await closedPort();
  const r = await pushHost(
    transport,
    { ...target, id: 'gone', port },
    { envelope: envelope({ id: 'gone' }), file },
    base(),
  );
  t.equal(r.status, 'unreachable');
  t.equal(r.errors[0].code, 'TRANSPORT');
  t.equal(r.errors[0].host, 'gone');
  t.same(r.results, []);
});

t.test('no node: error saying to use --bootstrap; with bootstrap, node is installed and the job runs', async (t) => {
  // a PATH with the tools the bootstrap needs but no node; apt-get "installs" node by linking it in
  const bin = join(dir, 'bin');
  mkdirSync(bin);
  for (const tool of [
    'mkdir',
    'mktemp',
    'head',
    'sha256sum',
    'chmod',
    'mv',
    'rm',
    'sed',
    'ln',
    'cat',
    'id',
    'kill',
    'test',
    'sh',
  ]) {
    const found = spawnSync('/bin/sh', ['-c', `command -v ${tool}`])
      .stdout.toString()
      .trim();
    if (found.startsWith('/')) symlinkSync(found, join(bin, tool));
  }
  writeFileSync(
    join(bin, 'apt-cache'),
    '#!/bin/sh\nprintf "nodejs:\\n  Installed: (none)\\n  Candidate: 18.19.0+dfsg-6~deb12u2\\n"\n',
  );
  writeFileSync(
    join(bin, 'apt-get'),
    `#!/bin/sh\nln -s ${JSON.stringify(process.execPath)} ${JSON.stringify(join(bin, 'node'))}\n`,
  );
  chmodSync(join(bin, 'apt-cache'), 0o755);
  chmodSync(join(bin, 'apt-get'), 0o755);
  const saved = process.env.PATH;
  process.env.PATH = bin; // the in-process SSH server runs commands with this environment
  try {
    const without = await push();
    t.equal(without.result.status, 'error');
    t.match(without.result.errors[0], { code: 'BOOTSTRAP', host: 'vm1' }, 'not an internal error');
    t.match(without.result.errors[0].message, /Node\.js >= 18 is not installed.*--bootstrap/);
    t.same(
      without.messages.map((m) => m.type),
      ['need-node'],
    );
    t.notOk(existsSync(join(bin, 'node')));

    const withIt = await push(envelope(), { bootstrap: true });
    t.equal(withIt.result.status, 'ok', JSON.stringify(withIt.result.errors));
    t.ok(existsSync(join(bin, 'node')), 'node installed');
    t.same(
      withIt.messages.map((m) => m.type),
      ['need-node', 'hello'],
    );
  } finally {
    process.env.PATH = saved;
  }
});

t.test(
  "no Node package: --bootstrap sends the master's binary, asked for by size, kept under its sha256",
  async (t) => {
    const bin = join(dir, 'bin-no-package');
    mkdirSync(bin);
    for (const tool of [
      'mkdir',
      'mktemp',
      'head',
      'sha256sum',
      'chmod',
      'mv',
      'rm',
      'sed',
      'cat',
      'id',
      'kill',
      'test',
      'sh',
      'uname',
    ]) {
      const found = spawnSync('/bin/sh', ['-c', `command -v ${tool}`])
        .stdout.toString()
        .trim();
      if (found.startsWith('/')) symlinkSync(found, join(bin, tool));
    }
    writeFileSync(
      join(bin, 'apt-cache'),
      '#!/bin/sh\nprintf "nodejs:\\n  Installed: (none)\\n  Candidate: (none)\\n"\n',
    );
    chmodSync(join(bin, 'apt-cache'), 0o755);
    // the "master's Node": a small launcher of the real one, so the transfer stays small
    const launcher = join(dir, 'master-node');
    writeFileSync(launcher, `#!/bin/sh\nexec ${JSON.stringify(process.execPath)} "$@"\n`);
    chmodSync(launcher, 0o755);
    const node = await masterNode(launcher);
    const nodeDir = join(dir, 'node');
    const opts: PushOptions = { bootstrap: true, nodeDir, masterNode: () => Promise.resolve(node) };
    const saved = process.env.PATH;
    process.env.PATH = bin;
    try {
      const first = await push(envelope(), opts);
      t.equal(first.result.status, 'ok', JSON.stringify(first.result.errors));
      t.same(
        first.messages.map((m) => m.type),
        ['need-node', 'hello'],
      );
      t.same(readFileSync(nodeBinaryPath(node.sha256, nodeDir)), readFileSync(launcher), 'the binary arrived whole');
      t.ok(first.result.bytesSent >= node.bytes, 'its bytes are counted');

      const second = await push(envelope(), opts);
      t.equal(second.result.status, 'ok');
      t.same(
        second.messages.map((m) => m.type),
        ['hello'],
        'found without installing anything',
      );

      const again = await installNode(transport, target, { nodeDir, masterNode: () => Promise.resolve(node) });
      t.same(again, { via: 'present', bytesSent: 0 }, 'a binary already there is not sent again');
      // a binary that changed on disk since it was hashed
      const changed = await installNode(transport, target, {
        nodeDir: join(dir, 'node2'),
        masterNode: () => Promise.resolve({ ...node, sha256: 'f'.repeat(64) }),
      });
      t.match(changed, {
        failure:
          /no installable nodejs package \(candidate: \(none\)\); sending the master's Node.js failed \(exit 1\):\nhalite: the Node binary arrived damaged \(sha256 mismatch\)/,
        bytesSent: node.bytes,
      });
      t.same(readdirSync(join(dir, 'node2', 'f'.repeat(64), 'bin')), [], 'nothing kept');
    } finally {
      process.env.PATH = saved;
    }
  },
);

t.test('a bootstrap that fails before the agent starts: a BOOTSTRAP error with its stderr', async (t) => {
  writeFileSync(join(dir, 'not-a-dir'), '');
  const r = await pushHost(
    transport,
    target,
    { envelope: envelope(), file },
    { ...base(), agentDir: join(dir, 'not-a-dir', 'agent') },
  );
  t.equal(r.status, 'error');
  t.equal(r.errors[0].code, 'BOOTSTRAP');
  t.match(
    r.errors[0].message,
    /^vm1: the bootstrap exited with status 1 before finishing the run: mkdir: .*Not a directory/,
  );
});

t.test(
  'stopping a job: the agent finishes its current state and stops; the host is interrupted with what it did',
  async (t) => {
    writeFileSync(
      join(states, 'app/stoppable.sls'),
      'first:\n  cmd.run:\n    - name: sleep 1\nsecond:\n  test.succeed_with_changes: []\n',
    );
    const m = new ManifestCache().scan(states);
    const f = (h: string): Buffer | undefined => m.read(h);
    const stop = new AbortController();
    const r = await pushHost(
      transport,
      target,
      { envelope: envelope({ manifest: m.manifest, sls: ['app.stoppable'] }), file: f },
      {
        ...base(),
        stop: stop.signal,
        onEvent: (e) => void (e.type === 'start' && stop.abort()),
      },
    );
    t.equal(r.status, 'interrupted', JSON.stringify(r.errors));
    t.same(
      r.results.map((x) => [x.id, x.result]),
      [['first', true]],
      'the running state finished; no further state ran',
    );
    t.match(r.errors, [{ code: 'INTERRUPTED', message: /stopped after 1 states/ }]);
    t.notOk(r.unresolved, 'the master saw the end of the run');
  },
);

t.test(
  'a job cut short after the agent started: interrupted and unresolved; the next job fetches what the agent kept',
  async (t) => {
    const lastJob = join(dir, 'last-job.ndjson');
    const opts = { ...base(), serveArgs: [...base().serveArgs!, '--last-job', lastJob] };
    const m = new ManifestCache().scan(states);
    const f = (h: string): Buffer | undefined => m.read(h);
    const abort = new AbortController();
    const cut = await pushHost(
      transport,
      target,
      { envelope: envelope({ jid: '77', manifest: m.manifest, sls: ['app.stoppable'] }), file: f },
      {
        ...opts,
        signal: abort.signal,
        onEvent: (e) => void (e.type === 'start' && abort.abort()),
      },
    );
    t.equal(cut.status, 'interrupted', JSON.stringify(cut.errors));
    t.ok(cut.unresolved);
    t.match(cut.errors.at(-1), { code: 'INTERRUPTED', message: /fetched at the next contact/ });

    const recovered: Array<{ jid: string; events: AgentEvent[] }> = [];
    const next = await pushHost(
      transport,
      target,
      { envelope: envelope({ jid: '78', recover: ['77'], lockWait: 10 }), file },
      {
        ...opts,
        onLastJob: (jid, events) => void recovered.push({ jid, events }),
      },
    );
    t.equal(next.status, 'ok', JSON.stringify(next.errors));
    t.equal(recovered.length, 1);
    t.equal(recovered[0].jid, '77');
    t.equal(recovered[0].events[0].type, 'start', 'the kept record of the cut run, as the agent sent it');
    t.notMatch(JSON.stringify(recovered), SECRET);
  },
);
