// The code-cache loader runs a CommonJS bundle like `node bundle.cjs ARGS…` would, writes the
// cache after the first run and uses it on the next.
import t from 'tap';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CODE_CACHE_LOADER, CODE_CACHE_SUFFIX } from '../../../agent/runtime/code-cache.ts';

const dir = mkdtempSync(join(tmpdir(), 'halite-code-cache-'));
t.teardown(() => rmSync(dir, { recursive: true, force: true }));
const bundle = join(dir, 'bundle.cjs');
writeFileSync(
  bundle,
  [
    "const { basename } = require('node:path');",
    'function busy(n) { let x = 0; for (let i = 0; i < n; i++) x += i % 7; return x; }',
    'process.stdout.write(JSON.stringify({ args: process.argv.slice(2), self: basename(process.argv[1]), dir: basename(__dirname), main: typeof module.exports, busy: busy(10) }));',
    'process.exitCode = Number(process.argv[2] ?? 0);',
  ].join('\n'),
);
const run = (...args: string[]) =>
  spawnSync(process.execPath, ['-e', CODE_CACHE_LOADER, bundle, ...args], { encoding: 'utf8' });

t.test('the bundle sees its own arguments, file name and exit code', async (t) => {
  const r = run('3', 'serve');
  t.equal(r.status, 3, r.stderr);
  t.same(JSON.parse(r.stdout), {
    args: ['3', 'serve'],
    self: 'bundle.cjs',
    dir: dir.split('/').pop(),
    main: 'object',
    busy: 24,
  });
});

t.test('the cache is written once and then used', async (t) => {
  const cache = bundle + CODE_CACHE_SUFFIX;
  rmSync(cache, { force: true });
  t.equal(run('0').status, 0);
  t.ok(existsSync(cache), 'cache written after the first run');
  const written = statSync(cache).mtimeMs;
  t.equal(run('0').status, 0);
  t.equal(statSync(cache).mtimeMs, written, 'an accepted cache is not rewritten');
});

t.test('a damaged cache is replaced, not fatal', async (t) => {
  const cache = bundle + CODE_CACHE_SUFFIX;
  writeFileSync(cache, 'not a code cache');
  const r = run('0');
  t.equal(r.status, 0, r.stderr);
  t.not(statSync(cache).size, 'not a code cache'.length, 'rewritten');
});

t.test('the bundle can have the cache written before it exits, and it is written once', async (t) => {
  const early = join(dir, 'early.cjs');
  const cache = early + CODE_CACHE_SUFFIX;
  writeFileSync(
    early,
    [
      "const fs = require('node:fs');",
      `const write = globalThis[Symbol.for('halite.codeCache.write')];`,
      `const before = fs.existsSync(${JSON.stringify(cache)});`,
      'if (typeof write === "function") { write(); write(); }',
      `const after = fs.existsSync(${JSON.stringify(cache)}) && fs.statSync(${JSON.stringify(cache)}).mtimeMs;`,
      'process.on("exit", () => { process.stdout.write(JSON.stringify({ hook: typeof write, before, after })); });',
    ].join('\n'),
  );
  const go = () => spawnSync(process.execPath, ['-e', CODE_CACHE_LOADER, early], { encoding: 'utf8' });
  rmSync(cache, { force: true });
  const first = go();
  t.equal(first.status, 0, first.stderr);
  const out = JSON.parse(first.stdout) as { hook: string; before: boolean; after: number | false };
  t.equal(out.hook, 'function', 'a process without a cache gets the writer');
  t.equal(out.before, false);
  t.type(out.after, 'number', 'written when asked, before the process ends');
  t.equal(statSync(cache).mtimeMs, out.after, 'not written again at exit');
  const second = go();
  t.equal(second.status, 0, second.stderr);
  t.equal(JSON.parse(second.stdout).hook, 'undefined', 'a process started from an accepted cache has nothing to write');
});
