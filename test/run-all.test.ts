// How test/run-all.mjs chooses what tap runs: groups by path, the unit files in batches that keep
// every file once and in order, test files given instead of the groups, and a batch entry that runs
// its files through test/batch.mjs.
import t from 'tap';
import { join } from 'node:path';
import { batchEntry, batches, groupOf, parseArgs, plan, tapOptions, testFiles } from './run-all.mjs';

const ALL = [
  'test/a/one.test.ts',
  'test/a/two.test.ts',
  'test/a/x.integration.test.ts',
  'test/b/three.test.ts',
  'test/checkout-state.test.ts',
  'test/demo.test.ts',
  'test/e2e/jobs.test.ts',
];

t.test('a file belongs to one group by its path', async (t) => {
  t.same(
    ALL.map((f) => groupOf(f)),
    ['unit', 'unit', 'integration', 'unit', 'integration', 'fleet', 'fleet'],
  );
  t.ok(testFiles().includes('test/run-all.test.ts'));
  t.equal(groupOf('test/run-all.test.ts'), 'unit');
});

t.test('batches keep every file once, in order, neighbours together, as even as the count allows', async (t) => {
  const files = Array.from({ length: 35 }, (_, i) => `f${String(i).padStart(2, '0')}`);
  const cut = batches(files, 16);
  t.same(
    cut.map((b) => b.length),
    [12, 12, 11],
  );
  t.same(cut.flat(), files);
  t.same(batches(files.slice(0, 16), 16), [files.slice(0, 16)]);
  t.same(batches(['a'], 16), [['a']]);
  t.same(batches([], 16), []);
});

t.test('options and test files are told apart; groups are checked', async (t) => {
  t.same(parseArgs(['--group', 'unit', '--bail', '-R', 'tap', '--group=fleet']), {
    groups: ['unit', 'fleet'],
    files: [],
    tapArgs: ['--bail', '-R', 'tap'],
    batch: true,
  });
  t.same(parseArgs(['--group', 'unit', 'test/x.test.ts', '--no-batch', 'test/**/*.test.ts']), {
    groups: ['unit'],
    files: ['test/x.test.ts', 'test/**/*.test.ts'],
    tapArgs: [],
    batch: false,
  });
  t.throws(() => parseArgs(['--group', 'slow']), /unknown test group 'slow'/);
  t.throws(() => parseArgs(['--group']), /unknown test group ''/);
});

t.test('a group run batches its unit files; other groups run file by file', async (t) => {
  const written: [string, string][] = [];
  const write = (path: string, text: string) => void written.push([path, text]);
  const dir = join(import.meta.dirname, '..', '.tap', 'batches-test');
  const run = plan(parseArgs(['--group', 'unit', '--group', 'integration']), ALL, dir, write);
  t.same(run, ['.tap/batches-test/unit-1-of-1.mjs', 'test/a/x.integration.test.ts', 'test/checkout-state.test.ts']);
  t.equal(written.length, 1);
  t.equal(written[0][0], join(dir, 'unit-1-of-1.mjs'));
  t.equal(written[0][1], batchEntry(['test/a/one.test.ts', 'test/a/two.test.ts', 'test/b/three.test.ts']));

  written.length = 0;
  t.same(plan(parseArgs(['--group', 'unit', '--no-batch']), ALL, dir, write), [
    'test/a/one.test.ts',
    'test/a/two.test.ts',
    'test/b/three.test.ts',
  ]);
  t.same(plan(parseArgs(['--group', 'unit', 'test/a/two.test.ts']), ALL, dir, write), ['test/a/two.test.ts']);
  t.equal(written.length, 0, 'files given run as they are');
  t.same(
    plan(parseArgs([]), ALL, dir, write),
    ['.tap/batches-test/unit-1-of-1.mjs', ...ALL.filter((f) => groupOf(f) !== 'unit')],
    'no group: every group',
  );
});

t.test('a batch entry runs its files through test/batch.mjs from the checkout', async (t) => {
  const text = batchEntry(['test/a/one.test.ts', 'test/b/three.test.ts']);
  t.match(text, /^import \{ runBatch \} from "file:\/\/\/.*\/test\/batch\.mjs";$/m);
  t.match(text, /await runBatch\(".*\/", \[\n {2}"test\/a\/one\.test\.ts",\n {2}"test\/b\/three\.test\.ts"\n\]\);/);
});

t.test('unit batches alone run one more job than there are CPUs unless --jobs is given', async (t) => {
  const unit = ['.tap/batches-1/unit-1-of-2.mjs', '.tap/batches-1/unit-2-of-2.mjs'];
  t.same(tapOptions(['--bail'], unit, 2), ['--bail', '--jobs=3']);
  t.same(tapOptions(['--jobs=1'], unit, 2), ['--jobs=1']);
  t.same(tapOptions(['-j1'], unit, 2), ['-j1']);
  t.same(tapOptions([], [...unit, 'test/a/x.integration.test.ts'], 2), [], 'with other groups: tap decides');
  t.same(tapOptions([], ['test/a/one.test.ts'], 2), [], 'files given: tap decides');
});
