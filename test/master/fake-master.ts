// A master directory for in-process `main()` runs against a loopback SSH target (fake-ssh.ts):
// key, pinned known-hosts, halite.yaml and a roster, all in a temporary directory.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../master/cli.ts';
import type { CliIo } from '../../master/output/cli-io.ts';
import { knownHostsLine } from '../../master/transport/known-hosts.ts';
import { type FakeServer, type KeyPair, keyPair, startTarget } from './transport/fake-ssh.ts';

export interface MasterDir {
  dir: string;
  remove(): void;
}

/**
 * halite.yaml (`ssh.persist: 0`: no connection keeper) and a roster whose hosts all reach `target`
 * directly; `hosts` maps id to extra roster lines (level, roles, priv, another port…).
 */
export function masterDir(
  target: FakeServer,
  targetKey: KeyPair,
  client: KeyPair,
  hosts: Record<string, string[]>,
  config: string[] = [],
): MasterDir {
  const dir = mkdtempSync(join(tmpdir(), 'halite master '));
  writeFileSync(join(dir, 'id_ed25519'), client.private, { mode: 0o600 });
  writeFileSync(join(dir, 'known_hosts'), knownHostsLine(`[127.0.0.1]:${target.port}`, targetKey.blob) + '\n');
  writeFileSync(
    join(dir, 'halite.yaml'),
    [
      'ssh:',
      '  key: id_ed25519',
      '  known_hosts: known_hosts',
      '  connect_timeout: 5',
      '  persist: 0',
      'levels:',
      '  staging: {}',
      '  production: {}',
      ...config,
      '',
    ].join('\n'),
  );
  const roster = Object.entries(hosts).flatMap(([id, lines]) => [
    `${id}:`,
    '  host: 127.0.0.1',
    ...(lines.some((l) => l.startsWith('port:')) ? [] : [`  port: ${target.port}`]),
    ...lines.map((l) => `  ${l}`),
  ]);
  writeFileSync(join(dir, 'roster.yaml'), roster.join('\n') + '\n');
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

export interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** `halite ARGS…` in-process, from `cwd`. */
export async function halite(cwd: string, args: string[]): Promise<Run> {
  const out = { stdout: '', stderr: '' };
  const io: CliIo = { stdout: (s) => void (out.stdout += s), stderr: (s) => void (out.stderr += s), env: {}, cwd };
  const code = await main(args, io);
  return { code, ...out };
}

/** The hooks of a test file that the fixture below registers on. */
interface Hooks {
  before(fn: () => Promise<void>): unknown;
  teardown(fn: () => Promise<void>): unknown;
}

export interface TargetFixture {
  /** The loopback target (started by the test file's `before`). */
  readonly target: FakeServer;
  /** A master directory for `hosts` (see masterDir), removed when the test file ends. */
  master(hosts: Record<string, string[]>, config?: string[]): string;
}

/** A loopback SSH target for a whole test file, and master directories pointing at it. */
export function targetFixture(t: Hooks): TargetFixture {
  const client = keyPair();
  const targetKey = keyPair();
  const dirs: MasterDir[] = [];
  let target: FakeServer | undefined;
  t.before(async () => {
    target = await startTarget({ hostKey: targetKey, authorized: [client] });
  });
  t.teardown(async () => {
    await target?.close();
    for (const d of dirs) d.remove();
  });
  return {
    get target() {
      if (!target) throw new Error('the target starts in before()');
      return target;
    },
    master(hosts, config = []) {
      const d = masterDir(this.target, targetKey, client, hosts, config);
      dirs.push(d);
      return d.dir;
    },
  };
}
