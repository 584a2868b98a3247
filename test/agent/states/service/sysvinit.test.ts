// service.* against real SysV init scripts in a temporary root: each script starts a real
// background process, so start/stop/restart/reload and status are exercised for real.
// update-rc.d only works on the real /etc, so its argv is recorded and its links are made here.
import t from 'tap';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  symlinkSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeContext, silentLogger } from '../../../../agent/states/context.ts';
import { run as realRun, type Runner } from '../../../../agent/process/run.ts';
import { running, dead, enabled, disabled } from '../../../../agent/states/service.ts';
import type { LowChunk } from '../../../../agent/protocol.ts';
import type { StateContext, StateFunction } from '../../../../agent/states/types.ts';

const SCRIPT = (root: string, name: string, startCode = 0): string => `#!/bin/sh
PIDFILE=${root}/run/${name}.pid
LOG=${root}/log/${name}
alive() { [ -f "$PIDFILE" ] && kill -0 "$(cat "$PIDFILE")" 2>/dev/null; }
case "$1" in
  start) echo start >>"$LOG"; [ ${startCode} -ne 0 ] && { echo "cannot bind port" >&2; exit ${startCode}; }
         alive || { sleep 300 & echo $! >"$PIDFILE"; } ;;
  stop) echo stop >>"$LOG"; alive && kill "$(cat "$PIDFILE")"; rm -f "$PIDFILE" ;;
  restart) echo restart >>"$LOG"; alive && kill "$(cat "$PIDFILE")"; sleep 300 & echo $! >"$PIDFILE" ;;
  reload|force-reload) echo "$1" >>"$LOG" ;;
  status) alive && exit 0; exit 3 ;;
  *) exit 2 ;;
esac
`;

interface World {
  root: string;
  calls: string[][];
  ctx(opts?: { test?: boolean; names?: string[]; pending?: string[] }): StateContext;
  log(name: string): string[];
  running(name: string): boolean;
}

function world(
  t: { teardown(fn: () => unknown): void },
  services: Record<string, { startCode?: number; enabled?: boolean }>,
): World {
  const root = mkdtempSync(join(tmpdir(), 'halite-sysv-'));
  for (const d of ['etc/init.d', 'etc/rc2.d', 'run', 'log']) mkdirSync(join(root, d), { recursive: true });
  for (const [name, s] of Object.entries(services)) {
    const p = join(root, 'etc/init.d', name);
    writeFileSync(p, SCRIPT(root, name, s.startCode));
    chmodSync(p, 0o755);
    symlinkSync(`../init.d/${name}`, join(root, 'etc/rc2.d', `${s.enabled ? 'S' : 'K'}01${name}`));
  }
  const calls: string[][] = [];
  const runner: Runner = async (argv, opts) => {
    calls.push(argv);
    if (argv[0] !== 'update-rc.d') return realRun(argv, opts);
    const [, name, verb] = argv;
    const rc = join(root, 'etc/rc2.d');
    const links = readdirSync(rc).filter((l) => l.slice(3) === name);
    if (verb === 'defaults' && !links.length) symlinkSync(`../init.d/${name}`, join(rc, `S01${name}`));
    for (const l of links) {
      const want = verb === 'enable' ? 'S' : verb === 'disable' ? 'K' : l[0];
      if (l[0] !== want) {
        unlinkSync(join(rc, l));
        symlinkSync(`../init.d/${name}`, join(rc, `${want}${l.slice(1)}`));
      }
    }
    return { argv, code: 0, stdout: '', stderr: '', timedOut: false };
  };
  t.teardown(async () => {
    for (const f of existsSync(join(root, 'run')) ? readdirSync(join(root, 'run')) : []) {
      try {
        process.kill(Number(readFileSync(join(root, 'run', f), 'utf8')));
      } catch {
        // already gone
      }
    }
    rmSync(root, { recursive: true, force: true });
  });
  const chunk = (name: string, i: number): LowChunk => ({
    tag: `service_|-${name}_|-${name}_|-running`,
    state: 'service',
    fun: 'running',
    id: name,
    name,
    sls: 's',
    env: 'base',
    order: i,
    args: {},
    meta: {},
    requisites: {},
  });
  return {
    root,
    calls,
    ctx: (o = {}) => {
      const ctx = makeContext({
        root,
        run: runner,
        log: silentLogger,
        test: o.test ?? false,
        grains: { init: 'sysvinit' },
        chunks: (o.names ?? []).map(chunk),
      });
      if (o.pending) Object.assign(ctx, { pendingRequisites: o.pending });
      return ctx;
    },
    log: (name) =>
      existsSync(join(root, 'log', name))
        ? readFileSync(join(root, 'log', name), 'utf8')
            .trim()
            .split('\n')
        : [],
    running: (name) => realRunSync(join(root, 'etc/init.d', name)),
  };
}

import { spawnSync } from 'node:child_process';
function realRunSync(script: string): boolean {
  return spawnSync(script, ['status']).status === 0;
}

