import t from 'tap';
import { contentDiff, isBinary, unifiedDiff } from '../../../agent/util/diff.ts';

t.test("unified diffs look like Salt's (difflib, no file names)", async (t) => {
  t.equal(unifiedDiff('a\nb\nc\n', 'a\nB\nc\n'), '--- \n+++ \n@@ -1,3 +1,3 @@\n a\n-b\n+B\n c\n');
  t.equal(unifiedDiff('', 'x\n'), '--- \n+++ \n@@ -0,0 +1 @@\n+x\n');
  t.equal(unifiedDiff('x\n', ''), '--- \n+++ \n@@ -1 +0,0 @@\n-x\n');
  const ten = Array.from({ length: 10 }, (_, i) => `${i + 1}\n`).join('');
  t.equal(
    unifiedDiff(ten, ten.replace('5\n', 'five\n')),
    '--- \n+++ \n@@ -2,7 +2,7 @@\n 2\n 3\n 4\n-5\n+five\n 6\n 7\n 8\n',
    'three lines of context',
  );
  t.equal(unifiedDiff('same', 'same'), '');
});

t.test('a missing final newline is marked', async (t) => {
  t.equal(unifiedDiff('x', 'x\n'), '--- \n+++ \n@@ -1 +1 @@\n-x\n\\ No newline at end of file\n+x\n');
});

t.test('contentDiff: binary, hidden and equal contents', async (t) => {
  t.equal(contentDiff('a\n', 'a\n'), '');
  t.equal(contentDiff(Buffer.from('a\n'), 'a\n'), '');
  t.equal(contentDiff('a\n', 'b\n', false), '<show_changes=False>');
  t.equal(contentDiff(Buffer.from([0, 1, 2]), 'text'), 'Replace binary file');
  t.match(contentDiff('a\n', 'b\n'), /^--- \n\+\+\+ \n@@ -1 \+1 @@\n-a\n\+b\n$/);
  t.ok(isBinary(Buffer.from('a\0b')));
  t.notOk(isBinary('plain text'));
});

t.test('a change too large to diff is summarised with the line counts', async (t) => {
  const lines = (n: number, tag: string) => Array.from({ length: n }, (_, i) => `${tag} line ${i}\n`).join('');
  // over the line bound: 50,000 lines, one changed
  const big = lines(50_000, 'x');
  t.equal(
    contentDiff(big, big.replace('x line 100\n', 'changed\n')),
    'content changed (too large to show: 50000 lines → 50000 lines)',
  );
  // over the byte bound on one side only, few lines
  t.equal(
    contentDiff('short\n', `${'y'.repeat(2 << 20)}\nz`),
    'content changed (too large to show: 1 lines → 2 lines)',
  );
  // under both bounds but every line changed: more edits than a diff is computed for
  t.equal(
    contentDiff(lines(4_000, 'a'), lines(4_000, 'b')),
    'content changed (too large to show: 4000 lines → 4000 lines)',
  );
  t.equal(unifiedDiff('a\nb\n', 'c\nd\n', 3, 2), undefined, 'the edit bound is honoured');
  // a small change to a file under the bounds still shows its diff
  const mid = lines(10_000, 'm');
  t.match(
    contentDiff(mid, mid.replace('m line 5000\n', 'five thousand\n')),
    /^--- \n\+\+\+ \n@@ -4998,7 \+4998,7 @@\n/,
  );
});
