// The requisite truth table end to end: SLS → compiler → executor, with test.* states.
import t from 'tap';
import { run } from './harness.ts';

t.test('require: a failed target fails the dependent without running it', async (t) => {
  const r = await run(`
bad:
  test.fail_without_changes
good:
  test.succeed_without_changes
dep:
  test.succeed_with_changes:
    - require:
      - test: bad
      - test: good
`);
  t.match(r.byId('dep'), { result: false, changes: {}, comment: 'One or more requisite failed: main.bad' });
  t.same(r.order(), ['bad', 'good', 'dep']);
  t.same(
    r.results.map((x) => x.run_num),
    [0, 1, 2],
  );
});

t.test('require_any: one good target is enough', async (t) => {
  const r = await run(`
bad:
  test.fail_without_changes
good:
  test.succeed_without_changes
dep:
  test.succeed_without_changes:
    - require_any:
      - test: bad
      - test: good
`);
  t.equal(r.byId('dep').result, true);
});

t.test('watch: a changed target runs mod_watch when the state itself made no changes', async (t) => {
  const r = await run(`
changed:
  test.succeed_with_changes
quiet:
  test.succeed_without_changes
watcher:
  test.succeed_without_changes:
    - watch:
      - test: changed
      - test: quiet
calm:
  test.succeed_without_changes:
    - watch:
      - test: quiet
`);
  t.match(r.byId('watcher'), {
    result: true,
    comment: 'Watch statement fired.',
    changes: { 'Requisites with changes': ['test: changed'] },
  });
  t.match(r.byId('calm'), { result: true, comment: 'Success!', changes: {} });
});

t.test('watch: a state that made changes itself does not run mod_watch', async (t) => {
  const r = await run(`
changed:
  test.succeed_with_changes
watcher:
  test.succeed_with_changes:
    - comment: own run
    - watch:
      - test: changed
`);
  t.match(r.byId('watcher'), { comment: 'own run', changes: { testing: {} } });
});

t.test('onchanges: runs only when a target changed', async (t) => {
  const r = await run(`
changed:
  test.succeed_with_changes
quiet:
  test.succeed_without_changes
runs:
  test.succeed_without_changes:
    - onchanges:
      - test: changed
skipped:
  test.succeed_with_changes:
    - onchanges:
      - test: quiet
any:
  test.succeed_without_changes:
    - onchanges_any:
      - test: quiet
      - test: changed
`);
  t.match(r.byId('runs'), { result: true, comment: 'Success!' });
  t.match(r.byId('skipped'), {
    result: true,
    changes: {},
    comment: 'State was not run because none of the onchanges reqs changed',
  });
  t.equal(r.byId('any').comment, 'Success!');
});

t.test('onfail: runs only when a target failed; onfail_all needs all', async (t) => {
  const r = await run(`
bad:
  test.fail_without_changes
good:
  test.succeed_without_changes
rescue:
  test.succeed_without_changes:
    - comment: rescued
    - onfail:
      - test: bad
idle:
  test.succeed_without_changes:
    - onfail:
      - test: good
one_of:
  test.succeed_without_changes:
    - comment: one failed
    - onfail:
      - test: bad
      - test: good
all_of:
  test.succeed_without_changes:
    - onfail_all:
      - test: bad
      - test: good
`);
  t.match(r.byId('rescue'), { result: true, comment: 'rescued' });
  t.match(r.byId('idle'), { result: true, comment: 'State was not run because onfail req did not change' });
  t.equal(r.byId('one_of').comment, 'one failed');
  t.equal(r.byId('all_of').comment, 'State was not run because onfail req did not change');
});

t.test('prereq: runs before a target that would change, is skipped before one that would not', async (t) => {
  const r = await run(`
target:
  test.succeed_with_changes
steady:
  test.succeed_without_changes
before:
  test.succeed_with_changes:
    - comment: ran first
    - prereq:
      - test: target
never:
  test.succeed_with_changes:
    - prereq:
      - test: steady
`);
  t.match(r.byId('before'), { result: true, comment: 'ran first' });
  t.ok(r.order().indexOf('before') < r.order().indexOf('target'), 'the prereq state runs before its target');
  t.match(r.byId('target'), { result: true, comment: 'Success!' });
  t.match(r.byId('never'), { result: true, changes: {}, comment: 'No changes detected' });
});

t.test('prereq: a target whose test run fails fails both', async (t) => {
  const r = await run(`
target:
  test.fail_without_changes
before:
  test.succeed_with_changes:
    - prereq:
      - test: target
`);
  t.match(r.byId('before'), { result: false, comment: 'One or more requisite failed: main.target' });
  t.match(r.byId('target'), { result: false, changes: {}, comment: "If we weren't testing, this would be a failure!" });
  t.same(r.order(), ['before', 'target']);
});

