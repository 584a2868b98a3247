// Salt's documented requisite truth table, one case per cell, with real cmd.run states:
// a target `echo …` succeeds with changes, `false` fails, test.succeed_without_changes succeeds
// without. Each case names the dependent's expected result and whether it ran.
import t from 'tap';
import { run } from './harness.ts';

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
