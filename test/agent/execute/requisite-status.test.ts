// The requisite truth table: every requisite kind against every kind of target outcome, then the
// combinations Salt's functional tests and documentation spell out.
import t from 'tap';
import {
  checkRequisites,
  notRun,
  runs,
  type RequisiteStatus,
  type TargetOutcome,
} from '../../../agent/execute/requisite-status.ts';
import type { RequisiteKind } from '../../../agent/protocol.ts';

const CH = { diff: 'changed' };
const outcomes: Record<string, TargetOutcome | undefined> = {
  ok: { result: true, changes: {} },
  changed: { result: true, changes: CH },
  failed: { result: false, changes: {} },
  failedChanged: { result: false, changes: CH },
  testNoChange: { result: null, changes: {} },
  testWouldChange: { result: null, changes: CH },
  skipped: { result: true, changes: {}, ran: false },
  skippedFailed: { result: false, changes: {}, ran: false },
  notYet: undefined,
};
const columns = Object.keys(outcomes);

/** One row per kind: the status with a single target in each column, in `columns` order. */
const table: Record<string, RequisiteStatus[]> = {
  //             ok        changed   failed  failedChanged testNoChange testWouldChange skipped  skippedFailed notYet
  require: ['met', 'met', 'fail', 'fail', 'met', 'met', 'met', 'fail', 'unmet'],
  require_any: ['met', 'met', 'fail', 'fail', 'met', 'met', 'met', 'fail', 'unmet'],
  prerequired: ['met', 'met', 'fail', 'fail', 'met', 'met', 'met', 'fail', 'unmet'],
  watch: ['met', 'change', 'fail', 'fail', 'met', 'change', 'met', 'fail', 'unmet'],
  watch_any: ['met', 'change', 'fail', 'fail', 'met', 'change', 'met', 'fail', 'unmet'],
  // a failed onchanges target fails the dependent, with changes or without (salt/state.py _check_requisites)
  onchanges: ['onchanges', 'met', 'fail', 'fail', 'onchanges', 'met', 'onchanges', 'fail', 'unmet'],
  onchanges_any: ['onchanges', 'met', 'fail', 'fail', 'onchanges', 'met', 'onchanges', 'fail', 'unmet'],
  onfail: ['onfail', 'onfail', 'met', 'met', 'met', 'met', 'onfail', 'met', 'unmet'],
  onfail_any: ['onfail', 'onfail', 'met', 'met', 'met', 'met', 'onfail', 'met', 'unmet'],
  onfail_all: ['onfail', 'onfail', 'met', 'met', 'met', 'met', 'onfail', 'met', 'unmet'],
  // prereq looks at the target's test-mode pre-run: null (would change) lets the state run.
  prereq: ['pre', 'pre', 'fail', 'fail', 'met', 'met', 'pre', 'fail', 'unmet'],
};

function lookup(map: Record<string, TargetOutcome | undefined>, pre: Record<string, TargetOutcome | undefined> = {}) {
  return { result: (tag: string) => map[tag], pre: (tag: string) => pre[tag] };
}

t.test('every kind against every target outcome', async (t) => {
  for (const [kind, row] of Object.entries(table)) {
    columns.forEach((col, i) => {
      const results = kind === 'prereq' ? {} : { [col]: outcomes[col] };
      const pre = kind === 'prereq' ? { [col]: outcomes[col] } : {};
      const got = checkRequisites({ [kind]: [col] }, lookup(results, pre)).status;
      t.equal(got, row[i], `${kind} × ${col}`);
    });
  }
});

t.test('prereq reads only pre-run results, other kinds only real results', async (t) => {
  t.equal(checkRequisites({ prereq: ['x'] }, lookup({ x: outcomes.testWouldChange })).status, 'unmet');
  t.equal(checkRequisites({ require: ['x'] }, lookup({}, { x: outcomes.ok })).status, 'unmet');
});

function status(
  reqs: Partial<Record<RequisiteKind, string[]>>,
  results: Record<string, TargetOutcome | undefined>,
  pre = {},
): RequisiteStatus {
  return checkRequisites(reqs, lookup(results, pre)).status;
}

const o = outcomes;

