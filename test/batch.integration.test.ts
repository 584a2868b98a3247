// A batch (test/batch.mjs) runs several test files in one process as a per-file process would: each
// file's tests, before hooks and teardowns are its own and run before the next file starts, a test
// helper's `t` is the file's, a failing assertion is reported under its file and test and makes the
// process fail, and a file that cannot load fails alone.
import t from 'tap';
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { writeTree } from './tree.ts';

const REPO = join(import.meta.dirname, '..');

/** Runs the files of `tree` (in that order) as one batch; the raw TAP, the exit status, the log. */
function runBatch(tree: Record<string, string>, files: string[]) {
  const dir = writeTree(tree);
  const runner = pathToFileURL(join(REPO, 'test/batch.mjs')).href;
  writeFileSync(
    join(dir, 'entry.mjs'),
    `import { runBatch } from ${JSON.stringify(runner)};\nawait runBatch(${JSON.stringify(dir)}, ${JSON.stringify(files)});\n`,
  );
  const r = spawnSync(process.execPath, ['--import=./test/ts-loader.mjs', join(dir, 'entry.mjs')], {
    cwd: REPO,
    encoding: 'utf8',
    env: { ...process.env, TAP: '1', LOG: join(dir, 'log') },
  });
  return { out: r.stdout, status: r.status, log: () => readFileSync(join(dir, 'log'), 'utf8') };
}

const HELPER = `import t from 'tap';
import { appendFileSync } from 'node:fs';
export const note = (s) => appendFileSync(process.env.LOG, s + '\\n');
export function cleanUpAfterFile(name) { t.teardown(() => note('helper teardown ' + name)); }
`;

const FILE = (name: string, body = `t.pass('${name} passes');`) => `import t from 'tap';
import { note, cleanUpAfterFile } from './helper.mjs';
note('load ${name}');
cleanUpAfterFile('${name}');
t.before(() => note('before ${name}'));
t.teardown(() => note('teardown ${name}'));
t.test('${name} works', async (t) => {
  note('test ${name}');
  ${body}
});
`;

t.test('files run one after the other, each with its own hooks and teardowns, under its own name', async (t) => {
  const r = runBatch({ 'helper.mjs': HELPER, 'a.test.mjs': FILE('a'), 'b.test.mjs': FILE('b') }, [
    'a.test.mjs',
    'b.test.mjs',
  ]);
  t.equal(r.status, 0, r.out);
  t.equal(
    r.log(),
    [
      'load a',
      'before a',
      'test a',
      'teardown a',
      'helper teardown a',
      'load b',
      'before b',
      'test b',
      'teardown b',
      'helper teardown b',
      '',
    ].join('\n'),
  );
  t.match(r.out, /^# Subtest: a\.test\.mjs\n {4}# Subtest: a works\n {8}ok 1 - a passes$/m);
  t.match(r.out, /^ok 2 - b\.test\.mjs/m);
});

t.test('a failing assertion names its file and test and fails the batch; the other files still run', async (t) => {
  const r = runBatch(
    {
      'helper.mjs': HELPER,
      'a.test.mjs': FILE('a', `t.equal(1 + 1, 3, 'arithmetic');`),
      'broken.test.mjs': `import './missing.mjs';\n`,
      'c.test.mjs': FILE('c'),
    },
    ['a.test.mjs', 'broken.test.mjs', 'c.test.mjs'],
  );
  t.equal(r.status, 1);
  t.match(r.out, /^# Subtest: a\.test\.mjs\n {4}# Subtest: a works\n {8}not ok 1 - arithmetic$/m);
  t.match(r.out, /^not ok 1 - a\.test\.mjs/m);
  t.match(r.out, /^not ok 2 - broken\.test\.mjs/m);
  t.match(r.out, /missing\.mjs/);
  t.match(r.out, /^ok 3 - c\.test\.mjs/m);
  t.match(r.log(), /test c\n/);
});
