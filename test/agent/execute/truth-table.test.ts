// Salt's documented requisite truth table, one case per cell, with real cmd.run states:
// a target `echo …` succeeds with changes, `false` fails, test.succeed_without_changes succeeds
// without. Each case names the dependent's expected result and whether it ran.
import t from 'tap';
import { MemTree } from '../../../agent/store/tree.ts';
import { stateFunction } from '../../../agent/states/index.ts';
import { converged, pending } from '../../../agent/states/plan.ts';
import type { Outcome, StateFunction } from '../../../agent/states/types.ts';
import { compile, run } from './harness.ts';
import { executeChunks } from '../../../agent/execute/executor.ts';
import { silentLogger } from '../../../agent/states/context.ts';

interface Case {
  name: string;
  targets: string;
  requisite: string;
  /** The dependent ran (its stdout is in changes). */
  ran: boolean;
  result: boolean;
  comment?: string;
}

const GOOD = 'good:\n  cmd.run:\n    - name: echo good\n';
const BAD = "bad:\n  cmd.run:\n    - name: 'false'\n";
const BAD2 = "bad2:\n  cmd.run:\n    - name: 'false'\n";
const QUIET = 'quiet:\n  test.succeed_without_changes\n';

const cases: Case[] = [
  {
    name: 'require, target succeeded',
    targets: GOOD,
    requisite: 'require:\n      - cmd: good',
    ran: true,
    result: true,
  },
  {
    name: 'require, target failed',
    targets: BAD,
    requisite: 'require:\n      - cmd: bad',
    ran: false,
    result: false,
    comment: 'One or more requisite failed: main.bad',
  },
  {
    name: 'require_any, one succeeded',
    targets: GOOD + BAD,
    requisite: 'require_any:\n      - cmd: good\n      - cmd: bad',
    ran: true,
    result: true,
  },
  {
    name: 'require_any, all failed',
    targets: BAD + BAD2,
    requisite: 'require_any:\n      - cmd: bad\n      - cmd: bad2',
    ran: false,
    result: false,
    comment: 'One or more requisite failed: main.bad, main.bad2',
  },
  {
    name: 'onchanges, target changed',
    targets: GOOD,
    requisite: 'onchanges:\n      - cmd: good',
    ran: true,
    result: true,
  },
  // salt/state.py _check_requisites: `result is False` is tested before onchanges looks at changes.
  {
    name: 'onchanges, target failed',
    targets: BAD,
    requisite: 'onchanges:\n      - cmd: bad',
    ran: false,
    result: false,
    comment: 'One or more requisite failed: main.bad',
  },
  {
    name: 'onchanges_any, one failed, one changed',
    targets: BAD + GOOD,
    requisite: 'onchanges_any:\n      - cmd: bad\n      - cmd: good',
    ran: true,
    result: true,
  },
  {
    name: 'onchanges, target without changes',
    targets: QUIET,
    requisite: 'onchanges:\n      - test: quiet',
    ran: false,
    result: true,
  },
  {
    name: 'onchanges_any, one changed',
    targets: QUIET + GOOD,
    requisite: 'onchanges_any:\n      - test: quiet\n      - cmd: good',
    ran: true,
    result: true,
  },
  { name: 'onfail, target failed', targets: BAD, requisite: 'onfail:\n      - cmd: bad', ran: true, result: true },
  {
    name: 'onfail, target succeeded',
    targets: GOOD,
    requisite: 'onfail:\n      - cmd: good',
    ran: false,
    result: true,
    comment: 'State was not run because onfail req did not change',
  },
  {
    name: 'onfail_any, one failed',
    targets: GOOD + BAD,
    requisite: 'onfail_any:\n      - cmd: good\n      - cmd: bad',
    ran: true,
    result: true,
  },
  {
    name: 'onfail_all, one failed',
    targets: GOOD + BAD,
    requisite: 'onfail_all:\n      - cmd: good\n      - cmd: bad',
    ran: false,
    result: true,
  },
  {
    name: 'onfail_all, all failed',
    targets: BAD + BAD2,
    requisite: 'onfail_all:\n      - cmd: bad\n      - cmd: bad2',
    ran: true,
    result: true,
  },
  { name: 'watch, target failed', targets: BAD, requisite: 'watch:\n      - cmd: bad', ran: false, result: false },
  { name: 'watch, target changed', targets: GOOD, requisite: 'watch:\n      - cmd: good', ran: true, result: true },
  {
    name: 'prereq, target would change',
    targets: GOOD,
    requisite: 'prereq:\n      - cmd: good',
    ran: true,
    result: true,
  },
  {
    name: 'prereq, target would not change',
    targets: QUIET,
    requisite: 'prereq:\n      - test: quiet',
    ran: false,
    result: true,
    comment: 'No changes detected',
  },
];

