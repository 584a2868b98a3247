// pushHost against a hostile agent (test/e2e/hostile-agent.ts) over the real transport and an
// in-process SSH server on loopback: the bundle file the bootstrap runs is the hostile program.
// Each attack ends that host alone, with its own status, and the command on the host is stopped.
import t from 'tap';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { JobEnvelope } from '../../../agent/protocol.ts';
import { agentBundle } from '../../../master/push/bundle.ts';
import { pushHost, type PushOptions } from '../../../master/push/host.ts';
import { type HostileMode, hostileProgram } from '../../e2e/hostile-agent.ts';
import { type LoopbackTarget, loopbackTarget } from '../transport/fake-ssh.ts';

const dir = mkdtempSync(join(tmpdir(), 'halite-hostile-'));
const modeFile = join(dir, 'mode.json');

let loop: LoopbackTarget;
t.before(async () => {
  loop = await loopbackTarget(dir);
  const b = await agentBundle();
  mkdirSync(join(dir, 'agent'));
  writeFileSync(join(dir, 'agent', b.fileName), hostileProgram(modeFile));
});
t.teardown(async () => {
  await loop?.close();
  rmSync(dir, { recursive: true, force: true });
});

const envelope: JobEnvelope = {
  jid: 'j1',
  id: 'vm1',
  grains: {},
  pillar: {},
  secrets: [],
  mine: {},
  saltenv: 'base',
  test: false,
  manifest: {},
};

async function attack(mode: HostileMode, opts: PushOptions = {}) {
  writeFileSync(modeFile, JSON.stringify(mode));
  return pushHost(
    loop.transport,
    loop.target,
    { envelope, file: () => undefined },
    { agentDir: join(dir, 'agent'), ...opts },
  );
}

t.test('an agent that starts and then says nothing ends as timeout (idle)', async (t) => {
  const r = await attack({ mode: 'hang' }, { limits: { idleTimeout: 1 } });
  t.equal(r.status, 'timeout');
  t.match(r.errors, [{ code: 'TIMEOUT', host: 'vm1', message: 'vm1: sent nothing for 1 s' }]);
});

t.test('a run over its time ends as timeout', async (t) => {
  const r = await attack({ mode: 'hang' }, { limits: { timeout: 1, idleTimeout: 0 } });
  t.equal(r.status, 'timeout');
  t.match(r.errors, [{ code: 'TIMEOUT', message: 'vm1: did not finish within 1 s' }]);
});

t.test('a line over the limit stops the host', async (t) => {
  const r = await attack({ mode: 'hugeline', bytes: 8 << 20 }, { limits: { maxLine: 1 << 20 } });
  t.equal(r.status, 'error');
  t.match(r.errors, [{ code: 'PROTOCOL', message: /a line longer than 1 MiB \(host_max_line\)/ }]);
});

t.test('output over the limit stops the host', async (t) => {
  const r = await attack({ mode: 'flood', lines: 1_000_000 }, { limits: { maxOutput: 1 << 20 } });
  t.equal(r.status, 'error');
  t.match(r.errors, [{ code: 'PROTOCOL', message: /more than 1 MiB of output \(host_max_output\)/ }]);
});

t.test('junk lines under the limit are passed over', async (t) => {
  const r = await attack({ mode: 'flood', lines: 200_000 });
  t.equal(r.status, 'ok', JSON.stringify(r.errors));
});

t.test('an event with missing fields fails the host with what was wrong', async (t) => {
  const r = await attack({ mode: 'badtypes' });
  t.equal(r.status, 'error');
  t.match(r.errors, [
    {
      code: 'PROTOCOL',
      message:
        "vm1: the agent broke the protocol: invalid result event: missing 'tag', 'name', 'sls', 'changes', 'comment', 'start_time', 'duration_ms', 'run_num'",
    },
  ]);
});

t.test("another host's name in the events: refused, nothing it reported kept", async (t) => {
  const r = await attack({ mode: 'identity', claim: 'vm2', addresses: ['10.0.0.9'] });
  t.equal(r.status, 'error');
  t.match(r.errors, [
    { code: 'PROTOCOL', message: /it reported itself as 'vm2' \(the roster says this host is 'vm1'\)/ },
  ]);
  t.equal(r.addresses, undefined);
});

t.test('crafted facts: only what parses is kept, the rest is a warning', async (t) => {
  const r = await attack({
    mode: 'facts',
    addresses: ['10.0.0.1\nx: y', '10.0.0.2'],
    grains: { os: 'Debian', fqdn: 'a b' },
  });
  t.equal(r.status, 'ok');
  t.same(r.addresses, ['10.0.0.2']);
  t.same(r.grains, { os: 'Debian' });
  t.match(r.warnings, [
    {
      code: 'PROTOCOL',
      message: /address entry "10\.0\.0\.1\\nx: y" \(not an IP address\); grain fqdn "a b" \(not a host name\)/,
    },
  ]);
});
