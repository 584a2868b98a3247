// `halite serve` runs the schedules of halite.yaml: a schedule ticking every second on in-process
// hosts leads to scheduled jobs in the job store; stopping the daemon stops its schedules.
import t from 'tap';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../../master/cli.ts';
import { JobStore } from '../../../master/jobs/store.ts';
import { inProcessHosts } from '../in-process-hosts.ts';
import { writeJobTree } from '../jobs/job-tree.ts';

t.test('halite serve starts the schedules and stops them with the daemon', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'halite-serve-schedule-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const config = writeJobTree(
    dir,
    "schedules:\n  - name: every-second\n    level: staging\n    role: cache\n    cron: '* * * * * *'\n",
  );
  const io = {
    out: '',
    err: '',
    env: {},
    cwd: dir,
    stdout: (s: string) => void (io.out += s),
    stderr: (s: string) => void (io.err += s),
  };
  let close!: () => Promise<void>;
  let done!: Promise<number>;
  await new Promise<void>((resolve) => {
    done = main(['--config', config, 'serve', '--port', '0'], io, {
      ...inProcessHosts(join(dir, 'hosts')).hooks,
      serveListening: (_u, c) => {
        close = c;
        resolve();
      },
    });
  });
  t.match(io.err, "halite serve: schedule every-second: test run of level staging (roles cache) at '* * * * * *'");
  const store = JobStore.open(join(dir, 'var', 'jobs.sqlite'));
  t.teardown(() => store.close());
  for (;;) {
    const j = store
      .jobs({ limit: 100 })
      .find((x) => x.origin === 'schedule' && x.status !== 'running' && x.status !== 'skipped');
    if (j) {
      t.match(j, { who: 'every-second', kind: 'highstate', test: true, hosts: ['cache1', 'cache2'] });
      break;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  await close();
  t.equal(await done, 0, 'the daemon stops');
  const after = store.jobs({ limit: 1000 }).length;
  t.equal(store.jobs({ status: 'running' }).length, 0, 'the running jobs were finished first');
  await new Promise((r) => setTimeout(r, 1500));
  t.equal(store.jobs({ limit: 1000 }).length, after, 'no tick after the daemon stopped');
});
