// The systemd backend: one `systemctl show` for every service of the run, actions through
// systemctl, a daemon-reload first when a unit file changed. systemd cannot run in the
// test environment, so systemctl's answers are recorded output (fixtures/show-*.txt).
import t from 'tap';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeContext, silentLogger } from '../../../../agent/states/context.ts';
import type { Runner, RunResult } from '../../../../agent/process/run.ts';
import { running } from '../../../../agent/states/service.ts';
import { systemctlArgv } from '../../../../agent/backends/systemd.ts';
import type { LowChunk } from '../../../../agent/protocol.ts';

const show = readFileSync(join(process.cwd(), 'test/agent/states/service/fixtures/show-mixed.txt'), 'utf8');
const chunk = (name: string): LowChunk => ({
  tag: `service_|-${name}_|-${name}_|-running`,
  state: 'service',
  fun: 'running',
  id: name,
  name,
  sls: 's',
  env: 'base',
  order: 0,
  args: {},
  meta: {},
  requisites: {},
});

function systemctl(): { calls: string[][]; run: Runner; started: Set<string> } {
  const calls: string[][] = [];
  const started = new Set<string>();
  const run: Runner = async (argv) => {
    calls.push(argv);
    const ok = (stdout = ''): RunResult => ({ argv, code: 0, stdout, stderr: '', timedOut: false });
    if (argv[1] === 'show') {
      // The fixture's block for each unit asked about; a started unit reports active.
      const blocks = argv.slice(argv.indexOf('--') + 1).map((unit) => {
        const block =
          show.split('\n\n').find((b) => b.startsWith(`Id=${unit}\n`)) ??
          `Id=${unit}\nLoadState=not-found\nActiveState=inactive`;
        return started.has(unit) ? block.replace('ActiveState=inactive', 'ActiveState=active') : block.trim();
      });
      return ok(blocks.join('\n\n'));
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
  const ctx = makeContext({
    run: s.run,
    log: silentLogger,
    grains: { init: 'systemd' },
    chunks: ['nginx', 'memcached', 'nope'].map(chunk),
  });
  t.match(await running.check({ name: 'memcached' }, ctx), {
    status: 'converged',
    comment: 'The service memcached is already running',
  });
  const plan = await running.check({ name: 'nginx' }, ctx);
  t.equal(s.calls.length, 1, 'both answered by one query');
  t.same(s.calls[0], [
    'systemctl',
    'show',
    '-p',
    'Id,LoadState,ActiveState,SubState,UnitFileState,NeedDaemonReload',
    '--',
    'memcached.service',
    'nginx.service',
    'nope.service',
  ]);
  const out = await running.apply(plan, ctx);
  t.same(out, { changes: { nginx: true }, comment: 'Started service nginx' });
  t.same(
    s.calls.slice(1),
    [
      ['systemctl', 'daemon-reload'],
      ['systemctl', 'start', '--', 'nginx.service'],
      [
        'systemctl',
        'show',
        '-p',
        'Id,LoadState,ActiveState,SubState,UnitFileState,NeedDaemonReload',
        '--',
        'nginx.service',
      ],
      // and again once the settle time has passed: it still runs
      [
        'systemctl',
        'show',
        '-p',
        'Id,LoadState,ActiveState,SubState,UnitFileState,NeedDaemonReload',
        '--',
        'nginx.service',
      ],
    ],
    'after the start, only nginx is asked again',
  );
  t.match(await running.check({ name: 'nginx' }, ctx), { status: 'converged' });
  t.match(await running.check({ name: 'memcached' }, ctx), { status: 'converged' });
  t.equal(s.calls.length, 5, 'the others still come from the batch');
});
