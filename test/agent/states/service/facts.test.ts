// Service fact parsers: systemctl show blocks and SysV status + runlevel links.
import t from 'tap';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  keyOf,
  parseSystemctlShow,
  parseSysv,
  sysvEnabled,
  unitName,
  unitState,
} from '../../../../agent/facts/services.ts';
import { detectInit } from '../../../../agent/backends/init.ts';
import { mkdtempSync, mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';

const fixture = (n: string): string =>
  readFileSync(join(process.cwd(), 'test/agent/states/service/fixtures', n), 'utf8');

t.test('systemctl show: one block per unit, in the order asked', async (t) => {
  const m = parseSystemctlShow(fixture('show-mixed.txt'), ['memcached', 'nginx', 'nope']);
  t.ok(m);
  t.same(m!.get('memcached'), {
    name: 'memcached',
    available: true,
    running: true,
    enabled: true,
    needsDaemonReload: false,
  });
  t.same(m!.get('nginx'), { name: 'nginx', available: true, running: false, enabled: false, needsDaemonReload: true });
  t.same(m!.get('nope'), { name: 'nope', available: false, running: false, enabled: false, needsDaemonReload: false });
  t.equal(
    parseSystemctlShow(fixture('show-mixed.txt'), ['a', 'b']),
    undefined,
    'blocks that do not line up are rejected',
  );
});

t.test('enabled and running as systemctl is-enabled / is-active see them', async (t) => {
  for (const s of ['enabled', 'static', 'indirect', 'alias', 'generated', 'enabled-runtime'])
    t.ok(unitState('x', { LoadState: 'loaded', UnitFileState: s }).enabled, s);
  for (const s of ['disabled', 'masked', ''])
    t.notOk(unitState('x', { LoadState: 'loaded', UnitFileState: s }).enabled, s || 'empty');
  t.ok(unitState('x', { LoadState: 'loaded', ActiveState: 'reloading' }).running);
  t.notOk(unitState('x', { LoadState: 'loaded', ActiveState: 'failed' }).running);
  t.ok(unitState('x', { LoadState: 'masked' }).available, 'a masked unit exists');
  t.notOk(unitState('x', {}).available, 'no answer: not available');
});

t.test('unit names: bare names are services', async (t) => {
  t.equal(unitName('memcached'), 'memcached.service');
  t.equal(unitName('apt-daily.timer'), 'apt-daily.timer');
  t.equal(unitName('php8.2-fpm'), 'php8.2-fpm.service');
});

t.test('sysv: status exit code and S links in rc2.d', async (t) => {
  const links = ['README', 'S01memcached', 'K01nginx', 'S02ssh', 'S01memcached-extra'];
  t.ok(sysvEnabled('memcached', links));
  t.notOk(sysvEnabled('nginx', links), 'a K link is not a start link');
  t.notOk(sysvEnabled('memcache', links), 'whole names only');
  const m = parseSysv(
    { status: { memcached: 0, nginx: 3, gone: null }, rcLinks: links },
    keyOf(['nginx', 'memcached', 'gone']),
  );
  t.same(m.get('memcached'), { name: 'memcached', available: true, running: true, enabled: true });
  t.same(m.get('nginx'), { name: 'nginx', available: true, running: false, enabled: false });
  t.same(m.get('gone'), { name: 'gone', available: false, running: false, enabled: false });
});

t.test('init detection: grain first, then /run/systemd/system', async (t) => {
  const root = mkdtempSync(join(tmpdir(), 'halite-init-'));
  t.teardown(() => rmSync(root, { recursive: true, force: true }));
  t.equal(detectInit(root), 'sysvinit');
  t.equal(detectInit(root, 'systemd'), 'systemd');
  mkdirSync(join(root, 'run/systemd/system'), { recursive: true });
  t.equal(detectInit(root), 'systemd');
  t.equal(detectInit(root, 'sysvinit'), 'sysvinit');
  t.equal(detectInit(root, 'upstart'), 'systemd', 'an unknown grain falls back to detection');
});
