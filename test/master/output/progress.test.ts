import t from 'tap';
import { makeColors } from '../../../agent/output/colors.ts';
import type { JobEvent, PushResult } from '../../../master/push/orchestrate.ts';
import { formatFleetSummary, formatHostOutput } from '../../../master/output/fleet-summary.ts';
import { Progress, plainLine, renderLines, resultDetail } from '../../../master/output/progress.ts';

const ok: PushResult = { host: 'mem1', status: 'ok', results: [], errors: [], durationMs: 1500 };
const changed: PushResult = {
  host: 'sess1',
  status: 'changed',
  durationMs: 250,
  errors: [],
  results: [
    {
      tag: 'pkg_|-redis_|-redis-server_|-installed',
      id: 'redis',
      name: 'redis-server',
      sls: 'redis',
      result: true,
      changes: { 'redis-server': { old: '', new: '7.0' } },
      comment: 'installed',
      start_time: '08:00:00.000000',
      duration_ms: 200,
      run_num: 0,
    },
    {
      tag: 'service_|-redis_|-redis-server_|-running',
      id: 'redis',
      name: 'redis-server',
      sls: 'redis',
      result: true,
      changes: {},
      comment: 'running',
      start_time: '08:00:00.200000',
      duration_ms: 10,
      run_num: 1,
    },
  ],
};
const down: PushResult = {
  host: 'db1',
  status: 'unreachable',
  results: [],
  errors: [{ code: 'TRANSPORT', message: 'root@10.0.0.3:22: connection refused\nmore', host: 'db1' }],
  durationMs: 3,
};

const events: JobEvent[] = [
  {
    type: 'job-start',
    jid: '20261122080000000000',
    hosts: ['mem1', 'sess1', 'db1', 'app1'],
    waves: [
      { roles: ['memcache'], hosts: ['mem1', 'sess1', 'db1'] },
      { roles: ['app'], hosts: ['app1'] },
    ],
    test: false,
  },
  { type: 'host-queued', host: 'mem1' },
  { type: 'host-queued', host: 'sess1' },
  { type: 'host-queued', host: 'db1' },
  { type: 'host-queued', host: 'app1' },
  { type: 'wave-start', index: 0, roles: ['memcache'], hosts: ['mem1', 'sess1', 'db1'] },
  { type: 'host-start', host: 'mem1' },
  { type: 'host-start', host: 'sess1' },
  { type: 'host-done', host: 'sess1', result: changed },
  { type: 'host-start', host: 'db1' },
  { type: 'host-done', host: 'db1', result: down },
  { type: 'host-done', host: 'mem1', result: ok },
  { type: 'host-blocked', host: 'app1', reason: 'app1: app: not run because db could not reach db1' },
  { type: 'job-done', jid: '20261122080000000000', status: 'unreachable', durationMs: 2100 },
];

t.test('result details', async (t) => {
  t.equal(resultDetail(ok), '0 states, 1.5 s');
  t.equal(resultDetail(changed), '1 changed, 2 states, 250 ms');
  t.equal(resultDetail(down), 'root@10.0.0.3:22: connection refused');
});

t.test('plain output: one line per event, no escape sequences', async (t) => {
  let out = '';
  const p = new Progress({ tty: false, write: (s) => void (out += s) });
  for (const e of events) p.handle(e);
  t.equal(
    out,
    [
      'job 20261122080000000000: 4 hosts in 2 waves',
      'wave 1 (memcache): mem1, sess1, db1',
      'mem1: running',
      'sess1: running',
      'sess1: changed (1 changed, 2 states, 250 ms)',
      'db1: running',
      'db1: unreachable (root@10.0.0.3:22: connection refused)',
      'mem1: ok (0 states, 1.5 s)',
      'app1: blocked (app1: app: not run because db could not reach db1)',
      'job 20261122080000000000: unreachable in 2.1 s',
      '',
    ].join('\n'),
  );
  t.notMatch(out, /\x1b/);
});

