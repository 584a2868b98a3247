// Builds that do not finish leave nothing behind: an interrupted build removes its directory
// (unmounting what it mounted inside first), and what a killed build left is removed at the next
// start once its process is gone — without ever deleting through a mount.
import t from 'tap';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { removeLeftovers } from './build-dir.ts';
import { childrenOf, isRunning, readProcStat } from './proc.ts';
import { mountPointsUnder } from './remove.ts';
import { run } from './run.ts';

const root = process.getuid?.() === 0;
const here = import.meta.dirname;

/** A pid that belonged to a process that has exited. */
function deadPid(): number {
  const r = spawnSync('sh', ['-c', 'echo $$']);
  return Number(r.stdout.toString().trim());
}

function scratch(t: { teardown(fn: () => Promise<void>): void }): { cache: string; outside: string } {
  const cache = mkdtempSync(join(tmpdir(), 'halite-leftovers-'));
  const outside = mkdtempSync(join(tmpdir(), 'halite-leftovers-outside-'));
  writeFileSync(join(outside, 'precious'), 'keep me');
  t.teardown(async () => {
    for (const m of mountPointsUnder(cache)) await run(['umount', '--lazy', m], { reject: false });
    rmSync(cache, { recursive: true, force: true });
    rmSync(outside, { recursive: true, force: true });
  });
  return { cache, outside };
}

t.test(
  'leftovers of dead builds are removed, mounts inside them unmounted first; live builds stay',
  { skip: !root && 'mounts need root' },
  async (t) => {
    const { cache, outside } = scratch(t);
    const dead = join(cache, `base-0123456789abcdef.tmp-${deadPid()}`);
    mkdirSync(join(dead, 'rootfs', 'proc'), { recursive: true });
    writeFileSync(join(dead, 'rootfs', 'etc-file'), 'x');
    await run(['mount', '--bind', outside, join(dead, 'rootfs', 'proc')]);
    const sleeper = spawn('sleep', ['600'], { stdio: 'ignore' });
    t.teardown(() => sleeper.kill('SIGKILL'));
    const live = join(cache, `repo-fedcba9876543210.tmp-${sleeper.pid}`);
    mkdirSync(join(live, 'pool'), { recursive: true });
    const finished = join(cache, 'base-0123456789abcdef');
    mkdirSync(finished);
    const lock = join(cache, '.build-lock');
    mkdirSync(lock);
    writeFileSync(join(lock, 'pid'), String(deadPid()));

    const lines: string[] = [];
    const removed = await removeLeftovers(cache, (l) => lines.push(l), { lock });
    t.same(removed.sort(), ['.build-lock', `base-0123456789abcdef.tmp-${dead.split('-').pop()}`].sort());
    t.notOk(existsSync(dead), 'the dead build is gone');
    t.same(mountPointsUnder(cache), [], 'nothing stays mounted');
    t.equal(readdirSync(outside).join(), 'precious', 'what was mounted inside is untouched');
    t.ok(existsSync(live), 'a build whose process runs is left alone');
    t.ok(existsSync(finished), 'finished builds are not leftovers');
    t.notOk(existsSync(lock), 'a lock whose holder is gone is removed');
    t.match(lines.join('\n'), /removing base-0123456789abcdef\.tmp-\d+: left by a build that did not finish/);

    mkdirSync(lock);
    writeFileSync(join(lock, 'pid'), String(sleeper.pid));
    t.same(await removeLeftovers(cache, () => {}, { lock }), [], 'second pass: nothing more');
    t.ok(existsSync(lock), 'a lock held by a running process stays');
    t.same(
      await removeLeftovers(cache, () => {}, { noBuildRuns: true }),
      [live.slice(cache.length + 1)],
      'holding the lock: a running pid is not a build',
    );
  },
);

