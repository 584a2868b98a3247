// `halite jobs`, `halite jobs show`, `halite jobs prune` over jobs run in-process.
import t from 'tap';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { JobStore } from '../../../master/jobs/store.ts';
import { SECRET, halite, writeJobTree } from '../jobs/job-tree.ts';

const dir = mkdtempSync(join(tmpdir(), 'halite-jobs-cmd-'));
t.teardown(() => rmSync(dir, { recursive: true, force: true }));
const config = writeJobTree(dir);
const hostsDir = join(dir, 'hosts');
const run = (...args: string[]) => halite(config, hostsDir, args);

t.test('jobs show reprints a highstate exactly as it was printed, secrets still redacted', async (t) => {
  const first = await run('highstate', '--all');
  t.equal(first.code, 2, first.err);
  t.match(first.out, /wrote password \*\*REDACTED\*\*/);
  t.match(first.out, /mind the gap/);
  t.match(first.out, /blocked: web1: /);
  const jid = /Fleet summary \(job (\d+)\)/.exec(first.out)![1];

  const shown = await run('jobs', 'show', jid);
  t.equal(shown.code, 0, shown.err);
  t.equal(shown.out, first.out, 'the same text, wall time and blocked reason included');

  const json = await run('jobs', 'show', jid, '--out', 'json');
  const doc = JSON.parse(json.out) as Record<string, Record<string, { comment: string }>>;
  t.same(Object.keys(doc), ['cache1', 'cache2'], 'hosts that ran, in the job order');

  const one = await run('jobs', 'show', jid, '--host', 'cache2', '--state-output', 'terse');
  t.equal(one.code, 0);
  t.match(one.out, /^cache2:/);
  t.notMatch(one.out, /cache1/);

  const db = readFileSync(join(dir, 'var', 'jobs.sqlite'));
  t.notOk(db.includes(SECRET), 'the secret is not in the database file');
  t.notMatch(shown.out + json.out, SECRET);
});

t.test('jobs show: an unknown job or a host not in it is a usage error', async (t) => {
  const r = await run('jobs', 'show', '20000101000000000000');
  t.equal(r.code, 64);
  t.match(r.err, /no job 20000101000000000000/);
  const last = JobStore.open(join(dir, 'var', 'jobs.sqlite'));
  const jid = last.jobs({ limit: 1 })[0].jid;
  last.close();
  const h = await run('jobs', 'show', jid, '--host', 'nosuch');
  t.equal(h.code, 64);
  t.match(h.err, /host nosuch did not take part/);
});

t.test('jobs list: most recent first, filtered by host, status and age, with who started each', async (t) => {
  await run('sls', 'ok', '--host', 'cache1', '--test');
  const all = await run('jobs');
  t.equal(all.code, 0, all.err);
  const lines = all.out.trim().split('\n');
  t.match(lines[0], /^JID\s+STARTED\s+KIND\s+STATUS\s+HOSTS\s+TIME\s+BY\s+TARGET$/);
  t.match(lines[1], /^\d{20}\s+\S+Z\s+sls \(test\)\s+changed\s+1\s+.+?\s+cli:alice\s+sls=ok host=cache1$/);
  t.match(lines.at(-1)!, /\s+highstate\s+failed\s+3\s+.+?\s+cli:alice\s+all$/);
  t.same((await run('jobs', 'list')).out, all.out, '`jobs list` is `jobs`');

  const failed = JSON.parse((await run('jobs', '--status', 'failed', '--out', 'json')).out) as {
    kind: string;
    origin: string;
    who: string;
    hosts: { host: string; status: string }[];
  }[];
  t.ok(failed.length >= 1);
  t.ok(failed.every((j) => j.kind === 'highstate'));
  t.match(failed[0], { origin: 'cli', who: 'alice' });
  t.same(failed[0].hosts, [
    { host: 'cache1', status: 'changed' },
    { host: 'cache2', status: 'failed' },
    { host: 'web1', status: 'blocked' },
  ]);

  const web = JSON.parse((await run('jobs', '--host', 'web1', '--out', 'json')).out) as { kind: string }[];
  t.ok(web.length >= 1 && web.every((j) => j.kind === 'highstate'), 'the sls job did not run on web1');
  t.equal(JSON.parse((await run('jobs', '--limit', '1', '--out', 'json')).out).length, 1);
  t.same(JSON.parse((await run('jobs', '--since', '2099-01-01', '--out', 'json')).out), []);
  t.same(
    JSON.parse((await run('jobs', '--status', 'interrupted', '--out', 'json')).out),
    [],
    'interrupted is a status to filter on',
  );
  t.ok(JSON.parse((await run('jobs', '--since', '1h', '--out', 'json')).out).length >= 2);
  const bad = await run('jobs', '--since', 'yesterday');
  t.equal(bad.code, 64);
  t.match(bad.err, /expected an age/);
});

t.test('jobs prune applies jobs.keep_count from halite.yaml', async (t) => {
  const d = mkdtempSync(join(tmpdir(), 'halite-jobs-prune-'));
  t.teardown(() => rmSync(d, { recursive: true, force: true }));
  const cfg = writeJobTree(d, 'jobs:\n  keep_days: 30\n');
  const store = JobStore.open(join(d, 'var', 'jobs.sqlite'));
  for (let i = 0; i < 4; i++)
    store.finishJob(
      store.startJob({ kind: 'highstate', startedAt: new Date(Date.now() - (4 - i) * 60_000) }).jid,
      'ok',
    );
  store.finishJob(store.startJob({ kind: 'highstate', startedAt: new Date(Date.now() - 40 * 86_400_000) }).jid, 'ok');
  store.close();
  const r = await halite(cfg, join(d, 'hosts'), ['jobs', 'prune']);
  t.equal(r.code, 0, r.err);
  t.equal(r.out, '1 job deleted (keeping 30 days)\n');
  writeJobTree(d, 'jobs:\n  keep_days: 30\n  keep_count: 2\n');
  const r2 = await halite(cfg, join(d, 'hosts'), ['jobs', 'prune']);
  t.equal(r2.out, '2 jobs deleted (keeping 30 days, at most 2 jobs)\n');
  t.equal(JSON.parse((await halite(cfg, join(d, 'hosts'), ['jobs', '--out', 'json'])).out).length, 2);
});