t.test('all and any', async (t) => {
  t.equal(status({ require: ['a', 'b'] }, { a: o.ok, b: o.failed }), 'fail', 'require needs all');
  t.equal(status({ require_any: ['a', 'b'] }, { a: o.ok, b: o.failed }), 'met', 'require_any needs one');
  t.equal(status({ require_any: ['a', 'b'] }, { a: o.failed, b: o.failed }), 'fail');
  t.equal(
    status({ require_any: ['a', 'b'] }, { a: o.skipped, b: o.failed }),
    'fail',
    'a skipped target is not a success',
  );
  t.equal(status({ watch: ['a', 'b'] }, { a: o.changed, b: o.ok }), 'change');
  t.equal(status({ watch: ['a', 'b'] }, { a: o.changed, b: o.failed }), 'fail');
  t.equal(status({ watch_any: ['a', 'b'] }, { a: o.changed, b: o.failed }), 'change');
  t.equal(status({ watch_any: ['a', 'b'] }, { a: o.ok, b: o.failed }), 'met');
  t.equal(status({ onchanges: ['a', 'b'] }, { a: o.ok, b: o.changed }), 'met', 'onchanges fires on any change');
  t.equal(
    status({ onchanges: ['a', 'b'] }, { a: o.failed, b: o.changed }),
    'fail',
    'a failed onchanges target fails the dependent',
  );
  t.equal(
    status({ onchanges_any: ['a', 'b'] }, { a: o.failed, b: o.changed }),
    'met',
    'onchanges_any: a changed target cancels a failed one',
  );
  t.equal(status({ onchanges_any: ['a', 'b'] }, { a: o.ok, b: o.ok }), 'onchanges');
  t.equal(status({ onfail: ['a', 'b'] }, { a: o.ok, b: o.failed }), 'met', 'onfail is any');
  t.equal(status({ onfail_any: ['a', 'b', 'c'] }, { a: o.ok, b: o.failed, c: o.ok }), 'met');
  t.equal(status({ onfail_any: ['e', 'f', 'g'] }, { e: o.ok, f: o.ok, g: o.ok }), 'onfail');
  t.equal(status({ onfail_all: ['a', 'e'] }, { a: o.ok, e: o.failed }), 'onfail', 'onfail_all needs all failed');
  t.equal(status({ onfail_all: ['d', 'e', 'f'] }, { d: o.failed, e: o.failed, f: o.failed }), 'met');
  t.equal(
    status({ onfail: ['a', 'b'] }, { a: o.skippedFailed, b: o.ok }),
    'onfail',
    'a target failed by its requisites adds nothing',
  );
});

t.test('combinations across kinds (Salt functional tests)', async (t) => {
  // test_onfail_all "reqs also met": onfail_all d (failed) + require a (ok).
  t.equal(status({ require: ['a'], onfail_all: ['d'] }, { a: o.ok, d: o.failed }), 'met');
  // test_multiple_onfail_requisite_with_required: e = onfail pass + require c; f = onfail pass + onchanges b.
  t.equal(status({ require: ['c'], onfail: ['pass'] }, { c: o.changed, pass: o.changed }), 'onfail');
  t.equal(status({ onfail: ['pass'], onchanges: ['b'] }, { pass: o.changed, b: o.changed }), 'onfail');
  // ..._no_run: c = onfail a (ok) + require b, b itself not run.
  t.equal(status({ require: ['b'], onfail: ['a'] }, { a: o.changed, b: o.skipped }), 'onfail');
  // Salt's precedence puts a watch change above a fired onchanges + quiet onfail.
  t.equal(status({ onfail: ['p'], onchanges: ['b'], watch: ['w'] }, { p: o.ok, b: o.changed, w: o.changed }), 'change');
  t.equal(status({ require: ['a'], onfail: ['b'] }, { a: o.failed, b: o.ok }), 'fail');
  t.equal(status({ require: ['a'], onchanges: ['b'] }, { a: o.ok, b: o.ok }), 'onchanges');
  t.equal(status({ require: ['missing'], onfail: ['b'] }, { b: o.failed }), 'unmet', 'unmet comes first');
  t.equal(status({ require: ['gone', 'bad'] }, { bad: o.failed }), 'unmet');
});

t.test('prereq', async (t) => {
  t.equal(
    status({ prereq: ['b', 'c'] }, {}, { b: o.testWouldChange, c: o.ok }),
    'met',
    'one target expecting changes is enough',
  );
  t.equal(status({ prereq: ['b', 'c'] }, {}, { b: o.ok, c: o.ok }), 'pre');
  t.equal(status({ prereq: ['b'], require: ['a'] }, { a: o.failed }, { b: o.testWouldChange }), 'fail');
  // test_issue_46762: b prereq c whose pre-run failed on its own requisite.
  const check = checkRequisites({ prereq: ['c'] }, lookup({}, { c: o.skippedFailed }));
  t.same(check, { status: 'fail', failed: ['c'] });
});

