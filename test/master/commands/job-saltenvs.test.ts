// Jobs over several saltenvs (file_roots), through the whole job path with in-process hosts: a
// highstate applies the merged top files of base and dev (Salt's default merge strategy), and
// `--saltenv dev` / `saltenv=dev` (Salt's state.highstate saltenv=dev, state.sls … saltenv=dev)
// applies only dev's section, or the named SLS from dev's tree.
import t from 'tap';
import { join } from 'node:path';
import { halite as cli, workspaceDir } from '../cli-workspace.ts';
import { inProcessHosts } from '../in-process-hosts.ts';

const FILES: Record<string, string> = {
  'halite.yaml':
    'levels:\n  staging: {}\nssh:\n  persist: 0\nfile_roots:\n  base: [states]\n  dev: [states-dev, states]\n',
  'roster.yaml': 'web1:\n  host: 10.0.1.1\n  level: staging\n  roles: [web]\n',
  'roles/web.yaml': 'description: web\n',
  'pillar/top.sls': '{}\n',
  'states/top.sls': "base:\n  '*':\n    - common\n",
  'states/common.sls': 'common:\n  test.succeed_without_changes:\n    - name: common from {{ saltenv }}\n',
  'states/only.sls': 'only:\n  test.succeed_without_changes:\n    - name: base only\n',
  'states-dev/top.sls': "dev:\n  '*':\n    - app\n",
  'states-dev/app.sls': 'app:\n  test.succeed_without_changes:\n    - name: app from {{ saltenv }}\n',
  'states-dev/only.sls': 'only:\n  test.succeed_without_changes:\n    - name: dev only\n',
};

async function names(t: { teardown(fn: () => void): void }, ...args: string[]): Promise<string[]> {
  const dir = workspaceDir(t, 'job-saltenvs', FILES);
  const r = await cli(
    dir,
    ['--config', join(dir, 'halite.yaml'), ...args, '--all', '--out', 'json'],
    inProcessHosts(join(dir, 'hosts')).hooks,
  );
  if (r.code !== 0) throw new Error(r.err + r.out);
  const doc = JSON.parse(r.out) as Record<string, Record<string, { name: string }>>;
  return Object.values(doc.web1!)
    .map((s) => s.name)
    .sort();
}

t.test('highstate: both environments', async (t) => {
  t.same(await names(t, 'highstate'), ['app from dev', 'common from base']);
});

t.test('highstate --saltenv dev and saltenv=dev: only the dev section', async (t) => {
  t.same(await names(t, 'highstate', '--saltenv', 'dev'), ['app from dev']);
  t.same(await names(t, 'highstate', 'saltenv=dev'), ['app from dev']);
});

t.test('sls in dev reads dev first, then the base directory', async (t) => {
  t.same(await names(t, 'sls', 'only', 'common', '--saltenv', 'dev'), ['common from dev', 'dev only']);
  t.same(await names(t, 'sls', 'only'), ['base only']);
});

t.test('an unknown saltenv is refused before any host is touched', async (t) => {
  const dir = workspaceDir(t, 'job-saltenvs', FILES);
  const hosts = inProcessHosts(join(dir, 'hosts'));
  const r = await cli(
    dir,
    ['--config', join(dir, 'halite.yaml'), 'highstate', '--all', '--saltenv', 'qa'],
    hosts.hooks,
  );
  t.equal(r.code, 64);
  t.match(r.err, /unknown saltenv 'qa'/);
  t.same(hosts.ran, []);
});
