// The call of one state: argument checks, errors, re-check, timeout, conditions, retry, aggregate.
import t from 'tap';
import { mkdtempSync, existsSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { executeChunks } from '../../../agent/execute/executor.ts';
import { silentLogger } from '../../../agent/states/context.ts';
import type { StateFunction } from '../../../agent/states/types.ts';
import type { LowChunk } from '../../../agent/protocol.ts';
import { chunk, run } from './harness.ts';

const tmp = mkdtempSync(join(tmpdir(), 'halite-exec-'));

/** A file-like state on a path under tmp: wants `content` in the file; apply writes `written`. */
function fileLike(written?: string): StateFunction<string> {
  return {
    doc: 'a file-like state',
    args: { content: { type: 'string', doc: 'contents', required: true }, mode: { type: 'mode', doc: 'mode' } },
    async check(args) {
      const cur = existsSync(args.name) ? readFileSync(args.name, 'utf8') : undefined;
      const want = String(args.content);
      if (cur === want) return { status: 'converged', changes: {}, comment: 'ok' };
      return {
        status: 'pending',
        changes: { content: want },
        comment: `would write ${args.name}`,
        ops: written ?? want,
      };
    },
    async apply(plan, ctx) {
      writeFileSync(ctx.chunk!.name, plan.ops!);
      return { changes: plan.changes, comment: 'written' };
    },
  };
}

async function exec(
  chunks: LowChunk[],
  fns: Record<string, StateFunction>,
  opts: Parameters<typeof executeChunks>[1] = {},
) {
  return executeChunks(chunks, { ...opts, context: { log: silentLogger }, lookup: (s, f) => fns[`${s}.${f}`] });
}

t.test('apply then re-check; a re-check that still wants changes fails the state', async (t) => {
  const p1 = join(tmp, 'good');
  const p2 = join(tmp, 'bad');
  const out = await exec(
    [chunk('x', 'good', 'file', { name: p1, content: 'a' }), chunk('x', 'bad', 'broken', { name: p2, content: 'a' })],
    { 'x.file': fileLike(), 'x.broken': fileLike('not a') },
  );
  t.match(out.results[0], { result: true, comment: 'written', changes: { content: 'a' } });
  t.equal(readFileSync(p1, 'utf8'), 'a');
  t.match(out.results[1], { result: false, changes: { content: 'a' } });
  t.match(out.results[1].comment, /^written\nx\.broken is still not in the desired state after apply: would write /);
});

t.test('test mode reports without applying', async (t) => {
  const p = join(tmp, 'untouched');
  const out = await exec(
    [chunk('x', 'f', 'file', { name: p, content: 'a' })],
    { 'x.file': fileLike() },
    { test: true },
  );
  t.match(out.results[0], { result: null, changes: { content: 'a' }, comment: `would write ${p}` });
  t.notOk(existsSync(p));
});

t.test('unknown arguments warn; missing required ones fail; unknown functions fail', async (t) => {
  const p = join(tmp, 'args');
  const out = await exec(
    [
      chunk('x', 'warn', 'file', { name: p, content: 'a', colour: 'red', size: 1 }),
      chunk('x', 'missing', 'file', { name: p }),
      chunk('x', 'nope', 'nothing', {}),
    ],
    { 'x.file': fileLike() },
  );
  t.same(out.results[0].warnings, ["'colour' and 'size' are invalid keyword arguments for 'x.file'"]);
  t.equal(out.results[0].result, true);
  t.match(out.results[1], { result: false, comment: 'Missing parameter content for state x.file' });
  t.match(out.results[2], { result: false, comment: "State 'x.nothing' was not found in SLS 'main'" });
});

t.test('runas is a runtime keyword: no warning for a function that does not take it', async (t) => {
  // salt/state.py: runas is in STATE_RUNTIME_KEYWORDS, which format_call accepts as expected extra keywords
  const p = join(tmp, 'runas');
  const out = await exec([chunk('x', 'r', 'file', { name: p, content: 'a', runas: 'root' })], { 'x.file': fileLike() });
  t.same(out.results[0].warnings ?? [], []);
  t.equal(out.results[0].result, true);
});

t.test("a listener's mod_watch knows the function of the state that listens", async (t) => {
  // salt/state.py call_listen: the listener's low chunk carries sfun, the listening state's function
  const seen: string[] = [];
  const svc: StateFunction = {
    doc: 'a service-like state',
    args: {},
    check: async () => ({ status: 'converged', changes: {}, comment: 'running' }),
    apply: async () => ({ changes: {}, comment: '' }),
    modWatch: async (_args, ctx) => {
      seen.push(ctx.chunk!.fun);
      return { status: 'pending', changes: { restarted: true }, comment: 'restart', ops: null };
    },
  };
  const p = join(tmp, 'listened');
  const out = await exec(
    [
      chunk('x', 'conf', 'file', { name: p, content: 'a' }),
      chunk('x', 'svc', 'running', {}, { requisites: { listen: [chunk('x', 'conf', 'file', { name: p }).tag] } }),
    ],
    { 'x.file': fileLike(), 'x.running': svc },
  );
  t.same(seen, ['running']);
  t.match(out.results[2], { tag: 'x_|-listener_svc_|-svc_|-mod_watch', result: true });
});

t.test('a throwing module becomes a failed result, and the run goes on', async (t) => {
  const boom: StateFunction = {
    doc: 'a probe',
    args: {},
    check: async () => {
      throw new Error('kaboom');
    },
    apply: async () => ({ changes: {}, comment: '' }),
  };
  const applyBoom: StateFunction = {
    doc: 'a probe',
    args: {},
    check: async () => ({ status: 'pending', changes: { x: 1 }, comment: 'would' }),
    apply: async () => {
      throw new TypeError('bad apply');
    },
  };
  const out = await exec([chunk('x', 'a', 'boom'), chunk('x', 'b', 'applyBoom'), chunk('x', 'c', 'boom')], {
    'x.boom': boom,
    'x.applyBoom': applyBoom,
  });
  t.same(
    out.results.map((r) => [r.result, r.comment]),
    [
      [false, 'An exception occurred in this state: kaboom'],
      [false, 'An exception occurred in this state: bad apply'],
      [false, 'An exception occurred in this state: kaboom'],
    ],
  );
});

t.test('a state over its time limit is killed and fails', async (t) => {
  const pidFile = join(tmp, 'sleep.pid');
  const r = await run(`
slow:
  test.succeed_with_changes:
    - unless: echo $$ > ${pidFile}; exec sleep 30
    - timeout: 1
after:
  test.succeed_without_changes
`);
  t.match(r.byId('slow'), { result: false, comment: 'State test.succeed_with_changes timed out after 1 s' });
  t.ok(r.byId('slow').duration_ms < 8000);
  const pid = Number(readFileSync(pidFile, 'utf8'));
  t.throws(() => process.kill(pid, 0), 'the sleep was killed');
  t.equal(r.byId('after').result, true);
  const dflt = await run(
    `
slow:
  cmd.run:
    - name: sleep 30
`,
    { timeout: 1 },
  );
  t.match(dflt.byId('slow'), { result: false, comment: 'State cmd.run timed out after 1 s' });
});

t.test("cmd.run's own timeout kills the command and reports it as Salt does", async (t) => {
  const pidFile = join(tmp, 'own-sleep.pid');
  const r = await run(`
slow:
  cmd.run:
    - name: echo $$ > ${pidFile}; exec sleep 30
    - timeout: 1
`);
  t.match(r.byId('slow'), {
    result: false,
    comment: `Command "echo $$ > ${pidFile}; exec sleep 30" run`,
    changes: { retcode: 1, stdout: `echo $$ > ${pidFile}; exec sleep 30 : Timed out after 1 seconds`, stderr: '' },
  });
  const pid = Number(readFileSync(pidFile, 'utf8'));
  t.throws(() => process.kill(pid, 0), 'the sleep was killed');
});

t.test('unless / onlyif / creates', async (t) => {
  const made = join(tmp, 'made');
  writeFileSync(made, '');
  const r = await run(`
u_true:
  cmd.run:
    - name: echo ran
    - unless: 'true'
u_mixed:
  cmd.run:
    - name: echo ran
    - unless:
      - 'true'
      - 'false'
o_false:
  cmd.run:
    - name: echo ran
    - onlyif:
      - 'true'
      - 'false'
o_true:
  cmd.run:
    - name: echo ran
    - onlyif: test -e ${made}
c_one:
  cmd.run:
    - name: echo ran
    - creates: ${made}
c_all:
  cmd.run:
    - name: echo ran
    - creates:
      - ${made}
      - ${made}
c_missing:
  cmd.run:
    - name: echo ran
    - creates:
      - ${made}
      - ${join(tmp, 'absent')}
watcher:
  cmd.run:
    - name: echo watcher
    - watch:
      - cmd: u_mixed
`);
  t.match(r.byId('u_true'), { result: true, changes: {}, comment: 'unless condition is true' });
  t.match(r.byId('u_mixed'), { result: true, comment: 'Command "echo ran" run', changes: { stdout: 'ran' } });
  t.match(r.byId('o_false'), { result: true, changes: {}, comment: 'onlyif condition is false' });
  t.match(r.byId('o_true'), { result: true, changes: { retcode: 0 } });
  t.match(r.byId('c_one'), { result: true, changes: {}, comment: `${made} exists` });
  t.match(r.byId('c_all'), { comment: 'All files in creates exist' });
  t.match(r.byId('c_missing'), { changes: { stdout: 'ran' } });
  t.match(r.byId('watcher'), { result: true, changes: { stdout: 'watcher' } });
});

// onlyif / unless in their module form and mixed with command lines (salt/state.py
// _run_check_onlyif, _run_check_unless, _run_check_function; doc/ref/states/requisites.rst "onlyif"
// and "unless": `fun` names an execution function, `args` its positional arguments, the other keys
// its keyword arguments, `get_return` a key of what it returns). `ran` says whether cmd.run ran.
interface ConditionCase {
  name: string;
  condition: string;
  ran: boolean;
  result: boolean;
  comment: string | RegExp;
}

const condTmp = mkdtempSync(join(tmpdir(), 'halite-cond-'));
const present = join(condTmp, 'present');
writeFileSync(present, '');
const absent = join(condTmp, 'absent');

const conditionCases: ConditionCase[] = [
  {
    name: 'onlyif function returns True',
    condition: `- onlyif:\n      - fun: file.file_exists\n        path: ${present}`,
    ran: true,
    result: true,
    comment: 'Command "echo ran" run',
  },
  {
    name: 'onlyif function returns False',
    condition: `- onlyif:\n      - fun: file.file_exists\n        path: ${absent}`,
    ran: false,
    result: true,
    comment: 'onlyif condition is false',
  },
  {
    name: 'onlyif function with positional args',
    condition: `- onlyif:\n      - fun: file.directory_exists\n        args:\n          - ${condTmp}`,
    ran: true,
    result: true,
    comment: 'Command "echo ran" run',
  },
  {
    name: 'onlyif mixing a true line and a false function',
    condition: `- onlyif:\n      - 'true'\n      - fun: file.file_exists\n        path: ${absent}`,
    ran: false,
    result: true,
    comment: 'onlyif condition is false',
  },
  {
    name: 'onlyif mixing a true function and a false line',
    condition: `- onlyif:\n      - fun: file.file_exists\n        path: ${present}\n      - 'false'`,
    ran: false,
    result: true,
    comment: 'onlyif condition is false',
  },
  {
    name: 'onlyif cmd.run whose command fails: its exit code decides',
    condition: "- onlyif:\n      - fun: cmd.run\n        cmd: 'echo output; exit 3'",
    ran: false,
    result: true,
    comment: 'onlyif condition is false',
  },
  {
    name: 'onlyif get_return looks into the value',
    condition: '- onlyif:\n      - fun: grains.item\n        args: [id]\n        get_return: id',
    ran: true,
    result: true,
    comment: 'Command "echo ran" run',
  },
  {
    name: 'onlyif get_return of a missing key is false',
    condition: '- onlyif:\n      - fun: grains.item\n        args: [id]\n        get_return: nothing',
    ran: false,
    result: true,
    comment: 'onlyif condition is false',
  },
  {
    name: 'onlyif entry without fun: the state runs',
    condition: '- onlyif:\n      - path: /x',
    ran: true,
    result: true,
    comment: 'Command "echo ran" run',
  },
  {
    name: 'unless function returns True',
    condition: `- unless:\n      - fun: file.file_exists\n        path: ${present}`,
    ran: false,
    result: true,
    comment: 'unless condition is true',
  },
  {
    name: 'unless function returns False',
    condition: `- unless:\n      - fun: file.file_exists\n        path: ${absent}`,
    ran: true,
    result: true,
    comment: 'Command "echo ran" run',
  },
  {
    name: 'unless mixing a true line and a true function',
    condition: `- unless:\n      - 'true'\n      - fun: file.exists\n        path: ${present}`,
    ran: false,
    result: true,
    comment: 'unless condition is true',
  },
  {
    name: 'unless mixing a true line and a false function',
    condition: `- unless:\n      - 'true'\n      - fun: file.exists\n        path: ${absent}`,
    ran: true,
    result: true,
    comment: 'Command "echo ran" run',
  },
  {
    name: 'an unknown function fails the state naming it',
    condition: '- onlyif:\n      - fun: pkg.version\n        name: nginx',
    ran: false,
    result: false,
    comment: /onlyif: there is no execution function 'pkg\.version'/,
  },
  {
    name: 'a function that raises fails the state',
    condition: '- unless:\n      - fun: file.file_exists',
    ran: false,
    result: false,
    comment: /unless: file\.file_exists failed: .*missing required argument 'path'/,
  },
];

for (const c of conditionCases) {
  t.test(`module form: ${c.name}`, async (t) => {
    const r = await run(`dependent:\n  cmd.run:\n    - name: echo ran\n    ${c.condition}\n`, {
      context: { grains: { id: 'h1' } },
    });
    const dep = r.byId('dependent');
    t.equal(dep.result, c.result);
    t.equal(dep.changes.stdout === 'ran', c.ran, c.ran ? 'ran' : 'did not run');
    if (c.comment instanceof RegExp) t.match(dep.comment, c.comment);
    else t.equal(dep.comment, c.comment);
  });
}

// check_cmd (salt/state.py State.call, _run_check_cmd): after the function ran, each command must
// exit 0; the first that does not fails the state; when all do, the state succeeds whatever the
// function said. The changes stay. Not in a test run (nothing ran to judge).
interface CheckCmdCase {
  name: string;
  state: string;
  check: string;
  test?: boolean;
  result: boolean | null;
  comment: string;
  changes: Record<string, unknown>;
}

const checkCmdCases: CheckCmdCase[] = [
  {
    name: 'every check passes',
    state: 'cmd.run:\n    - name: echo ran',
    check: "\n      - 'true'\n      - 'true'",
    result: true,
    comment: 'check_cmd determined the state succeeded',
    changes: { stdout: 'ran' },
  },
  {
    name: 'a check fails',
    state: 'cmd.run:\n    - name: echo ran',
    check: "\n      - 'true'\n      - 'false'",
    result: false,
    comment: 'check_cmd determined the state failed',
    changes: { stdout: 'ran' },
  },
  {
    name: 'a failed state whose checks pass succeeds',
    state: "cmd.run:\n    - name: 'echo ran; false'",
    check: "\n      - 'true'",
    result: true,
    comment: 'check_cmd determined the state succeeded',
    changes: { stdout: 'ran', retcode: 1 },
  },
  {
    name: 'a single command line',
    state: 'test.succeed_with_changes',
    check: " 'false'",
    result: false,
    comment: 'check_cmd determined the state failed',
    changes: { testing: {} },
  },
  {
    name: 'after a watch reaction',
    state: `cmd.wait:\n    - name: echo ran\n    - watch:\n      - test: changed`,
    check: " 'false'",
    result: false,
    comment: 'check_cmd determined the state failed',
    changes: { stdout: 'ran' },
  },
  {
    name: 'test mode: not run',
    state: 'test.succeed_with_changes',
    check: " 'false'",
    test: true,
    result: null,
    comment: "If we weren't testing, this would be successful with changes",
    changes: { testing: {} },
  },
];

for (const c of checkCmdCases) {
  t.test(`check_cmd: ${c.name}`, async (t) => {
    const state = c.state.includes(':') ? c.state : `${c.state}:\n    - comment: x`;
    const changed = 'changed:\n  test.succeed_with_changes\n';
    const r = await run(`${changed}dependent:\n  ${state}\n    - check_cmd:${c.check}\n`, { test: c.test ?? false });
    t.match(r.byId('dependent'), { result: c.result, comment: c.comment, changes: c.changes });
  });
}

t.test('a watch on a state skipped by unless does not fire mod_watch', async (t) => {
  const r = await run(`
changed:
  test.succeed_with_changes
skipped:
  cmd.run:
    - name: echo no
    - unless: 'true'
    - watch:
      - test: changed
`);
  t.match(r.byId('skipped'), { result: true, changes: {}, comment: 'unless condition is true' });
});

t.test('retry: repeated until the result is reached; described in test mode', async (t) => {
  const counter = join(tmp, 'count');
  writeFileSync(counter, '');
  const sls = `
flaky:
  cmd.run:
    - name: echo x >> ${counter}; test $(wc -l < ${counter}) -ge 2
    - retry:
        attempts: 3
        interval: 0
`;
  const r = await run(sls);
  t.equal(r.byId('flaky').result, true);
  t.match(
    r.byId('flaky').comment,
    /^Attempt 1: Returned a result of "False", with the following comment: "Command .* run"\nCommand .* run$/,
  );
  t.equal(readFileSync(counter, 'utf8'), 'x\nx\n');
  const tm = await run(sls, { test: true });
  t.match(
    tm.byId('flaky').comment,
    /would have been executed  The state would be retried every 0 seconds \(with a splay of up to 0 seconds\) a maximum of 3 times or until a result of True is returned$/,
  );
});

t.test('aggregate: compatible pending chunks are merged into one call', async (t) => {
  const calls: string[][] = [];
  const installed = new Set<string>();
  const pkg: StateFunction<string[]> = {
    doc: 'packages',
    args: { pkgs: { type: 'list', doc: 'packages' } },
    async check(args) {
      const want = (args.pkgs as string[] | undefined) ?? [args.name];
      const missing = want.filter((p) => !installed.has(p));
      if (!missing.length)
        return { status: 'converged', changes: {}, comment: 'All specified packages are already installed' };
      return {
        status: 'pending',
        changes: Object.fromEntries(missing.map((p) => [p, { new: '1' }])),
        comment: 'install',
        ops: missing,
      };
    },
    async apply(plan) {
      calls.push(plan.ops!);
      plan.ops!.forEach((p) => installed.add(p));
      return { changes: plan.changes, comment: 'installed' };
    },
    aggregate(c, pending) {
      return {
        args: { name: c.name, pkgs: [c.name, ...pending.map((p) => p.name)] },
        absorbed: pending.map((p) => p.tag),
      };
    },
  };
  const failing = chunk('test', 'bad', 'fail', {});
  const out = await exec(
    [
      failing,
      chunk('pkg', 'a', 'installed'),
      chunk('pkg', 'b', 'installed'),
      chunk('pkg', 'c', 'installed', {}, { requisites: { require: [failing.tag] } }),
      // its own check_cmd must judge its own call
      chunk('pkg', 'd', 'installed', {}, { meta: { check_cmd: ['true'] } }),
    ],
    {
      'pkg.installed': pkg,
      'test.fail': {
        doc: 'a probe',
        args: {},
        check: async () => ({ status: 'failed', changes: {}, comment: 'no' }),
        apply: async () => ({ changes: {}, comment: '' }),
      },
    },
  );
  t.same(calls, [['a', 'b'], ['d']], 'one call for a and b; c is not absorbed because its requisite failed');
  t.match(
    out.results.map((r) => [r.id, r.result, r.comment]),
    [
      ['bad', false],
      ['a', true, 'installed'],
      ['b', true, 'All specified packages are already installed'],
      ['c', false],
      ['d', true, 'check_cmd determined the state succeeded'],
    ],
  );
});

t.test('test mode tells a check which of its requisites would change', async (t) => {
  let seen: readonly string[] | undefined;
  const probe: StateFunction = {
    doc: 'a probe',
    args: {},
    async check(_a, ctx) {
      seen = ctx.pendingRequisites;
      return { status: 'converged', changes: {}, comment: 'ok' };
    },
    apply: async () => ({ changes: {}, comment: '' }),
  };
  const will = chunk('x', 'will', 'change');
  const wont = chunk('x', 'wont', 'steady');
  const fns = {
    'x.change': {
      ...probe,
      check: async () => ({ status: 'pending' as const, changes: { a: 1 }, comment: 'would', ops: 1 }),
    },
    'x.steady': probe,
    'x.probe': probe,
  };
  const p = chunk('x', 'p', 'probe', {}, { requisites: { require: [will.tag, wont.tag] } });
  await exec([will, wont, p], fns, { test: true });
  t.same(seen, [will.tag]);
  await exec([will, wont, p], fns, { test: false });
  t.equal(seen, undefined);
});

t.test('results go through redact before they are reported', async (t) => {
  const seen: string[] = [];
  const r = await run(
    `
secret:
  test.succeed_without_changes:
    - comment: the password is hunter22
`,
    {
      redact: (x) => ({ ...x, comment: x.comment.replace('hunter22', '**REDACTED**') }),
      onResult: (x) => seen.push(x.comment),
    },
  );
  t.equal(r.byId('secret').comment, 'the password is **REDACTED**');
  t.same(seen, ['the password is **REDACTED**']);
  t.match(r.byId('secret').start_time, /^\d\d:\d\d:\d\d\.\d{6}$/);
});

t.test('aborting the run kills the current command and stops', async (t) => {
  const ac = new AbortController();
  setTimeout(() => ac.abort(), 300);
  const started = Date.now();
  const r = await run(
    `
slow:
  cmd.run:
    - name: sleep 30
after:
  test.succeed_without_changes
`,
    { signal: ac.signal },
  );
  t.ok(Date.now() - started < 10000);
  t.equal(r.byId('slow').result, false);
  t.same(r.order(), ['slow']);
  t.equal(r.stopped, true);
});

t.test('chunks given out of order: a requisite that has not run yet runs first', async (t) => {
  const fns = {
    'x.ok': {
      doc: 'a probe',
      args: {},
      check: async () => ({ status: 'converged' as const, changes: {}, comment: 'ok' }),
      apply: async () => ({ changes: {}, comment: '' }),
    },
  };
  const first = chunk('x', 'first', 'ok');
  const second = chunk('x', 'second', 'ok', {}, { requisites: { require: [first.tag] } });
  const out = await exec([second, first], fns);
  t.same(
    out.results.map((r) => [r.id, r.run_num]),
    [
      ['first', 0],
      ['second', 1],
    ],
  );
});

t.test('one fact cache serves every chunk of a run', async (t) => {
  const seen: unknown[] = [];
  const probe: StateFunction = {
    doc: 'a probe',
    args: {},
    async check(_a, ctx) {
      seen.push(ctx.facts);
      return { status: 'converged', changes: {}, comment: 'ok' };
    },
    apply: async () => ({ changes: {}, comment: '' }),
  };
  await exec([chunk('x', 'a', 'p'), chunk('x', 'b', 'p')], { 'x.p': probe });
  await exec([chunk('x', 'c', 'p')], { 'x.p': probe });
  t.equal(seen.length, 3);
  t.equal(seen[0], seen[1], 'shared within a run');
  t.not(seen[1], seen[2], 'a new run starts with a new cache');
});