t.test(
  'the directory of a dead build stays while a process it started still works in it',
  { skip: !root && 'needs root' },
  async (t) => {
    const { cache } = scratch(t);
    const dir = join(cache, `base-0123456789abcdef.tmp-${deadPid()}`);
    mkdirSync(join(dir, 'rootfs'), { recursive: true });
    const orphan = spawn('sleep', ['600'], { cwd: join(dir, 'rootfs'), stdio: 'ignore' });
    const lines: string[] = [];
    t.same(await removeLeftovers(cache, (l) => lines.push(l)), []);
    t.ok(existsSync(dir));
    t.match(
      lines.join('\n'),
      new RegExp(`leaving base-0123456789abcdef\\.tmp-\\d+ for now: .*${orphan.pid} \\(sleep\\) still works in it`),
    );
    orphan.kill('SIGKILL');
    await new Promise((r) => orphan.on('close', r));
    t.same(await removeLeftovers(cache, () => {}), [dir.slice(cache.length + 1)], 'removed once it is gone');
  },
);

/** A build in a child process: mounts `outside` inside its directory, then waits in `sleep`. */
const CHILD = `
const { buildInto } = await import(${JSON.stringify(join(here, 'build-dir.ts'))});
const { run } = await import(${JSON.stringify(join(here, 'run.ts'))});
const [final, outside] = process.argv.slice(-2);
await buildInto(final, 'test build', async (tmp, signal) => {
  const { mkdirSync } = await import('node:fs');
  mkdirSync(tmp + '/rootfs/proc', { recursive: true });
  await run(['mount', '--bind', outside, tmp + '/rootfs/proc']);
  const sleeping = run(['sh', '-c', 'sleep 600; true'], { signal });
  console.log('ready');
  await sleeping;
});
console.log('published');
`;

for (const [signal, code] of [
  ['SIGINT', 130],
  ['SIGTERM', 143],
] as const) {
  t.test(
    `${signal} during a build: the build's processes end, its directory is unmounted and removed`,
    { skip: !root && 'mounts need root' },
    async (t) => {
      const { cache, outside } = scratch(t);
      const script = join(cache, 'build.mjs');
      writeFileSync(script, CHILD);
      const final = join(cache, 'base-00000000000000aa');
      const child = spawn(process.execPath, ['--import', 'tsx', script, final, outside], {
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let out = '';
      let err = '';
      child.stderr.on('data', (b: Buffer) => (err += b.toString()));
      await new Promise<void>((resolve, reject) => {
        child.stdout.on('data', (b: Buffer) => {
          out += b.toString();
          if (out.includes('ready')) resolve();
        });
        child.on('close', () => reject(new Error(`the build ended early: ${out} ${err}`)));
      });
      const tree: number[] = [];
      const walk = (pid: number) => childrenOf(pid).forEach((c) => (tree.push(c), walk(c)));
      // sh may not have started sleep yet
      for (let i = 0; i < 200 && !tree.some((p) => readProcStat(p)?.comm === 'sleep'); i++) {
        await new Promise((r) => setTimeout(r, 50));
        tree.length = 0;
        walk(child.pid!);
      }
      t.ok(
        tree.some((p) => readProcStat(p)?.comm === 'sleep'),
        'the build runs sh and sleep',
      );
      t.ok(existsSync(`${final}.tmp-${child.pid}`));
      t.equal(mountPointsUnder(cache).length, 1);

      child.kill(signal);
      const exit = await new Promise<number | null>((resolve) => child.on('close', (c) => resolve(c)));
      t.equal(exit, code, `exit code 128 + the signal's number (${err.trim()})`);
      t.match(err, new RegExp(`${signal}: stopping and cleaning up`));
      t.notOk(out.includes('published'));
      t.same(readdirSync(cache).sort(), ['build.mjs'], 'no temporary directory, nothing published');
      t.same(mountPointsUnder(cache), [], 'nothing stays mounted');
      t.equal(readdirSync(outside).join(), 'precious', 'what was mounted inside is untouched');
      t.same(
        tree.filter((p) => isRunning(p)),
        [],
        "the build's processes are gone",
      );
    },
  );
}
