// A job the daemon runs for the command line is published on its event bus as the API's jobs are:
// the dashboard and /events see it start, its states and its end, as the command-line user's.
import t from 'tap';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type ApiEvent, EventBus } from '../../../master/api/events.ts';
import { busTap } from '../../../master/api/launcher.ts';
import { main } from '../../../master/cli.ts';
import { inProcessHosts } from '../in-process-hosts.ts';
import { writeJobTree } from '../jobs/job-tree.ts';

t.test('the events of a command-line job run with the bus tap', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'halite-tap-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const config = writeJobTree(dir);
  const bus = new EventBus();
  const seen: ApiEvent[] = [];
  bus.subscribe((e) => seen.push(e));
  const hooks = inProcessHosts(join(dir, 'hosts')).hooks;
  const io = { stdout: () => undefined, stderr: () => undefined, env: { USER: 'alice' }, cwd: dir };
  const code = await main(['--config', config, 'sls', 'ok', '--host', 'cache1'], io, {
    job: { ...hooks.job, tap: busTap(bus) },
  });
  t.equal(code, 0);
  const start = seen.find((e) => e.type === 'job-start');
  t.match(start, { kind: 'sls', hosts: ['cache1'], origin: 'cli', who: 'alice' });
  const jid = start!.jid;
  t.ok(/^\d{20}$/.test(jid));
  t.ok(
    seen.every((e) => e.jid === jid),
    'every event names the job',
  );
  t.same(
    seen.filter((e) => e.type === 'state').map((e) => (e as { tag: string }).tag),
    ['test_|-conf_|-conf_|-configurable_test_state', 'test_|-quiet_|-quiet_|-succeed_without_changes'],
  );
  t.match(seen.at(-1), { type: 'job-done', jid, kind: 'sls', status: 'changed' });
});