async function converge(fn: StateFunction, args: Record<string, unknown> & { name: string }, ctx: StateContext) {
  const plan = await fn.check(args, ctx);
  if (plan.status !== 'pending') return { plan };
  const out = await fn.apply(plan, ctx);
  const again = await fn.check(args, ctx);
  return { plan, out, again };
}

t.test('running starts a stopped service; then it is converged', async (t) => {
  const w = world(t, { memcached: {} });
  const test = await running.check({ name: 'memcached' }, w.ctx({ test: true }));
  t.match(test, { status: 'pending', changes: {}, comment: 'Service memcached is set to start' });
  t.notOk(w.running('memcached'), 'test mode starts nothing');
  const { out, again } = await converge(running, { name: 'memcached' }, w.ctx());
  t.same(out, { changes: { memcached: true }, comment: 'Started service memcached' });
  t.ok(w.running('memcached'));
  t.match(again, { status: 'converged', comment: 'The service memcached is already running' });
});

t.test('running with enable: start, then links', async (t) => {
  const w = world(t, { memcached: {} });
  const { out, again } = await converge(running, { name: 'memcached', enable: true }, w.ctx());
  t.same(out, { changes: { memcached: true }, comment: 'Service memcached has been enabled, and is running' });
  t.ok(w.calls.some((a) => a.join(' ') === 'update-rc.d memcached enable'));
  t.ok(existsSync(join(w.root, 'etc/rc2.d/S01memcached')));
  t.equal(again?.status, 'converged');
});

t.test('already running, enable wanted: only the boot setting changes', async (t) => {
  const w = world(t, { memcached: {} });
  await converge(running, { name: 'memcached' }, w.ctx());
  const plan = await running.check({ name: 'memcached', enable: true }, w.ctx({ test: true }));
  t.match(plan, { status: 'pending', comment: 'Service memcached set to be enabled' });
  const ctx = w.ctx();
  const out = await running.apply(await running.check({ name: 'memcached', enable: true }, ctx), ctx);
  t.same(out, {
    changes: { memcached: true },
    comment: 'Service memcached has been enabled, and is in the desired state',
  });
  t.same(w.log('memcached'), ['start'], 'not restarted');
});

t.test('dead stops it; enable False disables it', async (t) => {
  const w = world(t, { memcached: { enabled: true } });
  await converge(running, { name: 'memcached' }, w.ctx());
  t.match(await dead.check({ name: 'memcached' }, w.ctx({ test: true })), {
    status: 'pending',
    comment: 'Service memcached is set to be killed',
  });
  const { out, again } = await converge(dead, { name: 'memcached', enable: false }, w.ctx());
  t.same(out, { changes: { memcached: true }, comment: 'Service memcached has been disabled, and is dead' });
  t.notOk(w.running('memcached'));
  t.match(again, { status: 'converged', comment: 'The service memcached is already dead' });
  const plain = world(t, { redis: {} });
  await converge(running, { name: 'redis' }, plain.ctx());
  const { out: killed } = await converge(dead, { name: 'redis' }, plain.ctx());
  t.same(
    killed,
    { changes: { redis: false }, comment: 'Service redis was killed' },
    "Salt's changes: the status after",
  );
});

t.test('a service that fails to start fails the state with what it said', async (t) => {
  const w = world(t, { broken: { startCode: 1 } });
  const ctx = w.ctx();
  const out = await running.apply(await running.check({ name: 'broken' }, ctx), ctx);
  t.equal(out.result, false);
  t.match(out.comment, /^Service broken failed to start: cannot bind port/);
});

t.test('a missing service', async (t) => {
  const w = world(t, {});
  t.match(await running.check({ name: 'nope' }, w.ctx()), {
    status: 'failed',
    comment: 'The named service nope is not available',
  });
  t.match(await running.check({ name: 'nope' }, w.ctx({ test: true })), {
    status: 'failed',
    comment: 'The named service nope is not available',
  });
  t.match(
    await running.check({ name: 'nope' }, w.ctx({ test: true, pending: ['pkg_|-nope_|-nope_|-installed'] })),
    { status: 'pending', changes: {}, comment: 'Service nope is set to start' },
    'a pending requisite (its package) may create it',
  );
  t.match(await dead.check({ name: 'nope' }, w.ctx()), {
    status: 'converged',
    comment: 'The named service nope is not available',
  });
  t.match(await enabled.check({ name: 'nope' }, w.ctx()), { status: 'failed' });
  t.match(await disabled.check({ name: 'nope' }, w.ctx()), { status: 'converged' });
  t.match(await running.check({ name: 'nope', enabled: true }, w.ctx()), {
    status: 'failed',
    comment: /uses non-existent option "enabled"/,
  });
});