t.test('the check of a pre-required state ignores prerequired, not its own prereqs', async (t) => {
  const reqs = { require: ['a'], prerequired: ['b'] };
  t.equal(checkRequisites(reqs, lookup({ a: o.ok })).status, 'unmet');
  t.equal(checkRequisites(reqs, lookup({ a: o.ok }), { prereqCheck: true }).status, 'met');
  t.equal(checkRequisites(reqs, lookup({ a: o.failed }), { prereqCheck: true }).status, 'fail');
  const chain = { prerequired: ['b'], prereq: ['c'] };
  t.equal(
    checkRequisites(chain, lookup({}, { c: o.ok }), { prereqCheck: true }).status,
    'pre',
    'its prereq target would change nothing',
  );
  t.equal(checkRequisites(chain, lookup({}, { c: o.testWouldChange }), { prereqCheck: true }).status, 'met');
});

t.test('skip_req: a target that asks its changes to trigger nothing', async (t) => {
  const quiet = { result: true, changes: CH, skipReq: true } as const;
  t.equal(status({ onchanges: ['a'] }, { a: quiet }), 'skip_req');
  t.equal(status({ watch: ['a'] }, { a: quiet }), 'skip_watch');
  t.equal(status({ require: ['a'] }, { a: quiet }), 'met');
  t.equal(status({ prereq: ['a'] }, {}, { a: { result: null, changes: CH, skipReq: true } }), 'skip_req');
});

t.test('listen is not a condition', async (t) => {
  t.equal(status({ listen: ['x'] }, {}), 'met');
  t.equal(status({}, {}), 'met');
});

t.test('failed lists failed targets of every kind, pre-run results first', async (t) => {
  const check = checkRequisites(
    { require: ['a', 'ok'], onfail: ['b'], prerequired: ['p'] },
    lookup({ a: o.failed, ok: o.ok, b: o.failedChanged, p: o.ok }, { p: o.failed }),
  );
  t.same(check, { status: 'fail', failed: ['a', 'b', 'p'] });
});

t.test('not-run results and comments', async (t) => {
  const label = (tag: string): string => `requisite.${tag}`;
  const cases: Array<[RequisiteStatus, ReturnType<typeof notRun>]> = [
    ['met', undefined],
    ['change', undefined],
    ['skip_watch', undefined],
    ['fail', { result: false, comment: 'One or more requisite failed: requisite.a, requisite.b' }],
    ['pre', { result: true, comment: 'No changes detected' }],
    ['onfail', { result: true, comment: 'State was not run because onfail req did not change' }],
    ['onchanges', { result: true, comment: 'State was not run because none of the onchanges reqs changed' }],
    ['skip_req', { result: true, comment: 'State was not run because requisites were skipped by another state' }],
  ];
  for (const [s, want] of cases) {
    t.same(notRun({ status: s, failed: ['a', 'b'] }, label), want, s);
    t.equal(runs(s), want === undefined, `runs(${s})`);
  }
  const unmet = notRun({ status: 'unmet', failed: [] }, label);
  t.equal(unmet?.result, false);
  t.equal(runs('unmet'), false);
});

t.test('the documented truth table (doc/ref/states/requisites.rst)', async (t) => {
  const r = (reqs: Partial<Record<RequisiteKind, string[]>>, results: Record<string, TargetOutcome | undefined>) => {
    const c = checkRequisites(reqs, lookup(results));
    return { runs: runs(c.status), result: notRun(c, String)?.result };
  };
  t.same(r({ require: ['t'] }, { t: o.changed }), { runs: true, result: undefined }, 'require: target succeeded');
  t.same(r({ require: ['t'] }, { t: o.failedChanged }), { runs: false, result: false }, 'require: target failed');
  t.same(r({ require_any: ['good', 'bad'] }, { good: o.changed, bad: o.failed }), { runs: true, result: undefined });
  t.same(r({ require_any: ['b1', 'b2'] }, { b1: o.failed, b2: o.failed }), { runs: false, result: false });
  t.same(r({ onchanges: ['t'] }, { t: o.changed }), { runs: true, result: undefined });
  t.same(r({ onchanges: ['t'] }, { t: o.failedChanged }), { runs: false, result: false }, 'onchanges: target failed');
  t.same(r({ onchanges_any: ['quiet', 'loud'] }, { quiet: o.ok, loud: o.changed }), { runs: true, result: undefined });
  t.same(r({ onfail: ['t'] }, { t: o.failedChanged }), { runs: true, result: undefined });
  t.same(r({ onfail: ['t'] }, { t: o.changed }), { runs: false, result: true });
  t.same(r({ onfail_any: ['good', 'bad'] }, { good: o.changed, bad: o.failed }), { runs: true, result: undefined });
  t.same(r({ onfail_all: ['good', 'bad'] }, { good: o.changed, bad: o.failed }), { runs: false, result: true });
  t.same(r({ onfail_all: ['b1', 'b2'] }, { b1: o.failed, b2: o.failed }), { runs: true, result: undefined });
  t.same(r({ watch: ['t'] }, { t: o.failedChanged }), { runs: false, result: false }, 'watch: target failed');
});
