// service.running through the executor, on a temporary root with a real SysV init script
// delivered by file.managed: test mode before the script exists, start, then a watch restart.
import t from 'tap';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { run } from '../../execute/harness.ts';

const root = mkdtempSync(join(tmpdir(), 'halite-svc-hs-'));
mkdirSync(join(root, 'run'));
mkdirSync(join(root, 'log'));
t.teardown(() => {
  for (const f of readdirSync(join(root, 'run'))) {
    try {
      process.kill(Number(readFileSync(join(root, 'run', f), 'utf8')));
    } catch {
      // already gone
    }
  }
  rmSync(root, { recursive: true, force: true });
});

const sls = (version: string, requisite = 'watch'): string => `
memcached-init:
  file.managed:
    - name: /etc/init.d/memcached
    - makedirs: True
    - mode: '0755'
    - contents: |
        #!/bin/sh
        # version ${version}
        P=${root}/run/memcached.pid
        alive() { [ -f "$P" ] && kill -0 "$(cat "$P")" 2>/dev/null; }
        echo "$1" >>${root}/log/memcached
        case "$1" in
          start) alive || { sleep 300 & echo $! >"$P"; } ;;
          stop) alive && kill "$(cat "$P")"; rm -f "$P" ;;
          restart) alive && kill "$(cat "$P")"; sleep 300 & echo $! >"$P" ;;
          status) alive ;;
        esac

memcached:
  service.running:
    - ${requisite}:
      - file: memcached-init
`;

const opts = (test = false) => ({ test, context: { root, grains: { init: 'sysvinit' } } });
const calls = (): string[] =>
  existsSync(join(root, 'log/memcached')) ? readFileSync(join(root, 'log/memcached'), 'utf8').trim().split('\n') : [];

t.test('test mode: the init script is pending, so the service would start', async (t) => {
  const r = await run(sls('1', 'require'), opts(true));
  t.match(r.byId('memcached-init'), { result: null });
  t.match(r.byId('memcached'), { result: null, comment: 'Service memcached is set to start' });
  const watched = await run(sls('1'), opts(true));
  t.match(
    watched.byId('memcached'),
    { result: null, comment: 'Service is set to be started' },
    'with watch, Salt reports the watch reaction',
  );
  t.notOk(existsSync(join(root, 'etc/init.d/memcached')));
});

t.test('first run: script written, service started', async (t) => {
  const r = await run(sls('1'), opts());
  t.match(r.byId('memcached-init'), { result: true });
  t.match(r.byId('memcached'), { result: true, changes: { memcached: true }, comment: 'Started service memcached' });
  t.same(
    calls().filter((c) => c !== 'status'),
    ['start'],
    'started once, no restart on top',
  );
});

t.test('second run, same script: nothing to do', async (t) => {
  const r = await run(sls('1'), opts());
  t.match(r.byId('memcached'), { result: true, changes: {}, comment: 'The service memcached is already running' });
});

t.test('changed script: the watch restarts the running service', async (t) => {
  const test = await run(sls('2'), opts(true));
  t.match(test.byId('memcached'), { result: null, comment: 'Service is set to be restarted' });
  const r = await run(sls('2'), opts());
  t.match(r.byId('memcached'), { result: true, changes: { memcached: true }, comment: 'Service restarted' });
  t.same(
    calls().filter((c) => c !== 'status'),
    ['start', 'restart'],
  );
});
