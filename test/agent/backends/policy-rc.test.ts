// Holding back service starts during a package install: which services are held, what the
// policy-rc.d answers invoke-rc.d, and that the file never outlives the install nor replaces an
// administrator's own.
import t from 'tap';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  POLICY_RC,
  clearStalePolicy,
  heldServices,
  policyScript,
  withServicesHeld,
} from '../../../agent/backends/policy-rc.ts';
import type { LowChunk } from '../../../agent/protocol.ts';

const chunk = (state: string, fun: string, name: string): LowChunk => ({
  tag: `${state}_|-${name}_|-${name}_|-${fun}`,
  state,
  fun,
  id: name,
  name,
  sls: 'x',
  env: 'base',
  order: 0,
  args: {},
  meta: {},
  requisites: {},
});

t.test('held: services whose state follows the install with only files, packages and accounts between', async (t) => {
  const pkg = chunk('pkg', 'installed', 'memcached');
  const run = [
    chunk('file', 'managed', '/etc/motd'),
    pkg,
    chunk('file', 'managed', '/etc/memcached.conf'),
    chunk('user', 'present', 'mc'),
    chunk('service', 'running', 'memcached'),
    chunk('service', 'dead', 'exim4'),
  ];
  t.same(heldServices(pkg, run), ['memcached', 'exim4']);
  const withCmd = [pkg, chunk('cmd', 'run', 'mysql -e "create database x"'), chunk('service', 'running', 'mariadb')];
  t.same(heldServices(pkg, withCmd), [], 'a command between may need the service: nothing held');
  const before = [chunk('service', 'running', 'redis-server'), pkg];
  t.same(heldServices(pkg, before), [], 'a service state that ran before is not held');
  t.same(heldServices(pkg, [pkg, chunk('service', 'enabled', 'memcached')]), [], 'service.enabled does not start it');
  t.same(heldServices(pkg, [pkg, chunk('service', 'running', 'bad name;rm')]), [], 'only plain service names');
  t.same(heldServices(undefined, run), []);
});

t.test('the script refuses starts of held services and allows everything else', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'policy-rc-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const file = join(dir, 'policy-rc.d');
  writeFileSync(file, policyScript(['memcached', 'redis-server']), { mode: 0o755 });
  const code = (...args: string[]): number => {
    try {
      execFileSync(file, args);
      return 0;
    } catch (e) {
      return (e as { status: number }).status;
    }
  };
  t.equal(code('memcached', 'start'), 101);
  t.equal(code('--quiet', 'redis-server', 'restart'), 101);
  t.equal(code('memcached', '(start)', '2'), 101);
  t.equal(code('memcached', 'stop'), 0);
  t.equal(code('ssh', 'start'), 0, 'other services start as usual');
});

t.test("the file exists only during the install; an administrator's own is left alone", async (t) => {
  const root = mkdtempSync(join(tmpdir(), 'policy-root-'));
  t.teardown(() => rmSync(root, { recursive: true, force: true }));
  mkdirSync(join(root, 'usr/sbin'), { recursive: true });
  const path = join(root, POLICY_RC);
  const seen = await withServicesHeld(root, ['memcached'], async (held) => {
    t.same(held, ['memcached']);
    return readFileSync(path, 'utf8');
  });
  t.match(seen, /memcached\)/);
  t.notOk(existsSync(path), 'removed after the install');

  await t.rejects(
    withServicesHeld(root, ['memcached'], async () => {
      throw new Error('apt failed');
    }),
  );
  t.notOk(existsSync(path), 'removed after a failure too');

  t.same(await withServicesHeld(root, [], async (held) => held), [], 'nothing to hold: no file');
  t.notOk(existsSync(path));

  writeFileSync(path, '#!/bin/sh\nexit 101\n', { mode: 0o755 });
  t.same(await withServicesHeld(root, ['memcached'], async (held) => held), [], "an administrator's file: no hold");
  t.equal(readFileSync(path, 'utf8'), '#!/bin/sh\nexit 101\n', 'and it is untouched');
  clearStalePolicy(root);
  t.ok(existsSync(path), 'never removed as stale');

  writeFileSync(path, policyScript(['memcached']));
  clearStalePolicy(root);
  t.notOk(existsSync(path), 'one an interrupted run left is removed');
});
