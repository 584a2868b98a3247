// The file functions receive their arguments typed from the declarations: what a state is told by
// default is what the reference says, and a value that cannot be what Salt expects is an error
// naming the argument instead of being dropped.
import t from 'tap';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from '../../../../agent/states/arg-parse.ts';
import { makeContext, silentLogger } from '../../../../agent/states/context.ts';
import { StateRefusal } from '../../../../agent/states/plan.ts';
import fileModule from '../../../../agent/states/file/index.ts';

function rooted(t: { teardown(fn: () => void): void }): string {
  const root = mkdtempSync(join(tmpdir(), 'halite-file-args-'));
  t.teardown(() => rmSync(root, { recursive: true, force: true }));
  return root;
}

// Salt's defaults, from the signatures in salt/states/file.py: line(create=False),
// keyvalue(count=1), replace(count=0).
const defaults: Array<[string, string, unknown]> = [
  ['line', 'create', false],
  ['keyvalue', 'count', 1],
  ['replace', 'count', 0],
  ['managed', 'create', true],
];
for (const [fun, arg, want] of defaults) {
  t.test(`file.${fun} ${arg} defaults to ${String(want)}, as in Salt`, async (t) => {
    const raw = { name: '/x', pattern: 'a', repl: 'b' };
    t.equal(parseArgs(fileModule[fun].args, raw, `file.${fun}`).args[arg], want);
  });
}

t.test('file.line on a missing file without create fails, as its default says', async (t) => {
  const root = rooted(t);
  const ctx = makeContext({ root, log: silentLogger });
  const plan = await fileModule.line.check({ name: '/missing.conf', content: 'a', mode: 'ensure', after: 'x' }, ctx);
  t.equal(plan.status, 'failed');
  t.equal(plan.comment, '/missing.conf: file not found');
});

// salt/states/file.py touch() hands atime and mtime to os.utime, which takes numbers only.
t.test('file.touch: a time that is not a number is an error, not a time left unchanged', async (t) => {
  const root = rooted(t);
  writeFileSync(join(root, 'marker'), '');
  const ctx = makeContext({ root, log: silentLogger });
  const before = statSync(join(root, 'marker')).mtimeMs;
  await t.rejects(
    fileModule.touch.check({ name: '/marker', mtime: 'yesterday' }, ctx),
    new StateRefusal('Invalid argument \'mtime\' for this state: expected number (a number), got "yesterday"'),
  );
  t.equal(statSync(join(root, 'marker')).mtimeMs, before);
  const plan = await fileModule.touch.check({ name: '/marker', mtime: '1000000000' }, ctx);
  t.equal(plan.status, 'pending', 'a number given as text is taken');
});
