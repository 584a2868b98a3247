// Commands start from the master bundle, built by the first command after the sources changed:
// in a copy of the checkout, an edit is seen by the next command, an unchanged tree is not rebuilt,
// commands started together after an edit build once and all run the new code, a lock left by a
// dead process does not block, and where dist/ cannot be written the sources run through tsx.
import t from 'tap';
import { spawn } from 'node:child_process';
import {
  cpSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  realpathSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO } from '../../shipped.ts';

const copy = mkdtempSync(join(tmpdir(), 'halite-fresh-'));
t.teardown(() => rmSync(copy, { recursive: true, force: true }));
for (const name of ['master', 'agent', 'bin', 'package.json', 'package-lock.json'])
  cpSync(join(REPO, name), join(copy, name), { recursive: true });
symlinkSync(realpathSync(join(REPO, 'node_modules')), join(copy, 'node_modules'));

const bundle = join(copy, 'dist/halite.mjs');
const cli = join(copy, 'master/cli.ts');
const original = readFileSync(cli, 'utf8');
const DESCRIPTION = 'Salt-style configuration management: compile and push highstates over SSH';

/** Makes the command line describe itself as `text` (an edit the help shows). */
function describeAs(text: string): void {
  writeFileSync(cli, original.replace(DESCRIPTION, text));
}

function halite(...args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return command('halite.js', ...args);
}

function command(bin: string, ...args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [join(copy, 'bin', bin), ...args], {
      cwd: copy,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

const stampOf = (file: string): string => readFileSync(file, 'utf8').split('\n')[0];
const leftovers = (): string[] =>
  readdirSync(join(copy, 'dist')).filter((f) => !['halite.mjs', 'agent.cjs', 'client.mjs'].includes(f));

t.test('the first command builds the bundle; the next one uses it as it is', async (t) => {
  describeAs('edition one');
  const first = await halite('--help');
  t.equal(first.code, 0, first.stderr);
  t.match(first.stdout, 'edition one');
  t.match(stampOf(bundle), /^\/\/ halite-sources: [0-9a-f]{64}$/);
  const built = statSync(bundle).mtimeMs;
  const second = await halite('--help');
  t.match(second.stdout, 'edition one');
  t.equal(statSync(bundle).mtimeMs, built, 'not rebuilt: nothing changed');
  t.same(leftovers(), [], 'no lock or temporary file left');
  const agent = await command('halite-agent.js', 'no-such-command');
  t.equal(agent.code, 64, 'halite-agent runs from the agent bundle beside it');
  t.match(agent.stderr, /usage: halite-agent/);
  t.equal(statSync(bundle).mtimeMs, built, 'and builds nothing either');
});

t.test('an edited source is seen by the next command', async (t) => {
  const before = stampOf(bundle);
  describeAs('edition two');
  const r = await halite('--help');
  t.match(r.stdout, 'edition two');
  t.not(stampOf(bundle), before);
  // a new file the code does not import yet changes the stamp too: deleting it later is seen
  writeFileSync(join(copy, 'master/unused.ts'), 'export {};\n');
  const after = stampOf(bundle);
  await halite('--help');
  t.not(stampOf(bundle), after, 'rebuilt for an added file');
  rmSync(join(copy, 'master/unused.ts'));
});

t.test('commands started together after an edit all run the new code from one whole bundle', async (t) => {
  describeAs('edition three');
  const runs = await Promise.all([1, 2, 3, 4].map(() => halite('--help')));
  for (const r of runs) {
    t.equal(r.code, 0, r.stderr);
    t.match(r.stdout, 'edition three');
  }
  t.same(leftovers(), [], 'no lock or temporary file left');
  const built = statSync(bundle).mtimeMs;
  t.match((await halite('--help')).stdout, 'edition three');
  t.equal(statSync(bundle).mtimeMs, built, 'fresh afterwards');
});

t.test('a lock left by a process that is gone does not block', async (t) => {
  describeAs('edition four');
  const dead = spawn(process.execPath, ['-e', '']);
  await new Promise((r) => dead.on('close', r));
  writeFileSync(join(copy, 'dist/.build.lock'), String(dead.pid));
  const before = stampOf(bundle);
  const r = await halite('--help');
  t.match(r.stdout, 'edition four');
  t.not(stampOf(bundle), before, 'built, not waited out');
  t.same(leftovers(), []);
});

t.test('where dist/ cannot be written, the sources run through tsx', async (t) => {
  rmSync(join(copy, 'dist'), { recursive: true, force: true });
  writeFileSync(join(copy, 'dist'), 'not a directory');
  describeAs('edition five');
  const r = await halite('--help');
  t.equal(r.code, 0, r.stderr);
  t.match(r.stdout, 'edition five');
  rmSync(join(copy, 'dist'));
  mkdirSync(join(copy, 'dist'));
});
