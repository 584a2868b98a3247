// Runs the tap suite, or groups of it, and ends with one line: "N passed, N failed[, N skipped]".
//
//   node test/run-all.mjs                       everything (npm test)
//   node test/run-all.mjs --group unit          in-process tests (npm run test:unit)
//   node test/run-all.mjs --group integration   real processes, terminals, loopback SSH, bundles, the checkout
//   node test/run-all.mjs --group fleet         the namespace fleet (needs root): e2e, fleet, bench, demo
//
// --group may be given more than once. Test files given (paths or globs) run instead of the groups:
// `npm run test:unit -- test/x.test.ts` runs that file alone. Other arguments go to tap.
//
// A group's unit tests run in batches: each batch is one process that runs its files one after the
// other (test/batch.mjs), so the start of node, tap and the loader, and the modules the files
// share, are paid once per batch instead of once per file. --no-batch runs every file in its own
// process. Integration and fleet files always run in their own processes.
import { spawn } from 'node:child_process';
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

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

/** Files of a batch: enough that the per-process start is a small part of the batch's time. */
export const BATCH_SIZE = 16;

/**
 * `files` cut into batches of at most `size` files, neighbours together (tests of one folder share
 * most of their imports), the batches as even as the count allows.
 */
export function batches(files, size = BATCH_SIZE) {
  const count = Math.ceil(files.length / size);
  const out = [];
  for (let i = 0, start = 0; i < count; i++) {
    const end = start + Math.ceil((files.length - start) / (count - i));
    out.push(files.slice(start, end));
    start = end;
  }
  return out;
}

/** The entry module of a batch: runs `files` (relative to the checkout) in one process. */
export function batchEntry(files) {
  const runner = pathToFileURL(join(ROOT, 'test/batch.mjs')).href;
  return [
    `import { runBatch } from ${JSON.stringify(runner)};`,
    '',
    `await runBatch(${JSON.stringify(ROOT)}, ${JSON.stringify(files, null, 2)});`,
    '',
  ].join('\n');
}

/** A positional argument naming test files (a path or glob of scripts), not an option's value. */
const isFileArg = (a) => !a.startsWith('-') && /\.(ts|mts|cts|js|mjs|cjs)$/.test(a);

/**
 * The command line: groups, --no-batch, test files given, and the options left for tap. An
 * option's value given as the next argument stays with it (only script paths count as files).
 */
export function parseArgs(argv) {
  const groups = [];
  const files = [];
  const tapArgs = [];
  let batch = true;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--group' || a.startsWith('--group=')) {
      const value = a === '--group' ? argv[++i] : a.slice('--group='.length);
      if (!GROUPS.includes(value)) throw new Error(`unknown test group '${value ?? ''}' (${GROUPS.join(', ')})`);
      groups.push(value);
    } else if (a === '--no-batch') batch = false;
    else if (isFileArg(a)) files.push(a);
    else tapArgs.push(a);
  }
  return { groups, files, tapArgs, batch };
}

/**
 * What tap runs: the files given, or the groups' files (all groups when none is named) with the
 * unit files in batches (entries written to `batchDir`, one per batch, by `write(path, text)`).
 */
export function plan({ groups, files, batch }, all, batchDir, write) {
  if (files.length) return files;
  const chosen = all.filter((f) => (groups.length ? groups : GROUPS).includes(groupOf(f)));
  if (!batch) return chosen;
  const unit = chosen.filter((f) => groupOf(f) === 'unit');
  const entries = batches(unit).map((b, i, list) => {
    const entry = join(batchDir, `unit-${i + 1}-of-${list.length}.mjs`);
    write(entry, batchEntry(b));
    return relative(ROOT, entry);
  });
  return [...entries, ...chosen.filter((f) => groupOf(f) !== 'unit')];
}

/**
 * tap's options for the run: the ones given, and when only unit batches run and no --jobs is given,
 * one more job than there are CPUs (tap's default leaves one free: a single job on two), since some
 * unit tests wait on real processes and timers while another batch can use the CPU. Integration and
 * fleet files keep tap's default.
 */
export function tapOptions(tapArgs, run, cpus = availableParallelism()) {
  const onlyBatches = run.length > 0 && run.every((f) => /(^|\/)unit-\d+-of-\d+\.mjs$/.test(f));
  const jobsGiven = tapArgs.some((a) => /^(-j|--jobs)/.test(a));
  return onlyBatches && !jobsGiven ? [...tapArgs, `--jobs=${cpus + 1}`] : tapArgs;
}

function run(argv) {
  let args;
  try {
    args = parseArgs(argv);
  } catch (err) {
    console.error(`run-all: ${err.message}`);
    console.log('0 passed, 1 failed');
    process.exit(1);
  }
  // The batch entries live in tap's own directory in the checkout (ignored by git), one directory per run.
  const batchDir = join(ROOT, '.tap', `batches-${process.pid}`);
  process.on('exit', () => rmSync(batchDir, { recursive: true, force: true }));
  const files = plan(args, testFiles(), batchDir, (path, text) => {
    mkdirSync(batchDir, { recursive: true });
    writeFileSync(path, text);
  });
  const child = spawn('npx', ['tap', '--reporter=base', ...tapOptions(args.tapArgs, files), ...files], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  // ^C reaches tap too (the same process group); a TERM is passed on. Either way tap ends, reports,
  // and the batch entries are removed on the way out.
  process.on('SIGINT', () => {});
  process.on('SIGTERM', () => child.kill('SIGTERM'));
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
