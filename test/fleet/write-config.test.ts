// `npm run fleet -- up … --write-config DIR` gives a playground in one command: the hosts it made,
// with their roles and level, in a roster and a halite.yaml that `halite highstate` works with.
import t from 'tap';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { down } from './down.ts';

const REPO = join(import.meta.dirname, '..', '..');

function runNode(args: string[]): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, args, { cwd: REPO, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (b: Buffer) => (out += b.toString()));
    child.stderr.on('data', (b: Buffer) => (err += b.toString()));
    child.on('close', (code) => resolve({ code, out, err }));
  });
}

if (process.getuid?.() !== 0) {
  t.plan(0, 'the test fleet needs root (network namespaces, overlay mounts)');
} else {
  const name = `wcfg${process.pid}`;
  const dir = mkdtempSync(join(tmpdir(), 'halite-playground-'));
  t.teardown(async () => {
    await down(name);
    rmSync(dir, { recursive: true, force: true });
  });

  t.test('an unknown role is refused before anything is made', async (t) => {
    const r = await runNode([
      '--import',
      'tsx',
      'test/fleet/cli.ts',
      'up',
      '--name',
      name,
      '--roles',
      'memcahce',
      '--write-config',
      dir,
    ]);
    t.equal(r.code, 1);
    t.match(r.err, /no role named memcahce \(roles: app, .*memcache/);
    t.notOk(existsSync(join(dir, 'halite.yaml')));
  });

  t.test('one production memcache host: roster, configuration, and a highstate that works', async (t) => {
    const up = await runNode([
      '--import',
      'tsx',
      'test/fleet/cli.ts',
      'up',
      '--name',
      name,
      '--hosts',
      'cache1=memcache',
      '--level',
      'production',
      '--write-config',
      dir,
    ]);
    t.equal(up.code, 0, up.err);
    const roster = parse(readFileSync(join(dir, 'roster.yaml'), 'utf8')) as Record<
      string,
      { roles: string[]; level: string }
    >;
    t.same(Object.keys(roster), ['cache1']);
    t.match(roster.cache1, { roles: ['memcache'], level: 'production' });
    const config = join(dir, 'halite.yaml');
    t.match(up.out, `npx halite --config ${config} highstate --level production`);
    t.match(up.out, `npx halite --config ${config} ssh cache1`);
    t.match(up.out, `npm run fleet -- down --name ${name}`);

    const hs = await runNode([
      'bin/halite.js',
      '--config',
      config,
      'highstate',
      '--level',
      'production',
      '--state-output',
      'terse',
    ]);
    t.equal(hs.code, 0, hs.err);
    t.match(hs.out, /cache1:/);
    const run = await runNode([
      'bin/halite.js',
      '--config',
      config,
      'run',
      '--host',
      'cache1',
      '--',
      'pgrep',
      '-x',
      'memcached',
    ]);
    t.equal(run.code, 0, 'memcached runs on the host');
  });
}