for (const c of cases) {
  t.test(c.name, async (t) => {
    const r = await run(`${c.targets}dependent:\n  cmd.run:\n    - name: echo dependent-ran\n    - ${c.requisite}\n`);
    const dep = r.byId('dependent');
    t.equal(dep.result, c.result);
    t.equal(dep.changes.stdout === 'dependent-ran', c.ran, c.ran ? 'ran' : 'did not run');
    if (!c.ran) t.same(dep.changes, {});
    if (c.comment) t.equal(dep.comment, c.comment);
  });
}

t.test('cmd.wait runs only through a watch that fired', async (t) => {
  const r = await run(`${GOOD}${QUIET}fired:
  cmd.wait:
    - name: echo fired
    - watch:
      - cmd: good
idle:
  cmd.wait:
    - name: echo idle
    - watch:
      - test: quiet
`);
  t.match(r.byId('fired'), { result: true, comment: 'Command "echo fired" run', changes: { stdout: 'fired' } });
  t.match(r.byId('idle'), { result: true, changes: {} });
});

// Test mode, end to end: what each cmd function reports when it would run, and what a state that
// unless/onlyif/creates skip reports (their commands run in test mode too; salt/state.py
// State.call runs _run_check before the function whatever the mode).
interface TestModeCase {
  name: string;
  /** Cited: the Salt test or code the expectation comes from. */
  source: string;
  sls: string;
  result: boolean | null;
  changes: Record<string, unknown>;
  comment: string;
}

const testModeCases: TestModeCase[] = [
  {
    name: 'cmd.run that would run',
    source: 'tests/pytests/unit/states/test_cmd.py test_run',
    sls: 'dependent:\n  cmd.run:\n    - name: echo hi\n',
    result: null,
    changes: { cmd: 'echo hi' },
    comment: 'Command "echo hi" would have been executed',
  },
  {
    name: 'cmd.script that would run',
    source: 'tests/pytests/unit/states/test_cmd.py test_script',
    sls: 'dependent:\n  cmd.script:\n    - name: salt://hello.sh world\n',
    result: null,
    changes: {},
    comment: "Command 'salt://hello.sh world' would have been executed",
  },
  {
    name: 'cmd.wait whose watch fired',
    source: 'salt/states/cmd.py mod_watch → run',
    sls: `${GOOD}dependent:\n  cmd.wait:\n    - name: echo hi\n    - watch:\n      - cmd: good\n`,
    result: null,
    changes: { cmd: 'echo hi' },
    comment: 'Command "echo hi" would have been executed',
  },
  {
    name: 'cmd.wait_script whose watch fired',
    source: 'salt/states/cmd.py mod_watch → script',
    sls: `${GOOD}dependent:\n  cmd.wait_script:\n    - name: salt://hello.sh\n    - watch:\n      - cmd: good\n`,
    result: null,
    changes: {},
    comment: "Command 'salt://hello.sh' would have been executed",
  },
  {
    name: 'cmd.wait whose watch did not fire',
    source: 'tests/pytests/unit/states/test_cmd.py test_wait',
    sls: `${QUIET}dependent:\n  cmd.wait:\n    - name: echo hi\n    - watch:\n      - test: quiet\n`,
    result: true,
    changes: {},
    comment: '',
  },
  {
    name: 'cmd.run skipped by onlyif',
    source: 'salt/state.py _run_check_onlyif',
    sls: "dependent:\n  cmd.run:\n    - name: echo hi\n    - onlyif: 'false'\n",
    result: true,
    changes: {},
    comment: 'onlyif condition is false',
  },
  {
    name: 'cmd.run that onlyif lets run',
    source: 'salt/state.py _run_check_onlyif',
    sls: "dependent:\n  cmd.run:\n    - name: echo hi\n    - onlyif: 'true'\n",
    result: null,
    changes: { cmd: 'echo hi' },
    comment: 'Command "echo hi" would have been executed',
  },
  {
    name: 'cmd.run skipped by unless',
    source: 'salt/state.py _run_check_unless',
    sls: "dependent:\n  cmd.run:\n    - name: echo hi\n    - unless: 'true'\n",
    result: true,
    changes: {},
    comment: 'unless condition is true',
  },
  {
    name: 'cmd.run skipped by creates',
    source: 'salt/state.py _run_check_creates',
    sls: 'dependent:\n  cmd.run:\n    - name: echo hi\n    - creates: /\n',
    result: true,
    changes: {},
    comment: '/ exists',
  },
];