t.test('enabled / disabled', async (t) => {
  const w = world(t, { memcached: {} });
  t.match(await disabled.check({ name: 'memcached' }, w.ctx()), {
    status: 'converged',
    comment: 'Service memcached is already disabled, and is in the desired state',
  });
  t.match(await enabled.check({ name: 'memcached' }, w.ctx({ test: true })), {
    status: 'pending',
    comment: 'Service memcached set to be enabled',
  });
  const { out, again } = await converge(enabled, { name: 'memcached' }, w.ctx());
  t.same(out, {
    changes: { memcached: true },
    comment: 'Service memcached has been enabled, and is in the desired state',
  });
  t.equal(again?.status, 'converged');
  t.notOk(w.running('memcached'), 'enabling does not start');
  const { out: off } = await converge(disabled, { name: 'memcached' }, w.ctx());
  t.same(off, {
    changes: { memcached: true },
    comment: 'Service memcached has been disabled, and is in the desired state',
  });
});

t.test('watch: restart, reload, or start when stopped', async (t) => {
  const w = world(t, { nginx: {} });
  const ctx = (test = false): StateContext => {
    const c = w.ctx({ test });
    c.chunk = {
      tag: 'service_|-nginx_|-nginx_|-running',
      state: 'service',
      fun: 'running',
      id: 'nginx',
      name: 'nginx',
      sls: 's',
      env: 'base',
      order: 1,
      args: {},
      meta: {},
      requisites: {},
    };
    return c;
  };
  t.match(await running.modWatch!({ name: 'nginx' }, ctx(true)), {
    status: 'pending',
    comment: 'Service is set to be started',
  });
  let c = ctx();
  t.same(await running.apply(await running.modWatch!({ name: 'nginx' }, c), c), {
    changes: { nginx: true },
    comment: 'Service started',
  });
  t.same(w.log('nginx'), ['stop', 'start'], 'stopped before starting, as Salt does');
  t.match(await running.modWatch!({ name: 'nginx' }, ctx(true)), {
    status: 'pending',
    changes: {},
    comment: 'Service is set to be restarted',
  });
  c = ctx();
  t.same(await running.apply(await running.modWatch!({ name: 'nginx' }, c), c), {
    changes: { nginx: true },
    comment: 'Service restarted',
  });
  c = ctx();
  t.same(await running.apply(await running.modWatch!({ name: 'nginx', reload: true }, c), c), {
    changes: { nginx: true },
    comment: 'Service reloaded',
  });
  c = ctx();
  t.same(await running.apply(await running.modWatch!({ name: 'nginx', reload: true, force: true }, c), c), {
    changes: { nginx: true },
    comment: 'Service forcefully reloaded',
  });
  c = ctx();
  t.same(await running.apply(await running.modWatch!({ name: 'nginx', full_restart: true }, c), c), {
    changes: { nginx: true },
    comment: 'Service fully restarted',
  });
  t.same(w.log('nginx'), ['stop', 'start', 'restart', 'reload', 'force-reload', 'stop', 'start']);
  t.ok(w.running('nginx'));
  c = ctx();
  t.match(await running.modWatch!({ name: 'nginx', sfun: 'dead' }, c), { status: 'pending' });
  t.match(await running.modWatch!({ name: 'nginx', sfun: 'enabled' }, c), {
    status: 'failed',
    comment: 'Unable to trigger watch for service.enabled',
  });
});

t.test('one status query per service for all the services of a run', async (t) => {
  const w = world(t, { a: {}, b: {}, c: {} });
  const ctx = w.ctx({ names: ['a', 'b', 'c'] });
  await Promise.all(['a', 'b', 'c'].map((n) => running.check({ name: n }, ctx)));
  await running.check({ name: 'b' }, ctx);
  const statuses = (): string[] => w.calls.filter((a) => a[1] === 'status').map((a) => a[0].split('/').pop() as string);
  t.same(statuses().sort(), ['a', 'b', 'c']);
  const plan = await running.check({ name: 'a' }, ctx);
  await running.apply(plan, ctx);
  await running.check({ name: 'b' }, ctx);
  await running.check({ name: 'c' }, ctx);
  t.same(
    statuses().sort(),
    ['a', 'a', 'a', 'b', 'c'],
    'after starting a (and once more after the settle time), only a is asked again',
  );
});

t.test('sig: a process matching it means running, whatever status says', async (t) => {
  const w = world(t, {});
  const marker = `${2000 + Math.floor(Math.random() * 999)}.25`;
  const script = join(w.root, 'etc/init.d/nostatus');
  writeFileSync(
    script,
    `#!/bin/sh\ncase "$1" in\n  start) sleep ${marker} & echo $! >${w.root}/run/nostatus.pid ;;\n  *) exit 4 ;;\nesac\n`,
  );
  chmodSync(script, 0o755);
  const args = { name: 'nostatus', sig: `sleep ${marker}` };
  const { out, again } = await converge(running, args, w.ctx());
  t.same(out, { changes: { nostatus: true }, comment: 'Started service nostatus' });
  t.match(again, { status: 'converged', comment: 'The service nostatus is already running' });
  t.match(
    await running.check({ name: 'nostatus' }, w.ctx()),
    { status: 'pending' },
    'without sig the failing status says stopped',
  );
});
