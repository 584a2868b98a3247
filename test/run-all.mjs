// Runs the tap suite, or groups of it, and ends with one line: "N passed, N failed[, N skipped]".
//
//   node test/run-all.mjs                       everything (npm test)
//   node test/run-all.mjs --group unit          in-process tests (npm run test:unit)
//   node test/run-all.mjs --group integration   real processes, terminals, loopback SSH, bundles, the checkout
//   node test/run-all.mjs --group fleet         the namespace fleet (needs root): e2e, fleet, bench, demo
//
// --group may be given more than once. Other arguments go to tap (options, or test files instead
// of a group).
import { spawn } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

/**
 * A test file's group, from its path relative to the checkout: the namespace fleet's folders and
 * the demo; files named *.integration.test.ts and the checkout check; all others are unit tests.
 */
export function groupOf(file) {
  if (/^test\/(e2e|fleet|bench)\//.test(file) || file === 'test/demo.test.ts') return 'fleet';
  if (file.endsWith('.integration.test.ts') || file === 'test/checkout-state.test.ts') return 'integration';
  return 'unit';
}

export const GROUPS = ['unit', 'integration', 'fleet'];

/** Every test file under test/, relative to the checkout, sorted. */
export function testFiles() {
  return readdirSync(join(ROOT, 'test'), { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && e.name.endsWith('.test.ts'))
    .map((e) => relative(ROOT, join(e.parentPath, e.name)))
    .sort();
}

function parseArgs(argv) {
  const groups = [];
  const rest = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = a === '--group' ? argv[++i] : a.startsWith('--group=') ? a.slice('--group='.length) : undefined;
    if (value === undefined) rest.push(a);
    else if (GROUPS.includes(value)) groups.push(value);
    else throw new Error(`unknown test group '${value}' (${GROUPS.join(', ')})`);
  }
  return { groups, rest };
}

function run(argv) {
  let groups, rest;
  try {
    ({ groups, rest } = parseArgs(argv));
  } catch (err) {
    console.error(`run-all: ${err.message}`);
    console.log('0 passed, 1 failed');
    process.exit(1);
  }
  const files = groups.length ? testFiles().filter((f) => groups.includes(groupOf(f))) : [];
  const child = spawn('npx', ['tap', '--reporter=base', ...rest, ...files], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let tail = '';
  child.stdout.on('data', (buf) => {
    process.stdout.write(buf);
    tail = (tail + buf.toString()).slice(-4096);
  });
  child.on('close', (code) => {
    const m = /#\s*\{([^}]*)\}\s*$/m.exec(tail.replace(/\x1b\[[0-9;]*m/g, ''));
    const counts = Object.fromEntries(
      (m?.[1] ?? '')
        .split(',')
        .map((kv) => kv.split(':').map((s) => s.trim()))
        .filter((p) => p.length === 2)
        .map(([k, v]) => [k, Number(v)]),
    );
    const passed = counts.pass ?? 0;
    let failed = counts.fail ?? 0;
    if (code !== 0 && failed === 0) failed = 1; // the runner itself failed (crash, timeout, no summary)
    const skipped = (counts.skip ?? 0) + (counts.todo ?? 0);
    console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
    process.exit(code === 0 && failed === 0 ? 0 : 1);
  });
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) run(process.argv.slice(2));
