import t from 'tap';
import { contentDiff, isBinary, unifiedDiff } from '../../agent/diff.ts';

t.test('unified diffs look like Salt\'s (difflib, no file names)', async (t) => {
  t.equal(unifiedDiff('a\nb\nc\n', 'a\nB\nc\n'), '--- \n+++ \n@@ -1,3 +1,3 @@\n a\n-b\n+B\n c\n');
  t.equal(unifiedDiff('', 'x\n'), '--- \n+++ \n@@ -0,0 +1 @@\n+x\n');
  t.equal(unifiedDiff('x\n', ''), '--- \n+++ \n@@ -1 +0,0 @@\n-x\n');
  const ten = Array.from({ length: 10 }, (_, i) => `${i + 1}\n`).join('');
  t.equal(unifiedDiff(ten, ten.replace('5\n', 'five\n')), '--- \n+++ \n@@ -2,7 +2,7 @@\n 2\n 3\n 4\n-5\n+five\n 6\n 7\n 8\n', 'three lines of context');
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