/** Plays the TTY output on a minimal screen (cursor up, clear line, carriage return) and returns its lines. */
function screen(out: string): string[] {
  const lines: string[] = [''];
  let row = 0;
  for (const tok of out.match(/\x1b\[\d*[A-Z]|\r|\n|[^\x1b\r\n]+/g) ?? []) {
    const up = /^\x1b\[(\d+)A$/.exec(tok);
    if (up) row -= Number(up[1]);
    else if (tok === '\x1b[2K') lines[row] = '';
    else if (tok === '\r') continue;
    else if (tok === '\n') {
      row++;
      lines[row] ??= '';
    } else lines[row] += tok;
  }
  return lines.filter((l, i) => l || i < lines.length - 1);
}

t.test('terminal output: one line per host, redrawn in place', async (t) => {
  let out = '';
  const p = new Progress({ tty: true, write: (s) => void (out += s) });
  for (const e of events.slice(0, 8)) p.handle(e);
  t.same(screen(out), ['mem1   running', 'sess1  running', 'db1    queued', 'app1   queued']);
  for (const e of events.slice(8)) p.handle(e);
  p.finish();
  t.same(screen(out), [
    'mem1   ok           0 states, 1.5 s',
    'sess1  changed      1 changed, 2 states, 250 ms',
    'db1    unreachable  root@10.0.0.3:22: connection refused',
    'app1   blocked      app: not run because db could not reach db1',
  ]);
  t.same(
    p.hosts.map((h) => h.phase),
    ['ok', 'changed', 'unreachable', 'blocked'],
  );
  t.match(out, /\x1b\[4A/, 'moved back over the four lines');
});

/** Select Graphic Rendition sequences (colours), as opposed to cursor movement and line clearing. */
const SGR = /\x1b\[[0-9;]*m/;

t.test('colour only when asked', async (t) => {
  t.notMatch(renderLines([{ host: 'a', phase: 'failed', detail: '' }]).join(''), /\x1b/);
  t.equal(
    renderLines([{ host: 'a', phase: 'failed', detail: '' }], makeColors(true)).join(''),
    '\x1b[31ma  failed\x1b[39m',
  );
  const painted = (color: boolean | undefined, tty: boolean) => {
    let out = '';
    const p = new Progress({ tty, ...(color === undefined ? {} : { color }), write: (s) => void (out += s) });
    for (const e of events) p.handle(e);
    return out;
  };
  const colored = painted(true, true);
  t.match(colored, '\x1b[32mmem1   ok           0 states, 1.5 s\x1b[39m', 'a host that converged is green');
  t.match(colored, '\x1b[36msess1  changed', 'a host with changes is cyan');
  t.match(colored, '\x1b[91mdb1    unreachable', 'an unreachable host is light red');
  for (const color of [false, undefined]) {
    const plain = painted(color, true);
    t.notMatch(plain, SGR, `no colour with color: ${color}`);
    t.match(plain, /\x1b\[4A/, 'still redrawn in place');
  }
  t.notMatch(painted(true, false), /\x1b/, 'one line per event never carries escape sequences');
  t.equal(plainLine({ type: 'host-queued', host: 'x' }), null);
});

t.test('fleet summary and host output', async (t) => {
  const text = formatFleetSummary({
    jid: '1',
    results: [ok, changed, down],
    blocked: [{ host: 'app1', reason: 'app1: app: not run because db could not reach db1' }],
    durationMs: 2100,
  });
  t.match(
    text,
    /Hosts\s+4\n  ok\s+1\n  changed\s+1\n  failed\s+0\n  unreachable\s+1\n  timeout\s+0\n  blocked\s+1\nStates\s+2\n  succeeded\s+2\n  changed\s+1\n  failed\s+0/,
  );
  t.match(text, /Wall time: 2\.1 s/);
  t.match(text, /blocked: app1: app: not run because db could not reach db1/);
  t.match(formatHostOutput(changed), /^sess1:\n-{10}\n {10}ID: redis/);
  t.match(formatHostOutput(changed), /Summary for sess1/);
  t.equal(formatHostOutput(down), 'db1:\n    root@10.0.0.3:22: connection refused\nmore (TRANSPORT)\n');
});

// In a test run a None result is Salt's "would be changed", with changes or without (cmd.script's
// test report names none: tests/pytests/unit/states/test_cmd.py test_script).
t.test('fleet summary of a test run counts None results as changes', async (t) => {
  const pending: PushResult = {
    ...changed,
    results: changed.results.map((r) => ({ ...r, result: null, changes: {} })),
  };
  const job = { jid: '2', results: [pending], blocked: [], durationMs: 10 };
  t.match(formatFleetSummary(job, { test: true }), /States\s+2\n  succeeded\s+2\n  changed\s+2/);
  t.match(formatFleetSummary(job), /States\s+2\n  succeeded\s+2\n  changed\s+0/);
});
