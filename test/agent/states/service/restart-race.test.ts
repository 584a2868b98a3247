// An init script whose `restart` is `stop; start` with a stop that does not wait for the daemon
// to exit (Debian's chrony): the start sees the old daemon still alive and starts nothing, and
// the service is down a moment later. The watch restart starts it again. Real SysV init script
// in a temporary root, real processes.
import t from 'tap';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { makeContext, silentLogger } from '../../../../agent/states/context.ts';
import { running } from '../../../../agent/states/service.ts';

/** The daemon takes a moment to exit on TERM and removes its pid file as it goes. */
const SCRIPT = (root: string, name: string): string => `#!/bin/sh
PIDFILE=${root}/run/${name}.pid
alive() { p=$(cat "$PIDFILE" 2>/dev/null) && kill -0 "$p" 2>/dev/null && ! grep -q '^State:.*Z' /proc/"$p"/status; }
daemon() {
  sh -c 'trap "sleep 0.3; rm -f $1; exit 0" TERM; while :; do sleep 0.1; done' ${name} "$PIDFILE" </dev/null >/dev/null 2>&1 &
  echo $! >"$PIDFILE"
}
case "$1" in
  start) alive || daemon ;;
  stop) alive && kill "$(cat "$PIDFILE")" ;;
  restart) "$0" stop; "$0" start ;;
  status) alive && { echo "${name} is running"; exit 0; }; echo "${name} is not running"; exit 3 ;;
esac
exit 0
`;

t.test('a restart that left the service down because the old daemon was still exiting starts it again', async (t) => {
  const name = 'timed';
  const root = mkdtempSync(join(tmpdir(), 'halite-svcrace-'));
  for (const d of ['etc/init.d', 'etc/rc2.d', 'run']) mkdirSync(join(root, d), { recursive: true });
  const script = join(root, 'etc/init.d', name);
  writeFileSync(script, SCRIPT(root, name));
  chmodSync(script, 0o755);
  const pid = () => readFileSync(join(root, 'run', `${name}.pid`), 'utf8').trim();
  t.teardown(() => {
    try {
      process.kill(Number(pid()), 'SIGKILL');
    } catch {
      // not running
    }
    rmSync(root, { recursive: true, force: true });
  });
  const ctx = () => makeContext({ root, log: silentLogger, grains: { init: 'sysvinit' } });

  let c = ctx();
  t.match(await running.apply(await running.check({ name }, c), c), { changes: { [name]: true } });
  const before = pid();

  c = ctx();
  const out = await running.apply(await running.modWatch!({ name }, c), c);
  t.match(out, { changes: { [name]: true }, comment: 'Service restarted' });
  t.not(out.result, false);
  t.not(pid(), before, 'a new daemon runs');
  t.equal(execFileSync(script, ['status'], { encoding: 'utf8' }).trim(), `${name} is running`);
});
