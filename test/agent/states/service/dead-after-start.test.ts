// A service whose start or restart "succeeds" but which is dead a moment later (a broken
// configuration): the state fails and its comment carries the init script's status and the
// service's last log lines. Real SysV init scripts in a temporary root, real processes.
import t from 'tap';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeContext, silentLogger } from '../../../../agent/states/context.ts';
import { running } from '../../../../agent/states/service.ts';
import { lastLines } from '../../../../agent/backends/service-diagnosis.ts';

/**
 * An init script whose daemon reads `${root}/etc/NAME.conf` and dies at once when it says
 * "broken", logging why to /var/log/NAME.log; start/restart always exit 0, as start-stop-daemon does.
 */
const SCRIPT = (root: string, name: string): string => `#!/bin/sh
PIDFILE=${root}/run/${name}.pid
LOG=${root}/var/log/${name}.log
# a dead daemon may linger as a zombie until something reaps it: that is not running
alive() { p=$(cat "$PIDFILE" 2>/dev/null) && kill -0 "$p" 2>/dev/null && ! grep -q '^State:.*Z' /proc/"$p"/status; }
daemon() {
  sh -c 'if grep -q broken "$1"; then echo "fatal: bad directive in $1 line 3" >>"$2"; exit 1; fi; exec sleep 300' \\
    ${name} ${root}/etc/${name}.conf "$LOG" </dev/null >/dev/null 2>&1 &
  echo $! >"$PIDFILE"
}
case "$1" in
  start) alive || daemon ;;
  stop) alive && kill "$(cat "$PIDFILE")"; rm -f "$PIDFILE" ;;
  restart|reload) alive && kill "$(cat "$PIDFILE")"; daemon ;;
  status) alive && { echo "${name} is running"; exit 0; }; echo "${name} is not running"; exit 3 ;;
esac
exit 0
`;

function world(t: { teardown(fn: () => unknown): void }, name: string) {
  const root = mkdtempSync(join(tmpdir(), 'halite-svcdead-'));
  for (const d of ['etc/init.d', 'etc/rc2.d', 'run', 'var/log']) mkdirSync(join(root, d), { recursive: true });
  writeFileSync(join(root, 'etc/init.d', name), SCRIPT(root, name));
  chmodSync(join(root, 'etc/init.d', name), 0o755);
  writeFileSync(join(root, `etc/${name}.conf`), 'port 11211\n');
  t.teardown(() => {
    try {
      process.kill(Number(readFileSync(join(root, 'run', `${name}.pid`), 'utf8')), 'SIGKILL');
    } catch {
      // not running
    }
    rmSync(root, { recursive: true, force: true });
  });
  const ctx = () => makeContext({ root, log: silentLogger, grains: { init: 'sysvinit' } });
  return { root, ctx, breakConfig: () => writeFileSync(join(root, `etc/${name}.conf`), 'port 11211\nbroken\n') };
}

t.test('a watch restart that leaves the service dead fails, saying why', async (t) => {
  const w = world(t, 'cache');
  let ctx = w.ctx();
  const start = await running.apply(await running.check({ name: 'cache' }, ctx), ctx);
  t.match(start, { changes: { cache: true }, comment: 'Started service cache' });

  w.breakConfig();
  ctx = w.ctx();
  const out = await running.apply(await running.modWatch!({ name: 'cache' }, ctx), ctx);
  t.equal(out.result, false);
  t.same(out.changes, { cache: false });
  t.equal(
    out.comment,
    [
      'Failed to restart the service: the service is not running 6 s after the restart',
      '/etc/init.d/cache status (exit 3):',
      '    cache is not running',
      'Last log lines (/var/log/cache.log):',
      // started once more after the restart found it stopped: it died both times
      `    fatal: bad directive in ${w.root}/etc/cache.conf line 3`,
      `    fatal: bad directive in ${w.root}/etc/cache.conf line 3`,
    ].join('\n'),
  );

  // the next run: still dead, and its failure says why as well
  ctx = w.ctx();
  const plan = await running.check({ name: 'cache' }, ctx);
  t.match(plan, { status: 'pending', comment: 'Service cache is set to start' });
  const again = await running.apply(plan, ctx);
  t.equal(again.result, false);
  t.match(
    again.comment,
    /^Service cache failed to start: it is not running 6 s after the start\n\/etc\/init.d\/cache status \(exit 3\):\n    cache is not running\nLast log lines \(\/var\/log\/cache.log\):\n    fatal: bad directive/,
  );
});

t.test('init_delay is the settle time (Salt’s argument), and the comment says the delay', async (t) => {
  const w = world(t, 'web');
  w.breakConfig();
  const ctx = w.ctx();
  const out = await running.apply(await running.check({ name: 'web', init_delay: 0.2 }, ctx), ctx);
  t.equal(out.result, false);
  t.match(
    out.comment,
    /^Service web failed to start: it is not running 5.2 s after the start\nDelayed return for 0.2 seconds\n\/etc\/init.d\/web status/,
  );
});

t.test('a log that is a symlink is not followed into the comment', async (t) => {
  const w = world(t, 'evil');
  writeFileSync(join(w.root, 'etc/secret'), 'root:$6$canary-hash:::\n');
  symlinkSync(join(w.root, 'etc/secret'), join(w.root, 'var/log/evil.log'));
  w.breakConfig();
  const ctx = w.ctx();
  const out = await running.apply(await running.check({ name: 'evil' }, ctx), ctx);
  t.equal(out.result, false);
  t.notMatch(out.comment, /canary/);
});

t.test('log lines are bounded in number and length', async (t) => {
  const text = Array.from({ length: 500 }, (_, i) => `line ${i} ${'x'.repeat(i === 499 ? 1000 : 10)}`).join('\n');
  const lines = lastLines(text);
  t.equal(lines.length, 10);
  t.match(lines[0], /^line 490 /);
  t.equal(lines[9].length, 241, 'a long line is cut');
});
