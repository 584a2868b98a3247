// The systemd backend: one `systemctl show` for every service of the run, actions through
// systemctl, a daemon-reload first when a unit file changed. systemd cannot run in the
// test environment, so systemctl's answers are recorded output (fixtures/show-*.txt).
import t from 'tap';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeContext, silentLogger } from '../../../../agent/states/context.ts';
import type { Runner, RunResult } from '../../../../agent/run.ts';
import { running } from '../../../../agent/states/service.ts';
import { systemctlArgv } from '../../../../agent/backends/systemd.ts';
import type { LowChunk } from '../../../../agent/protocol.ts';

const show = readFileSync(join(process.cwd(), 'test/agent/states/service/fixtures/show-mixed.txt'), 'utf8');
const chunk = (name: string): LowChunk => ({
  tag: `service_|-${name}_|-${name}_|-running`, state: 'service', fun: 'running', id: name, name, sls: 's', env: 'base',
  order: 0, args: {}, meta: {}, requisites: {},
});

function systemctl(): { calls: string[][]; run: Runner; started: Set<string> } {
  const calls: string[][] = [];
  const started = new Set<string>();
  const run: Runner = async (argv) => {
    calls.push(argv);
    const ok = (stdout = ''): RunResult => ({ argv, code: 0, stdout, stderr: '', timedOut: false });
    if (argv[1] === 'show') {
      // The fixture lists memcached, nginx, nope; a started nginx reports active.
      return ok(started.has('nginx.service') ? show.replace('ActiveState=inactive\nSubState=dead\nUnitFileState=disabled', 'ActiveState=active\nSubState=running\nUnitFileState=disabled') : show);
    }
    if (argv[1] === 'start') started.add(argv[3]);
    return ok();
  };
  return { calls, run, started };
}

t.test('argv per action', async (t) => {
  t.same(systemctlArgv('start', 'nginx'), ['systemctl', 'start', '--', 'nginx.service']);
  t.same(systemctlArgv('full-restart', 'nginx'), ['systemctl', 'restart', '--', 'nginx.service']);
  t.same(systemctlArgv('enable', 'apt-daily.timer'), ['systemctl', 'enable', '--', 'apt-daily.timer']);
});

t.test('one show for all services, daemon-reload when needed, then start', async (t) => {
  const s = systemctl();
  const ctx = makeContext({ run: s.run, log: silentLogger, grains: { init: 'systemd' }, chunks: ['nginx', 'memcached', 'nope'].map(chunk) });
  t.match(await running.check({ name: 'memcached' }, ctx), { status: 'converged', comment: 'The service memcached is already running' });
  const plan = await running.check({ name: 'nginx' }, ctx);
  t.equal(s.calls.length, 1, 'both answered by one query');
  t.same(s.calls[0], ['systemctl', 'show', '-p', 'Id,LoadState,ActiveState,SubState,UnitFileState,NeedDaemonReload', '--', 'memcached.service', 'nginx.service', 'nope.service']);
  const out = await running.apply(plan, ctx);
  t.same(out, { changes: { nginx: true }, comment: 'Started service nginx' });
  t.same(s.calls.slice(1, 3), [['systemctl', 'daemon-reload'], ['systemctl', 'start', '--', 'nginx.service']]);
});