// salt/state.py _call_unmet_requisites: a pre-required state is checked with its own requisites,
// its prereqs included, so a chain whose tail would change nothing runs none of the chain.
t.test('prereq: a chain whose tail would change nothing runs none of it', async (t) => {
  const r = await run(`
tail:
  test.succeed_without_changes
middle:
  test.succeed_with_changes:
    - prereq:
      - test: tail
head:
  test.succeed_with_changes:
    - prereq:
      - test: middle
`);
  t.match(r.byId('middle'), { result: true, changes: {}, comment: 'No changes detected' });
  t.match(r.byId('head'), { result: true, changes: {}, comment: 'No changes detected' });
  t.match(r.byId('tail'), { result: true, changes: {} });
});

// salt/state.py call_chunk, status fail with a pre-run: the pre-required state reports its test run.
t.test(
  'prereq: when the pre-requiring state fails, the target reports its test run and triggers nothing',
  async (t) => {
    const r = await run(`
target:
  test.succeed_with_changes
before:
  test.fail_with_changes:
    - prereq:
      - test: target
after:
  test.succeed_with_changes:
    - onchanges:
      - test: target
`);
    t.match(r.byId('before'), { result: false });
    const target = r.byId('target');
    t.equal(target.result, null, 'result None, as in a test run');
    t.same(target.changes, {}, 'without the changes it proposed');
    t.equal(
      target.comment,
      "If we weren't testing, this would be successful with changes",
      'the comment of its test run',
    );
    t.match(r.byId('after'), {
      result: true,
      changes: {},
      comment: 'State was not run because none of the onchanges reqs changed',
    });
  },
);

t.test('an unknown state function fails when it runs; the others run', async (t) => {
  const r = await run(`
before:
  test.succeed_with_changes
typo:
  pkg.instaled:
    - name: vim
after:
  test.succeed_with_changes
needs_it:
  test.succeed_with_changes:
    - require:
      - pkg: typo
`);
  t.same(r.order(), ['before', 'typo', 'after', 'needs_it']);
  t.match(r.byId('typo'), { result: false, changes: {}, comment: "State 'pkg.instaled' was not found in SLS 'main'" });
  t.match(r.byId('after'), { result: true });
  t.match(r.byId('needs_it'), { result: false, comment: 'One or more requisite failed: main.typo' });
});

t.test('onchanges: a failed target fails the dependent in test mode too', async (t) => {
  const r = await run(
    `
broken:
  file.managed:
    - name: /nonexistent/halite-test/x
    - source: salt://missing.txt
dependent:
  test.succeed_with_changes:
    - onchanges:
      - file: broken
`,
    { test: true },
  );
  t.match(r.byId('dependent'), { result: false, changes: {}, comment: 'One or more requisite failed: main.broken' });
});

t.test('listen: mod_watch of the listener runs at the end under its own tag', async (t) => {
  const r = await run(`
changed:
  test.succeed_with_changes
listener:
  test.succeed_without_changes:
    - listen:
      - test: changed
quiet:
  test.succeed_without_changes
deaf:
  test.succeed_without_changes:
    - listen:
      - test: quiet
last:
  test.succeed_without_changes
`);
  t.same(r.order(), ['changed', 'listener', 'quiet', 'deaf', 'last', 'listener_listener']);
  const l = r.results[r.results.length - 1];
  t.equal(l.tag, 'test_|-listener_listener_|-listener_|-mod_watch');
  t.match(l, { result: true, comment: 'Watch statement fired.', run_num: 5 });
  t.equal(r.byId('listener').comment, 'Success!');
});

t.test('failhard: the run stops at the first failure; not in test mode', async (t) => {
  const sls = `
first:
  test.succeed_without_changes
bad:
  test.fail_without_changes:
    - failhard: True
after:
  test.succeed_without_changes
`;
  const r = await run(sls);
  t.same(r.order(), ['first', 'bad']);
  t.equal(r.stopped, true);
  const global = await run(sls.replace('- failhard: True', '- comment: Failure!'), { failhard: true });
  t.same(global.order(), ['first', 'bad']);
  const tm = await run(sls, { test: true });
  t.same(tm.order(), ['first', 'bad', 'after']);
  t.equal(tm.stopped, false);
  const off = await run(sls.replace('failhard: True', 'failhard: False'), { failhard: true });
  t.same(off.order(), ['first', 'bad', 'after'], "a chunk's failhard: False overrides the run's");
});

t.test('failhard also stops on a state that did not run because its requisite failed', async (t) => {
  const r = await run(`
bad:
  test.fail_without_changes
dep:
  test.succeed_without_changes:
    - failhard: True
    - require:
      - test: bad
after:
  test.succeed_without_changes
`);
  t.same(r.order(), ['bad', 'dep']);
});

t.test('test mode: pending results are null and count as changes for watchers and onchanges', async (t) => {
  const r = await run(
    `
changed:
  test.succeed_with_changes
after:
  test.succeed_without_changes:
    - onchanges:
      - test: changed
watcher:
  test.succeed_without_changes:
    - watch:
      - test: changed
`,
    { test: true },
  );
  t.match(r.byId('changed'), { result: null, comment: "If we weren't testing, this would be successful with changes" });
  t.match(r.byId('after'), { result: true, comment: 'Success!' });
  t.match(r.byId('watcher'), { result: null, comment: 'Watch statement fired.' });
});
