// The tests never depend on what a user's own runs leave in the checkout, and never write there.
// The tests that reach the checkout (its root, or the shipped example) run in a copy of it whose
// var/ holds what a user's runs leave — a job store with a run and reported addresses for every
// roster host, pinned host keys that match nothing — with a private temporary directory in which
// the default connection-keeper directory must stay unused. They must pass, and the copy must be
// unchanged afterwards.
import t from 'tap';
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  realpathSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { loadConfig } from '../master/config/halite-yaml.ts';
import { JobStore } from '../master/jobs/store.ts';
import { loadRoster } from '../master/config/roster.ts';
import { REPO } from './shipped.ts';

/** Left out of the copy: installed packages (linked instead), build output, run state, VCS and test-runner data. */
const NOT_COPIED = new Set(['node_modules', 'dist', 'var', '.git', '.tap', '.fleet']);
/** Written by the test runner or the build-when-stale loader, not by a test. */
const RUNNER_OUTPUT = /^(\.tap|dist)(\/|$)/;

/** Test files that reach the checkout: a path climbing from the test file's own, or the shipped-example helper. */
const CLIMB = String.raw`['"](\.\.\/)*\.\.\/?['"]`;
const REACHES_CHECKOUT = new RegExp(
  String.raw`import\.meta\.(dirname|url).*${CLIMB}|${CLIMB}.*import\.meta\.(dirname|url)|from '(\.\.\/)+shipped\.ts'`,
);

function testFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && e.name.endsWith('.test.ts'))
    .map((e) => join(e.parentPath, e.name));
}

function listing(root: string): Map<string, string> {
  const files = new Map<string, string>();
  for (const e of readdirSync(root, { withFileTypes: true, recursive: true })) {
    const rel = relative(root, join(e.parentPath, e.name));
    if (!e.isFile() || rel.startsWith('node_modules/') || RUNNER_OUTPUT.test(rel)) continue;
    files.set(
      rel,
      createHash('sha256')
        .update(readFileSync(join(root, rel)))
        .digest('hex'),
    );
  }
  return files;
}

/** What a user's runs from the checkout leave in var/. */
function pollute(copy: string): void {
  const { config } = loadConfig(undefined, {}, copy);
  mkdirSync(join(copy, 'var'), { recursive: true });
  const store = JobStore.open(config.jobsDb);
  const job = store.startJob({ kind: 'highstate', who: 'someone' });
  for (const [i, h] of loadRoster(config).hosts.entries()) {
    store.recordHostRun(job.jid, {
      host: h.id,
      status: 'failed',
      errors: [{ code: 'TRANSPORT', message: 'unreachable' }],
    });
    store.updateInventory(h.id, [`192.0.2.${i + 1}`], { fqdn: `${h.id}.example` });
  }
  store.finishJob(job.jid, 'failed');
  store.close();
  writeFileSync(
    config.ssh.knownHosts,
    '10.77.0.1 ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB\n',
  );
}

function runTap(
  cwd: string,
  files: string[],
  env: NodeJS.ProcessEnv,
): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(
      process.execPath,
      [join(cwd, 'node_modules/tap/dist/esm/run.mjs'), '--reporter=tap', ...files],
      { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let output = '';
    child.stdout.on('data', (c: Buffer) => (output += c.toString()));
    child.stderr.on('data', (c: Buffer) => (output += c.toString()));
    child.on('close', (code) => resolve({ code, output }));
  });
}

t.test('the tests that reach the checkout pass beside a used var/ and leave the checkout as it was', async (t) => {
  const work = mkdtempSync(join(tmpdir(), 'halite-checkout-'));
  t.teardown(() => rmSync(work, { recursive: true, force: true }));
  const copy = join(work, 'halite');
  mkdirSync(copy);
  for (const name of readdirSync(REPO))
    if (!NOT_COPIED.has(name)) cpSync(join(REPO, name), join(copy, name), { recursive: true });
  symlinkSync(realpathSync(join(REPO, 'node_modules')), join(copy, 'node_modules'));
  pollute(copy);

  const selected = [...testFiles(join(copy, 'test/master')), ...testFiles(join(copy, 'test/agent'))]
    .filter((f) => REACHES_CHECKOUT.test(readFileSync(f, 'utf8')))
    .map((f) => relative(copy, f))
    .sort();
  t.ok(
    selected.includes('test/master/commands/hosts.test.ts'),
    `the selection finds the tests that reach the checkout: ${selected.join(', ')}`,
  );

  const before = listing(copy);
  const tmp = join(work, 'tmp');
  mkdirSync(tmp);
  const env: NodeJS.ProcessEnv = { ...process.env, TMPDIR: tmp };
  // a run of its own, not a child of this one; the keeper's and the configuration's defaults
  for (const v of Object.keys(env)) if (/^(_?TAP|NODE_OPTIONS$|HALITE_|XDG_RUNTIME_DIR$)/.test(v)) delete env[v];
  const r = await runTap(copy, selected, env);
  t.equal(r.code, 0, 'they pass', {
    output:
      r.output
        .split('\n')
        .filter((l) => /not ok|# \{/.test(l))
        .join('\n') || r.output.slice(-4000),
  });

  const after = listing(copy);
  const changed = [...new Set([...before.keys(), ...after.keys()])]
    .filter((f) => before.get(f) !== after.get(f))
    .sort();
  t.same(changed, [], 'no file of the checkout was written, added or removed');
  const defaultKeeperDir = join(tmp, `halite-${process.getuid?.() ?? 0}`);
  t.same(
    existsSync(defaultKeeperDir) ? readdirSync(defaultKeeperDir) : [],
    [],
    'the default connection-keeper directory was not used',
  );
});
