import t from 'tap';
import type { StateResult } from '../../../agent/protocol.ts';
import { formatHighstate, summarize } from '../../../agent/output/highstate.ts';
import { saltJson } from '../../../agent/output/json.ts';

function res(over: Partial<StateResult> & { tag: string }): StateResult {
  const [, id, name] = over.tag.split('_|-');
  return {
    id,
    name,
    sls: 'memcached',
    result: true,
    changes: {},
    comment: '',
    start_time: '10:00:00.000000',
    duration_ms: 1.5,
    run_num: 0,
    ...over,
  };
}

const results: StateResult[] = [
  res({
    tag: 'pkg_|-memcached_|-memcached_|-installed',
    comment: 'All specified packages are already installed',
    run_num: 0,
  }),
  res({
    tag: 'file_|-memcached_|-/etc/memcached.conf_|-managed',
    comment: 'File /etc/memcached.conf updated',
    run_num: 1,
    changes: { diff: '--- \n+++ \n@@ -1 +1 @@\n-m 64\n+m 128\n', mode: '0644' },
  }),
  res({
    tag: 'service_|-memcached_|-memcached_|-running',
    result: false,
    comment: 'Job for memcached failed\nsee journal',
    run_num: 2,
    duration_ms: 1200,
  }),
];

t.test('full output: ID, Function, Name only when it differs, Result, Comment, Changes nested', async (t) => {
  const out = formatHighstate('memcache1', results);
  t.match(
    out,
    /^memcache1:\n----------\n          ID: memcached\n    Function: pkg.installed\n      Result: True\n     Comment: All specified packages are already installed\n     Started: 10:00:00.000000\n    Duration: 1.5 ms\n     Changes:   \n/,
  );
  t.match(out, /    Function: file.managed\n        Name: \/etc\/memcached.conf\n      Result: True/);
  t.match(
    out,
    /     Changes:   \n              ----------\n              diff:\n                  --- \n                  \+\+\+ \n                  @@ -1 \+1 @@\n                  -m 64\n                  \+m 128\n              mode:\n                  0644\n/,
  );
  t.match(out, /     Comment: Job for memcached failed\n              see journal\n/);
  t.match(
    out,
    /\nSummary for memcache1\n------------\nSucceeded: 2 \(changed=1\)\nFailed:    1\n------------\nTotal states run:     3\nTotal run time:   1.203 s$/,
  );
});

t.test('terse and changes modes', async (t) => {
  const terse = formatHighstate('h', results, { stateOutput: 'terse' });
  t.match(
    terse,
    /  Name: memcached - Function: pkg.installed - Result: Clean Started: - 10:00:00.000000 Duration: 1.5 ms/,
  );
  t.match(terse, /Function: file.managed - Result: Changed/);
  t.match(terse, /Function: service.running - Result: Failed/);
  const changes = formatHighstate('h', results, { stateOutput: 'changes' });
  t.match(changes, /  Name: memcached - Function: pkg.installed - Result: Clean/);
  t.match(changes, /          ID: memcached\n    Function: file.managed/);
  t.match(changes, /    Function: service.running/);
  const mixed = formatHighstate('h', results, { stateOutput: 'mixed' });
  t.match(mixed, /Function: file.managed - Result: Changed/);
  t.match(mixed, /    Function: service.running\n/);
});

t.test('test mode: None results count as succeeded, unchanged', async (t) => {
  const r = [
    res({
      tag: 'file_|-x_|-/x_|-managed',
      result: null,
      comment: 'The file /x is set to be changed',
      changes: { newfile: '/x' },
    }),
  ];
  t.same(summarize(r), { succeeded: 1, changed: 1, unchanged: 1, failed: 0, warnings: 0, total: 1, durationMs: 1.5 });
  t.match(formatHighstate('h', r), /      Result: None\n/);
  t.match(formatHighstate('h', r), /Succeeded: 1 \(unchanged=1, changed=1\)/);
});

t.test('colour only when asked', async (t) => {
  t.notMatch(formatHighstate('h', results), /\x1b\[/);
  t.match(formatHighstate('h', results, { color: true }), /\x1b\[31m/);
});

t.test('nested lists and warnings', async (t) => {
  const r = [
    res({
      tag: 'user_|-u_|-u_|-present',
      changes: { groups: ['a', 'b'], nested: [{ k: 1 }] },
      warnings: ['unknown argument foo'],
    }),
  ];
  const out = formatHighstate('h', r);
  t.match(
    out,
    /              groups:\n                  - a\n                  - b\n              nested:\n                  \|_\n                    ----------\n                    k:\n                        1\n/,
  );
  t.match(out, /    Warnings: unknown argument foo/);
  t.match(out, /Warnings:  +1/);
});

t.test('salt-call JSON shape', async (t) => {
  const j = saltJson('local', results) as unknown as Record<string, Record<string, Record<string, unknown>>>;
  const st = j.local['file_|-memcached_|-/etc/memcached.conf_|-managed'];
  t.same(
    Object.keys(st).sort(),
    ['__id__', '__run_num__', '__sls__', 'changes', 'comment', 'duration', 'name', 'result', 'start_time'].sort(),
  );
  t.equal(st.__run_num__, 1);
  t.same(saltJson('local', ['Rendering SLS failed']), { local: ['Rendering SLS failed'] });
});
