// `npm run demo` as a newcomer meets it: from an empty fleet cache (the VM image is built first,
// downloading from the machine's Debian mirror), in a process of its own, to the end — exit 0, a
// second highstate with nothing to change, and nothing left behind: no fleet, no mounts, no
// temporary build directories, no configuration directory.
import t from 'tap';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { mountsUnder } from './fleet/down.ts';
import { down } from './fleet/index.ts';
import { stateRoot } from './fleet/state.ts';

const REPO = join(import.meta.dirname, '..');

/** Every module test/demo.ts loads, following static and dynamic imports; bare specifiers as they are. */
function importGraph(entry: string): { files: Set<string>; packages: Set<string> } {
  const files = new Set<string>();
  const packages = new Set<string>();
  const visit = (file: string) => {
    if (files.has(file)) return;
    files.add(file);
    const text = readFileSync(file, 'utf8');
    for (const m of text.matchAll(
      /(?:^|\n)\s*(?:import|export)\s[^'"]*?from\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)|(?:^|\n)\s*import\s+['"]([^'"]+)['"]/g,
    )) {
      const spec = m[1] ?? m[2] ?? m[3];
      if (spec.startsWith('.')) visit(resolve(dirname(file), spec));
      else if (!spec.startsWith('node:'))
        packages.add(
          spec
            .split('/')
            .slice(0, spec.startsWith('@') ? 2 : 1)
            .join('/'),
        );
    }
  };
  visit(entry);
  return { files, packages };
}

t.test('the demo loads nothing of the test framework', async (t) => {
  const { files, packages } = importGraph(join(REPO, 'test', 'demo.ts'));
  t.ok(files.has(join(REPO, 'master', 'cli.ts')), 'the graph reaches the command line');
  t.ok(files.has(join(REPO, 'test', 'fleet', 'up.ts')), 'and the fleet');
  t.same(
    [...packages].filter((p) => p === 'tap' || p.startsWith('@tapjs/')),
    [],
  );
  t.same(
    [...files].filter((f) => f.endsWith('.test.ts') || f.includes('/test/e2e/')),
    [],
    'no test files or test helpers',
  );
});

/** Runs test/demo.ts in a process of its own; `onErr` sees its stderr so far as it grows. */
function demo(args: string[], env: NodeJS.ProcessEnv, onErr: (err: string, child: ChildProcess) => void = () => {}) {
  const child = spawn(process.execPath, ['--import', 'tsx', join(REPO, 'test', 'demo.ts'), ...args], {
    cwd: REPO,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout.on('data', (b: Buffer) => (out += b.toString()));
  child.stderr.on('data', (b: Buffer) => {
    err += b.toString();
    onErr(err, child);
  });
  return new Promise<{ code: number | null; out: string; err: string }>((r) =>
    child.on('close', (code) => r({ code, out, err })),
  );
}

if (process.getuid?.() !== 0) {
  t.comment('the demo needs root (namespaces, mounts): skipped');
} else {
  t.test('Ctrl-C during the demo takes its fleet down and removes its configuration', async (t) => {
    const name = `demo-i${process.pid}`;
    t.teardown(() => down(name).catch(() => {}));
    let sent = false;
    const r = await demo(['--name', name], {}, (err, child) => {
      if (!sent && err.includes('first highstate')) child.kill('SIGINT');
      sent ||= err.includes('first highstate');
    });
    t.equal(r.code, 130, 'exit code 128 + SIGINT');
    t.match(r.err, /SIGINT: stopping and cleaning up/);
    t.notMatch(r.err, /demo failed/);
    t.notOk(existsSync(join(stateRoot(), name)), 'the fleet is down');
    const config = /configuration: (\S+)/.exec(r.err)?.[1];
    t.ok(config && !existsSync(dirname(config)), 'its configuration directory is removed');
  });

  // the VM image is built from scratch first: a few minutes on a loaded machine
  t.setTimeout(20 * 60_000);
  t.test(
    'from an empty fleet cache, the demo builds the image, converges, changes nothing the second time and cleans up',
    async (t) => {
      const cache = mkdtempSync(join(tmpdir(), 'halite-demo-cache-'));
      const name = `demo-t${process.pid}`;
      t.teardown(async () => {
        await down(name).catch(() => {});
        if (mountsUnder([cache]).length === 0) rmSync(cache, { recursive: true, force: true });
      });
      const { code, out, err } = await demo(['--name', name], { HALITE_FLEET_CACHE: cache });
      t.equal(code, 0, 'the demo exits 0');
      // what went wrong, where a reporter that hides comments still shows it
      if (code !== 0) process.stderr.write(`the demo's last output:\n${err.split('\n').slice(-60).join('\n')}\n`);

      t.match(err, /building the base root filesystem/, 'the image was built');
      t.match(err, /retrieving packages: \d+/, 'with progress while debootstrap runs');
      t.match(err, /package repository ready/);
      const summaries = out.split('Fleet summary').slice(1);
      t.equal(summaries.length, 2, 'two highstates');
      const changed = (s: string) => [...s.matchAll(/^\s+changed\s+(\d+)$/gm)].map((m) => Number(m[1]));
      t.ok(changed(summaries[0])[1] > 0, 'the first highstate changes states');
      t.same(changed(summaries[1]), [0, 0], 'the second highstate changes no host and no state');

      t.same(
        readdirSync(cache).filter((n) => n.includes('.tmp-') || n === '.build-lock'),
        [],
        'no temporary build directories or lock',
      );
      t.same(mountsUnder([cache]), [], 'nothing mounted from the cache anywhere');
      t.notOk(existsSync(join(stateRoot(), name)), 'the fleet is down');
      const config = /configuration: (\S+)/.exec(err)?.[1];
      t.ok(config && !existsSync(dirname(config)), 'its configuration directory is removed');
    },
  );
}
