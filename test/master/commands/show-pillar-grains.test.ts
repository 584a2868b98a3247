// `halite show pillar` and `halite show grains` (Salt's pillar.items and grains.items, answered on
// the master without connecting): private values redacted; grains are what the host reported on
// its last run with its roster grains on top.
import t from 'tap';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { JobStore } from '../../../master/jobs/store.ts';
import { halite, workspaceDir } from '../cli-workspace.ts';

const SECRET = 'hunter2-very-private-value';

const FILES: Record<string, string> = {
  'halite.yaml': 'levels:\n  staging: {}\n',
  'roster.yaml': 'web1:\n  host: 10.0.1.1\n  level: staging\n  roles: [web]\n',
  'roles/web.yaml': 'description: web\n',
  'states/top.sls': "base:\n  '*':\n    - one\n",
  'states/one.sls': 'first:\n  test.nop: []\n',
  'pillar/top.sls': "base:\n  '*':\n    - common\n",
  'pillar/common.sls': 'site: example\nlevel_seen: {{ grains["level"] }}\n',
  'pillar-private/top.sls': "base:\n  'roles:web':\n    - match: grain\n    - web\n",
  'pillar-private/web.sls': `db_password: ${SECRET}\n`,
};

t.test("show pillar: the host's compiled pillar, private values redacted", async (t) => {
  const dir = workspaceDir(t, 'show', FILES);
  const r = await halite(dir, ['show', 'pillar', '--host', 'web1']);
  t.equal(r.code, 0, r.err);
  t.notMatch(r.out + r.err, SECRET);
  t.same(parse(r.out), { site: 'example', level_seen: 'staging', db_password: '**REDACTED**' });
});

t.test("show grains: reported grains under the roster's", async (t) => {
  const dir = workspaceDir(t, 'show', FILES);
  const before = await halite(dir, ['show', 'grains', '--host', 'web1', '--out', 'json']);
  t.equal(before.code, 0, before.err);
  const roster = JSON.parse(before.out) as Record<string, unknown>;
  t.match(roster, { id: 'web1', level: 'staging', roles: ['web'] });
  t.notOk('os' in roster, 'nothing reported yet');

  mkdirSync(join(dir, 'var'), { recursive: true });
  const store = JobStore.open(join(dir, 'var/jobs.sqlite'));
  // a host that claims another identity gets nowhere: the roster's grains win
  store.updateInventory('web1', ['10.0.1.1'], {
    os: 'Debian',
    osrelease: '12',
    ipv4: ['10.0.1.1'],
    id: 'db1',
    roles: ['masterdb'],
  });
  store.close();
  const after = await halite(dir, ['show', 'grains', '--host', 'web1', '--out', 'json', '--grain', 'extra=1']);
  t.equal(after.code, 0, after.err);
  t.match(JSON.parse(after.out), {
    id: 'web1',
    roles: ['web'],
    level: 'staging',
    os: 'Debian',
    osrelease: '12',
    ipv4: ['10.0.1.1'],
    extra: 1,
  });
});

t.test("show grains: Salt's core grains as reported, roster grains over them, hostile ones dropped", async (t) => {
  const dir = workspaceDir(t, 'show', {
    ...FILES,
    'roster.yaml': 'web1:\n  host: 10.0.1.1\n  level: staging\n  roles: [web]\n  grains:\n    virtual: kvm\n',
  });
  mkdirSync(join(dir, 'var'), { recursive: true });
  const store = JobStore.open(join(dir, 'var/jobs.sqlite'));
  store.updateInventory('web1', ['10.0.1.1'], {
    virtual: 'physical',
    osarch: 'amd64',
    lsb_distrib_id: 'Debian GNU/Linux',
    ip4_interfaces: { lo: ['127.0.0.1'], eth0: ['10.0.1.1'] },
    hwaddr_interfaces: { eth0: '02:42:0a:00:01:01' },
    pythonversion: [3, 11, 2, 'final', 0],
    saltversioninfo: [3008, 0],
    lsb_distrib_codename: '{{ pillar.db_password }}',
  });
  store.close();
  const r = await halite(dir, ['show', 'grains', '--host', 'web1', '--out', 'json']);
  t.equal(r.code, 0, r.err);
  const g = JSON.parse(r.out) as Record<string, unknown>;
  t.match(g, {
    virtual: 'kvm',
    osarch: 'amd64',
    lsb_distrib_id: 'Debian GNU/Linux',
    ip4_interfaces: { lo: ['127.0.0.1'], eth0: ['10.0.1.1'] },
    hwaddr_interfaces: { eth0: '02:42:0a:00:01:01' },
    pythonversion: [3, 11, 2, 'final', 0],
    saltversioninfo: [3008, 0],
  });
  t.notOk('lsb_distrib_codename' in g, 'a value that is not a code name is not shown');
});