for (const c of testModeCases) {
  t.test(`test mode: ${c.name} (${c.source})`, async (t) => {
    const tree = new MemTree({ 'hello.sh': '#!/bin/sh\necho "hello $1"\n' });
    const r = await run(c.sls, { test: true, context: { tree } });
    t.same(
      {
        result: r.byId('dependent').result,
        changes: r.byId('dependent').changes,
        comment: r.byId('dependent').comment,
      },
      { result: c.result, changes: c.changes, comment: c.comment },
    );
  });
}

// force_mod_watch (salt/state.py State.call_chunk, Salt PR 68960; tests/pytests/functional/modules/
// state/requisites/test_watch.py test_watch_fires_when_force_mod_watch_is_set and
// test_watch_skips_mod_watch_when_normal_run_has_changes): a watching state whose own run made
// changes runs mod_watch only when its return asks for it; then both results are merged — the
// changes and comments of both, the result False if either is.
// `probe.watcher` makes changes of its own (`own` ones, when `own: true`), asks for the reaction
// when `force: true`, and its reaction succeeds unless `reaction_fails: true`.
type ProbeOps = Outcome;
const probe: StateFunction<ProbeOps> = {
  doc: 'a watcher for the tests',
  args: {},
  anyKeyword: true,
  recheck: false,
  async check(args) {
    const changes = args.own === false ? {} : { own: 'changed' };
    const out: Outcome = { changes, comment: 'own run', ...(args.force ? { forceModWatch: true } : {}) };
    return Object.keys(changes).length
      ? { ...pending(changes, 'own run would change', out), ...(args.force ? { forceModWatch: true } : {}) }
      : converged('own run');
  },
  async apply(plan) {
    return plan.ops ?? { changes: {}, comment: '' };
  },
  async modWatch(args) {
    const out: Outcome = { changes: { reaction: 'fired' }, comment: 'reaction' };
    if (args.reaction_fails) out.result = false;
    return pending(out.changes, 'reaction would fire', out);
  },
};
const lookup = (state: string, fun: string): StateFunction | undefined =>
  state === 'probe' && fun === 'watcher' ? (probe as StateFunction) : stateFunction(state, fun);

interface ForceCase {
  name: string;
  targets: string;
  args: string;
  test?: boolean;
  result: boolean | null;
  changes: Record<string, unknown>;
  comment: string;
}

const forceCases: ForceCase[] = [
  {
    name: 'forced, watched state changed: both run, merged',
    targets: GOOD,
    args: '- force: true',
    result: true,
    changes: { own: 'changed', reaction: 'fired' },
    comment: 'own run\nreaction',
  },
  {
    name: 'not forced, watched state changed: the own changes stand alone',
    targets: GOOD,
    args: '- force: false',
    result: true,
    changes: { own: 'changed' },
    comment: 'own run',
  },
  {
    name: 'forced, watched state without changes: no reaction',
    targets: QUIET,
    args: '- force: true',
    result: true,
    changes: { own: 'changed' },
    comment: 'own run',
  },
  {
    name: 'forced, the reaction fails: the merged result fails',
    targets: GOOD,
    args: '- force: true\n    - reaction_fails: true',
    result: false,
    changes: { own: 'changed', reaction: 'fired' },
    comment: 'own run\nreaction',
  },
  {
    name: 'no own changes: the reaction replaces the run, forced or not',
    targets: GOOD,
    args: '- own: false',
    result: true,
    changes: { reaction: 'fired' },
    comment: 'reaction',
  },
  {
    name: 'test mode, forced: both reports merged, result None',
    targets: GOOD,
    args: '- force: true',
    test: true,
    result: null,
    changes: { own: 'changed', reaction: 'fired' },
    comment: 'own run would change\nreaction would fire',
  },
];

for (const c of forceCases) {
  t.test(`force_mod_watch: ${c.name}`, async (t) => {
    const target = c.targets === GOOD ? 'cmd: good' : 'test: quiet';
    const sls = `${c.targets}dependent:\n  probe.watcher:\n    ${c.args}\n    - watch:\n      - ${target}\n`;
    // the compiler turns a watch on a function it knows no mod_watch of into a require: put it back
    const chunks = compile(sls).map((ch) =>
      ch.id === 'dependent' ? { ...ch, requisites: { watch: ch.requisites.require ?? [] } } : ch,
    );
    const out = await executeChunks(chunks, { lookup, test: c.test ?? false, context: { log: silentLogger } });
    const dep = out.results.find((x) => x.id === 'dependent')!;
    t.same(
      { result: dep.result, changes: dep.changes, comment: dep.comment },
      { result: c.result, changes: c.changes, comment: c.comment },
    );
    t.notOk('forceModWatch' in dep, 'the request is not reported');
  });
}
