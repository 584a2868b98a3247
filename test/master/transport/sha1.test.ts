// SHA-1 `ssh-rsa` host key signatures are refused unless `ssh.allow_sha1` asks for them: an
// in-process server whose RSA host key signs only with SHA-1, another that signs with SHA-2.
import t from 'tap';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { preferredAlgorithms } from '../../../master/transport/host-key.ts';
import { hostKeyName, knownHostsLine } from '../../../master/transport/known-hosts.ts';
import type { HostTarget } from '../../../master/transport/target.ts';
import { Transport } from '../../../master/transport/transport.ts';
import { type FakeServer, keyPair, startTarget } from './fake-ssh.ts';

const dir = mkdtempSync(join(tmpdir(), 'halite-sha1-'));
const client = keyPair();
const rsa = keyPair('rsa');
const keyFile = join(dir, 'id_ed25519');
writeFileSync(keyFile, client.private, { mode: 0o600 });
const servers: FakeServer[] = [];
t.teardown(async () => {
  for (const s of servers) await s.close();
  rmSync(dir, { recursive: true, force: true });
});

async function rsaHost(algorithms: string[]): Promise<{ target: HostTarget; knownHosts: string }> {
  const server = await startTarget({ hostKey: rsa, authorized: [client], hostKeyAlgorithms: algorithms });
  servers.push(server);
  const knownHosts = join(dir, `known_hosts-${server.port}`);
  writeFileSync(knownHosts, `${knownHostsLine(hostKeyName('127.0.0.1', server.port), rsa.blob)}\n`);
  return { target: { id: 'old1', address: '127.0.0.1', port: server.port, user: 'root', jump: null }, knownHosts };
}

t.test('ssh-rsa is not offered by default, and comes last when allowed', async (t) => {
  t.notOk(preferredAlgorithms([]).includes('ssh-rsa'));
  t.notOk(preferredAlgorithms(['ssh-rsa']).includes('ssh-rsa'), 'not even for a pinned RSA key');
  t.same(preferredAlgorithms(['ssh-rsa']).slice(0, 2), ['rsa-sha2-512', 'rsa-sha2-256']);
  t.equal(preferredAlgorithms([], true).at(-1), 'ssh-rsa');
});

t.test('a host that signs only with SHA-1 is refused by default, with the setting named', async (t) => {
  const { target, knownHosts } = await rsaHost(['ssh-rsa']);
  const transport = new Transport({ key: keyFile, knownHosts, connectTimeoutMs: 3000, keepaliveMs: 0 });
  t.teardown(() => transport.close());
  await t.rejects(transport.exec(target, ['echo', 'hi']), {
    message: /no host key algorithm halite accepts.*ssh\.allow_sha1/,
  });
});

t.test('the same host is accepted with allowSha1', async (t) => {
  const { target, knownHosts } = await rsaHost(['ssh-rsa']);
  const transport = new Transport({
    key: keyFile,
    knownHosts,
    connectTimeoutMs: 3000,
    keepaliveMs: 0,
    allowSha1: true,
  });
  t.teardown(() => transport.close());
  const r = await transport.exec(target, ['echo', 'hi']);
  t.equal(r.stdout, 'hi\n');
});

t.test('an RSA host key signing with SHA-2 is accepted by default', async (t) => {
  const { target, knownHosts } = await rsaHost(['rsa-sha2-256', 'ssh-rsa']);
  const transport = new Transport({ key: keyFile, knownHosts, connectTimeoutMs: 3000, keepaliveMs: 0 });
  t.teardown(() => transport.close());
  const r = await transport.exec(target, ['echo', 'hi']);
  t.equal(r.stdout, 'hi\n');
});
