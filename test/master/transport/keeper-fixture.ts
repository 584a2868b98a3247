// What the connection-keeper tests share: a private directory with the client's key, an in-process
// jump host and target whose keys are pinned in a known-hosts file, and the keepers and clients
// made by a test file, all closed after it.
import t from 'tap';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hostKeyName, knownHostsLine } from '../../../master/transport/known-hosts.ts';
import type { KeptTransport } from '../../../master/transport/mux-client.ts';
import type { Keeper } from '../../../master/transport/mux-server.ts';
import type { HostTarget } from '../../../master/transport/target.ts';
import { type FakeServer, keyPair, startJump, startTarget } from './fake-ssh.ts';

export interface KeeperFixture {
  dir: string;
  keyFile: string;
  knownHosts: string;
  readonly jump: FakeServer;
  readonly target: FakeServer;
  /** Stopped after the tests. */
  keepers: Keeper[];
  /** Closed after the tests. */
  clients: KeptTransport[];
  /** The target as reached through the jump host (or another port of loopback). */
  viaJump(id: string, port?: number): HostTarget;
}

export function keeperFixture(prefix: string): KeeperFixture {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  chmodSync(dir, 0o700);
  const client = keyPair();
  const jumpKey = keyPair();
  const targetKey = keyPair();
  const keyFile = join(dir, 'id_ed25519');
  writeFileSync(keyFile, client.private, { mode: 0o600 });
  const knownHosts = join(dir, 'known_hosts');
  let servers: { jump: FakeServer; target: FakeServer } | undefined;
  const up = (): { jump: FakeServer; target: FakeServer } => {
    if (!servers) throw new Error('the SSH servers are not up yet');
    return servers;
  };
  const f: KeeperFixture = {
    dir,
    keyFile,
    knownHosts,
    keepers: [],
    clients: [],
    get jump() {
      return up().jump;
    },
    get target() {
      return up().target;
    },
    viaJump: (id, port = up().target.port) => ({
      id,
      address: '127.0.0.1',
      port,
      user: 'root',
      jump: { address: '127.0.0.1', port: up().jump.port, user: 'root' },
    }),
  };
  t.before(async () => {
    const jump = await startJump({ hostKey: jumpKey, authorized: [client] });
    const target = await startTarget({ hostKey: targetKey, authorized: [client] });
    servers = { jump, target };
    writeFileSync(
      knownHosts,
      [
        knownHostsLine(hostKeyName('127.0.0.1', jump.port), jumpKey.blob),
        knownHostsLine(hostKeyName('127.0.0.1', target.port), targetKey.blob),
      ].join('\n') + '\n',
    );
  });
  t.teardown(async () => {
    for (const c of f.clients) c.close();
    for (const k of f.keepers) k.stop();
    if (servers) await Promise.all([servers.jump.close(), servers.target.close()]);
    rmSync(dir, { recursive: true, force: true });
  });
  return f;
}
