// Drift is what a host's last test-mode highstate found would change, per state; an applied highstate
// that succeeds converges the host; SLS runs and late recoveries of older runs change nothing.
import t from 'tap';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { StateResult } from '../../../agent/protocol.ts';
import { JobStore } from '../../../master/jobs/store.ts';

const dir = mkdtempSync(join(tmpdir(), 'halite-drift-'));
t.teardown(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;
const open = () => JobStore.open(join(dir, `db${++n}`, 'jobs.sqlite'));

const state = (id: string, changes: Record<string, unknown> = {}, result: boolean | null = true): StateResult => ({
  tag: `file_|-${id}_|-/etc/${id}_|-managed`,
  id,
  name: `/etc/${id}`,
  sls: 'base',
  result,
  changes,
  comment: Object.keys(changes).length ? 'would be updated' : 'in line',
  start_time: '',
  duration_ms: 1,
  run_num: 0,
});

function job(
  store: JobStore,
  kind: 'highstate' | 'sls',
  test: boolean,
  host: string,
  status: 'ok' | 'changed' | 'failed' | 'unreachable',
  results: StateResult[],
): string {
  const j = store.startJob({ kind, test, hosts: [host] });
  store.recordHostRun(j.jid, { host, status, results });
  store.finishJob(j.jid, status);
  return j.jid;
}

t.test('a test-mode highstate records what would change, per host and state', async (t) => {
  const store = open();
  t.same([...store.drift().keys()], [], 'nothing checked yet');
  const diff = { diff: '--- old\n+++ new\n-port 11211\n+port 11311\n' };
  const jid = job(store, 'highstate', true, 'web1', 'changed', [state('motd'), state('memcached.conf', diff, null)]);
  job(store, 'highstate', true, 'web2', 'ok', [state('motd')]);
  const drift = store.drift();
  t.same(drift.get('web1')?.states, [
    {
      tag: 'file_|-memcached.conf_|-/etc/memcached.conf_|-managed',
      id: 'memcached.conf',
      name: '/etc/memcached.conf',
      sls: 'base',
      changes: diff,
      comment: 'would be updated',
    },
  ]);
  t.equal(drift.get('web1')?.jid, jid);
  t.equal(drift.get('web1')?.mode, 'test');
  t.same(drift.get('web2')?.states, [], 'checked, in line');
  t.same([...store.drift(['web2']).keys()], ['web2'], 'asked for some hosts');
  store.close();
});

t.test('the next test run replaces the host drift; an applied highstate that succeeds clears it', async (t) => {
  const store = open();
  job(store, 'highstate', true, 'web1', 'changed', [state('a', { diff: 'x' }, null), state('b', { diff: 'y' }, null)]);
  job(store, 'highstate', true, 'web1', 'changed', [state('a'), state('b', { diff: 'y' }, null)]);
  t.same(
    store
      .drift()
      .get('web1')
      ?.states.map((s) => s.id),
    ['b'],
  );
  job(store, 'highstate', false, 'web1', 'failed', [state('b', {}, false)]);
  t.same(
    store
      .drift()
      .get('web1')
      ?.states.map((s) => s.id),
    ['b'],
    'a failed apply proves nothing',
  );
  const applied = job(store, 'highstate', false, 'web1', 'changed', [state('b', { diff: 'y' })]);
  t.same(store.drift().get('web1'), {
    host: 'web1',
    jid: applied,
    mode: 'apply',
    checkedAt: store.drift().get('web1')!.checkedAt,
    states: [],
  });
  store.close();
});

t.test('SLS runs and unreachable hosts do not touch drift', async (t) => {
  const store = open();
  const first = job(store, 'highstate', true, 'web1', 'changed', [state('a', { diff: 'x' }, null)]);
  job(store, 'sls', true, 'web1', 'ok', [state('a')]);
  job(store, 'sls', false, 'web1', 'changed', [state('a', { diff: 'x' })]);
  job(store, 'highstate', true, 'web1', 'unreachable', []);
  t.equal(store.drift().get('web1')?.jid, first);
  t.same(
    store
      .drift()
      .get('web1')
      ?.states.map((s) => s.id),
    ['a'],
  );
  store.close();
});

t.test('an older run completed late (from the agent record) does not replace a newer check', async (t) => {
  const store = open();
  const old = store.startJob({ kind: 'highstate', test: true, hosts: ['web1'] });
  store.recordHostRun(old.jid, { host: 'web1', status: 'interrupted', unresolved: true });
  const newer = job(store, 'highstate', true, 'web1', 'ok', [state('a')]);
  store.recordHostRun(old.jid, {
    host: 'web1',
    status: 'changed',
    results: [state('a', { diff: 'x' }, null)],
    recoveredAt: new Date(),
  });
  t.equal(store.drift().get('web1')?.jid, newer);
  t.same(store.drift().get('web1')?.states, []);
  store.close();
});

t.test('drift outlives the pruning of the job that found it', async (t) => {
  const store = open();
  job(store, 'highstate', true, 'web1', 'changed', [state('a', { diff: 'x' }, null)]);
  t.equal(store.prune({ keepDays: 30, keepCount: 0 }), 1);
  t.same(
    store
      .drift()
      .get('web1')
      ?.states.map((s) => s.id),
    ['a'],
  );
  store.close();
});

// A test-mode None is Salt's "would be changed" even without changes (cmd.script's report names none,
// tests/pytests/unit/states/test_cmd.py test_script): it is drift too.
t.test('a state whose test result is None is drift even when it reports no changes', async (t) => {
  const store = open();
  const jid = job(store, 'highstate', true, 'web1', 'changed', [state('script', {}, null), state('motd')]);
  t.equal(store.hostRun(jid, 'web1')?.changed, 1, 'and counts as a change in the host run');
  t.same(
    store
      .drift()
      .get('web1')
      ?.states.map((s) => s.id),
    ['script'],
  );
  store.close();
});
