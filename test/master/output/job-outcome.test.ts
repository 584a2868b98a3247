import t from 'tap';
import { storedJob } from '../../../master/output/job-outcome.ts';
import { JobStore } from '../../../master/jobs/store.ts';

t.test(
  'a job read back: hosts in the job order, a host still running left out, an interrupted one shown as such',
  async (t) => {
    const store = JobStore.open(':memory:');
    t.teardown(() => store.close());
    const { jid } = store.startJob({ kind: 'highstate' });
    // started in the order web1, cache1, cache2 of a job whose host order is cache1, cache2, web1
    store.startHostRun(jid, 'web1', new Date(), 2);
    store.startHostRun(jid, 'cache1', new Date(), 0);
    store.startHostRun(jid, 'cache2', new Date(), 1);
    store.recordHostRun(jid, { host: 'cache2', status: 'ok' });
    store.recordHostRun(jid, {
      host: 'web1',
      status: 'interrupted',
      unresolved: true,
      errors: [{ code: 'INTERRUPTED', message: 'web1: stopped' }],
    });
    t.same(
      store.hostRuns(jid).map((r) => [r.host, r.position, r.status]),
      [
        ['cache1', 0, 'running'],
        ['cache2', 1, 'ok'],
        ['web1', 2, 'interrupted'],
      ],
    );
    const shown = storedJob(store, jid)!;
    t.same(shown.order, ['cache2', 'web1']);
    t.same(
      shown.outcome.results.map((r) => [r.host, r.status]),
      [
        ['cache2', 'ok'],
        ['web1', 'interrupted'],
      ],
    );
    t.same(shown.outcome.blocked, []);
    // the run completed later from the agent's record keeps its place
    store.recordHostRun(jid, { host: 'web1', status: 'changed', recoveredAt: new Date() });
    t.match(store.hostRun(jid, 'web1'), { position: 2, status: 'changed', unresolved: false });
  },
);
